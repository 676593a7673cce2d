import {
  ConnectionDone,
  ConnectionLost,
  Protocol,
  type Failure,
  type IPushProducer,
} from '@tw/core';
import { describe, expect, it } from 'vitest';

import { ChannelTransport } from '../../src/index.js';
import { FakeServerChannel, settle } from './fake-channel.js';

class Recorder extends Protocol {
  received = '';
  lost: Failure | null = null;
  sizes: Array<[number, number]> = [];
  override dataReceived(data: Uint8Array): void {
    this.received += Buffer.from(data).toString('utf8');
  }
  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lost = reason;
  }
  terminalSizeChanged(cols: number, rows: number): void {
    this.sizes.push([cols, rows]);
  }
}

class HalfCloseRecorder extends Recorder {
  eof = false;
  readConnectionLost(): void {
    this.eof = true;
  }
}

function start(protocol: Protocol, channel = new FakeServerChannel()) {
  const transport = new ChannelTransport(channel, protocol, {
    pty: { term: 'xterm', cols: 80, rows: 24, width: 0, height: 0, modes: {} },
  }).start();
  return { channel, transport };
}

describe('ChannelTransport', () => {
  it('delivers channel data to the protocol and writes stdout and stderr', async () => {
    const protocol = new Recorder();
    const { channel, transport } = start(protocol);
    channel.receive('hello');
    transport.write(new TextEncoder().encode('out'));
    transport.writeStderr(new TextEncoder().encode('err'));
    await settle();
    expect(protocol.received).toBe('hello');
    expect(channel.sent).toEqual([
      { kind: 'data', text: 'out' },
      { kind: 'stderr', text: 'err' },
    ]);
  });

  it('closes with buffered data first, then the exit status, EOF and CLOSE', async () => {
    const protocol = new Recorder();
    const { channel, transport } = start(protocol, new FakeServerChannel(2));
    transport.write(new TextEncoder().encode('abcd'));
    transport.setExitStatus(3);
    transport.loseConnection();
    await settle();
    expect(channel.sent).toEqual([]); // the window holds the data back; nothing may overtake it
    channel.grantWindow(10);
    await settle();
    expect(channel.sent).toEqual([
      { kind: 'data', text: 'abcd' },
      { kind: 'exit-status', status: 3 },
      { kind: 'eof' },
      { kind: 'close' },
    ]);
    expect(protocol.lost?.check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('sends an exit signal without the SIG prefix', async () => {
    const { channel, transport } = start(new Recorder());
    transport.setExitSignal('SIGTERM');
    transport.loseConnection();
    await settle();
    expect(channel.sent).toContainEqual({ kind: 'exit-signal', signal: 'TERM' });
  });

  it('closes on the peer EOF when the protocol cannot half-close', async () => {
    const protocol = new Recorder();
    const { channel } = start(protocol);
    channel.receive('last');
    channel.receiveEOF();
    await settle();
    expect(protocol.received).toBe('last');
    expect(channel.sent.map((event) => event.kind)).toEqual(['eof', 'close']);
    expect(protocol.lost?.check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('tells a half-closeable protocol about the peer EOF and keeps the channel open', async () => {
    const protocol = new HalfCloseRecorder();
    const { channel, transport } = start(protocol);
    channel.receiveEOF();
    await settle();
    expect(protocol.eof).toBe(true);
    transport.write(new TextEncoder().encode('after EOF'));
    await settle();
    expect(channel.sent).toEqual([{ kind: 'data', text: 'after EOF' }]);
  });

  it('reports an abort, or a close without EOF, as ConnectionLost', async () => {
    const aborted = new Recorder();
    start(aborted).transport.abortConnection();
    const dropped = new Recorder();
    start(dropped).channel.receiveClose();
    await settle();
    expect(aborted.lost?.check(ConnectionLost)).toBe(ConnectionLost);
    expect(dropped.lost?.check(ConnectionLost)).toBe(ConnectionLost);
  });

  it('pauses a streaming producer while the SSH window is full and resumes it after', async () => {
    const protocol = new Recorder();
    const { channel, transport } = start(protocol, new FakeServerChannel(0));
    const calls: string[] = [];
    const producer: IPushProducer = {
      pauseProducing: () => calls.push('pause'),
      resumeProducing: () => calls.push('resume'),
      stopProducing: () => calls.push('stop'),
    };
    transport.registerProducer(producer, true);
    transport.write(new Uint8Array(64)); // more than the fake's highWaterMark of 16
    expect(calls).toEqual(['pause']);
    channel.grantWindow(1000);
    await settle();
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('hands window changes to the protocol and keeps the pty size current', () => {
    const protocol = new Recorder();
    const { transport } = start(protocol);
    transport.windowChanged(132, 43, 0, 0);
    expect(protocol.sizes).toEqual([[132, 43]]);
    expect(transport.pty).toMatchObject({ term: 'xterm', cols: 132, rows: 43 });
  });

  it('stops reading while paused', async () => {
    const protocol = new Recorder();
    const { channel, transport } = start(protocol);
    transport.pauseProducing();
    channel.receive('held');
    await settle();
    expect(protocol.received).toBe('');
    transport.resumeProducing();
    await settle();
    expect(protocol.received).toBe('held');
  });

  it('survives a protocol that throws: the channel is aborted, the process is not', async () => {
    const protocol = new (class extends Recorder {
      override dataReceived(): void {
        throw new Error('broken protocol');
      }
    })();
    const { channel } = start(protocol);
    channel.receive('boom');
    await settle();
    expect(channel.sent).toContainEqual({ kind: 'close' });
    expect(protocol.lost?.check(ConnectionLost)).toBe(ConnectionLost);
  });
});
