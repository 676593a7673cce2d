import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';

import type { Failure } from '../../src/defer/failure.js';
import type { Address } from '../../src/interfaces/address.js';
import type { IProcessTransport } from '../../src/interfaces/process.js';
import type { IUDPTransport } from '../../src/interfaces/protocol.js';
import { DatagramProtocol } from '../../src/protocol/datagram.js';
import type { SteppedReactor } from '../../src/reactor/stepped/stepped-reactor.js';
import { closeReactors, decode, drive, makeReactor, portOf, turnNodeLoop } from './harness.js';

afterEach(closeReactors);

class DatagramRecorder extends DatagramProtocol {
  readonly received: string[] = [];
  outsideIterate = 0;
  constructor(private readonly reactor: SteppedReactor) {
    super();
  }
  override datagramReceived(data: Uint8Array, _addr: Address): void {
    if (!this.reactor.iterating) this.outsideIterate++;
    this.received.push(decode(data));
  }
}

async function sendDatagrams(port: number, messages: readonly string[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  for (const message of messages) {
    await new Promise<void>((resolve, reject) =>
      socket.send(message, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
  }
  socket.close();
}

describe('SteppedReactor UDP', () => {
  it('delivers datagrams only inside iterate(), in arrival order', async () => {
    const reactor = makeReactor();
    const protocol = new DatagramRecorder(reactor);
    let port: IUDPTransport | null = null;
    reactor.listenUDP(0, protocol, { interface: '127.0.0.1' }).addCallback((transport) => {
      port = transport;
    });
    await drive(reactor, () => port !== null, 'the UDP port');
    await sendDatagrams(portOf(port!.getHost()), ['one', 'two', 'three']);
    await turnNodeLoop(50);
    expect(protocol.received).toEqual([]);
    await drive(reactor, () => protocol.received.length === 3, 'three datagrams');
    expect(protocol.received).toEqual(['one', 'two', 'three']);
    expect(protocol.outsideIterate).toBe(0);
  });

  it('drops datagrams beyond maxQueuedDatagrams while the host is not iterating', async () => {
    const reactor = makeReactor({ maxQueuedDatagrams: 2 });
    const protocol = new DatagramRecorder(reactor);
    let port: IUDPTransport | null = null;
    reactor.listenUDP(0, protocol, { interface: '127.0.0.1' }).addCallback((transport) => {
      port = transport;
    });
    await drive(reactor, () => port !== null, 'the UDP port');
    await sendDatagrams(portOf(port!.getHost()), ['1', '2', '3', '4', '5']);
    await turnNodeLoop(100);
    reactor.iterate();
    expect(protocol.received).toEqual(['1', '2']);
    let closed = false;
    port!.stopListening().addCallback(() => {
      closed = reactor.iterating;
    });
    await drive(reactor, () => closed, 'the port to close inside iterate()');
  });
});

describe('SteppedReactor child processes', () => {
  it('delivers output, pipe closes, exit and end in order, only inside iterate()', async () => {
    const reactor = makeReactor();
    const events: string[] = [];
    let outsideIterate = 0;
    let ended: Failure | null = null;
    const note = (event: string): void => {
      if (!reactor.iterating) outsideIterate++;
      events.push(event);
    };
    const transport: IProcessTransport = reactor.spawnProcess(
      {
        makeConnection: () => note('made'),
        childDataReceived: (fd, data) => note(`fd${fd}:${decode(data).trim()}`),
        childConnectionLost: (fd) => note(`closed fd${fd}`),
        processExited: () => note('exited'),
        processEnded: (reason) => {
          note('ended');
          ended = reason;
        },
      },
      process.execPath,
      [
        'node',
        '-e',
        'process.stdout.write("out"); process.stderr.write("err"); process.exitCode = 3',
      ],
    );
    expect(transport.pid).toBeGreaterThan(0);
    await turnNodeLoop(300);
    expect(events).toEqual([]);
    await drive(reactor, () => ended !== null, 'the process to end');
    expect(outsideIterate).toBe(0);
    expect(events[0]).toBe('made');
    expect(events).toContain('fd1:out');
    expect(events).toContain('fd2:err');
    expect(events.indexOf('fd1:out')).toBeLessThan(events.indexOf('closed fd1'));
    expect(events.at(-1)).toBe('ended');
    expect((ended as unknown as Failure).value).toMatchObject({ exitCode: 3 });
  });
});
