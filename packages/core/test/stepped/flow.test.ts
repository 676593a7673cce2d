import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import type { IPushProducer } from '../../src/interfaces/producer.js';
import type { SteppedReactor } from '../../src/reactor/stepped/stepped-reactor.js';
import {
  Recorder,
  closeReactors,
  drive,
  makeReactor,
  portOf,
  serverFactory,
  turnNodeLoop,
} from './harness.js';

afterEach(closeReactors);

async function listen(reactor: SteppedReactor, build: () => Recorder): Promise<number> {
  let port = 0;
  reactor
    .listenTCP(0, serverFactory(build), { interface: '127.0.0.1' })
    .addCallback((listening) => {
      port = portOf(listening.getHost());
    });
  await drive(reactor, () => port !== 0, 'the listening port');
  return port;
}

/** Poll `progress` until it stops changing for a few polls in a row (bounded). */
async function untilStalled(progress: () => number): Promise<number> {
  let last = -1;
  let still = 0;
  for (let poll = 0; poll < 400 && still < 4; poll++) {
    await turnNodeLoop(25);
    const now = progress();
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return last;
}

function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
  return bytes;
}

describe('SteppedReactor flow control', () => {
  const bounds = [
    ['maxQueuedBytes', { maxQueuedBytes: 64 * 1024 }],
    ['maxQueuedBytesTotal', { maxQueuedBytes: 1024 ** 3, maxQueuedBytesTotal: 64 * 1024 }],
  ] as const;
  it.each(bounds)(
    'stops reading a socket whose data waits for iterate() (%s): a slow host never buffers without bound',
    async (_name, limits) => {
      const reactor = makeReactor(limits);
      const server = new Recorder(reactor);
      const port = await listen(reactor, () => server);
      const total = 32 * 1024 * 1024;
      const payload = pattern(total);
      const socket = net.connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // Write in chunks, as fast as the socket takes them; count what the kernel accepted.
      let accepted = 0;
      let offset = 0;
      const pump = (): void => {
        while (offset < total) {
          const chunk = payload.subarray(offset, offset + 64 * 1024);
          offset += chunk.byteLength;
          const more = socket.write(chunk, () => (accepted += chunk.byteLength));
          if (!more) return;
        }
        socket.end();
      };
      socket.on('drain', pump);
      pump();

      // The host does not call iterate(): the server side must stop reading.
      const stalledAt = await untilStalled(() => accepted);
      expect(server.received).toBe(0);
      expect(stalledAt).toBeLessThan(total);

      // Once the host iterates again, everything arrives, intact and in order.
      await drive(reactor, () => server.events.includes('lost'), 'all the data', 20_000);
      expect(server.received).toBe(total);
      expect(Buffer.concat(server.chunks).equals(payload)).toBe(true);
      socket.destroy();
    },
  );

  it('holds queued data back while the protocol has paused its transport', async () => {
    const reactor = makeReactor();
    class Pauser extends Recorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        if (this.received === 1) this.transport.pauseProducing();
      }
    }
    const server = new Pauser(reactor);
    const port = await listen(reactor, () => server);
    const socket = net.connect(port, '127.0.0.1');
    await drive(reactor, () => server.events.includes('made'), 'connectionMade');
    socket.write('a');
    await reactor.waitForWork(5);
    socket.end('bc'); // likely read and queued before the next iterate(), then held
    await turnNodeLoop(50);
    for (let i = 0; i < 5; i++) {
      reactor.iterate();
      await turnNodeLoop(20);
    }
    expect(server.text()).toBe('a');
    expect(server.events).toEqual(['made', 'data']);
    server.transport.resumeProducing();
    expect(server.text()).toBe('a'); // delivered by the next iterate(), not by resume itself
    await drive(reactor, () => server.events.includes('lost'), 'the rest');
    expect(server.text()).toBe('abc');
    expect(server.outsideIterate).toBe(0);
    socket.destroy();
  });

  it('a streaming producer is paused when the peer stops reading and resumed only inside iterate()', async () => {
    const reactor = makeReactor();
    const total = 16 * 1024 * 1024;
    const payload = pattern(total);
    const calls: string[] = [];
    let outsideIterate = 0;
    let sent = 0;
    class Streamer extends Recorder implements IPushProducer {
      private paused = false;
      override connectionMade(): void {
        super.connectionMade();
        this.transport.registerProducer(this, true);
        this.resumeProducing();
      }
      pauseProducing(): void {
        if (!reactor.iterating) outsideIterate++;
        calls.push('pause');
        this.paused = true;
      }
      resumeProducing(): void {
        if (!reactor.iterating) outsideIterate++;
        calls.push('resume');
        this.paused = false;
        while (!this.paused && sent < total) {
          this.transport.write(payload.subarray(sent, sent + 64 * 1024));
          sent += 64 * 1024;
        }
        if (sent >= total) {
          this.transport.unregisterProducer();
          this.transport.loseConnection();
        }
      }
      stopProducing(): void {
        calls.push('stop');
      }
    }
    const port = await listen(reactor, () => new Streamer(reactor));
    const socket = net.connect(port, '127.0.0.1');
    socket.pause(); // a peer that does not read
    const received: Buffer[] = [];
    let receivedBytes = 0;
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      receivedBytes += chunk.byteLength;
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await drive(reactor, () => calls.includes('pause'), 'the producer to be paused');
    // The host keeps ticking; the producer stays paused while the peer does not read.
    for (let i = 0; i < 10; i++) {
      reactor.iterate();
      await turnNodeLoop(10);
    }
    expect(sent).toBeLessThan(total);
    expect(calls.at(-1)).toBe('pause');
    socket.resume();
    await drive(reactor, () => receivedBytes === total, 'the whole stream', 20_000);
    await closed;
    expect(Buffer.concat(received).equals(payload)).toBe(true);
    expect(calls.filter((call) => call === 'resume').length).toBeGreaterThan(1);
    expect(outsideIterate).toBe(0);
  });
});
