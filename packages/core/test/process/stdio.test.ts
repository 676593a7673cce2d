import { dirname, join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import type { Failure } from '../../src/defer/failure.js';
import { ConnectionDone, ConnectionLost } from '../../src/errors/connection.js';
import type { IPushProducer } from '../../src/interfaces/producer.js';
import type { IHalfCloseableProtocol } from '../../src/interfaces/protocol.js';
import { ProcessDone } from '../../src/errors/process.js';
import { Protocol } from '../../src/protocol/protocol.js';
import { StandardIO } from '../../src/reactor/node/stdio.js';
import { RecordingProcessProtocol, decode, encode, killAll, reactor, spawn } from './harness.js';

afterEach(killAll);

/** Records what a stream protocol sees; `lost` resolves at connectionLost. */
class Recorder extends Protocol {
  readonly events: string[] = [];
  received = '';
  readonly lost: Promise<Failure>;
  private resolveLost!: (reason: Failure) => void;

  constructor() {
    super();
    this.lost = new Promise((resolve) => {
      this.resolveLost = resolve;
    });
  }

  override connectionMade(): void {
    this.events.push('connectionMade');
  }

  override dataReceived(data: Uint8Array): void {
    this.received += decode(data);
  }

  override connectionLost(reason: Failure): void {
    this.events.push('connectionLost');
    super.connectionLost(reason);
    this.resolveLost(reason);
  }
}

class HalfCloseableRecorder extends Recorder implements IHalfCloseableProtocol {
  readConnectionLost(): void {
    this.events.push('readConnectionLost');
  }

  writeConnectionLost(): void {
    this.events.push('writeConnectionLost');
  }
}

/** Injected stdio: `stdin` we feed, `stdout` whose output we collect. */
function pipes(): {
  stdin: PassThrough;
  stdout: PassThrough;
  output: () => string;
  ended: Promise<void>;
} {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let output = '';
  stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ended = new Promise<void>((resolve) => stdout.on('end', resolve));
  return { stdin, stdout, output: () => output, ended };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('StandardIO over injected streams', () => {
  it('delivers stdin to dataReceived and writes to stdout; loseConnection ends stdout with ConnectionDone', async () => {
    const io = pipes();
    const protocol = new Recorder();
    const transport = new StandardIO(protocol, reactor, io);
    expect(protocol.events).toEqual(['connectionMade']);
    expect(transport.getPeer()).toEqual({ family: 'process' });
    io.stdin.write('from parent');
    await turn();
    expect(protocol.received).toBe('from parent');

    transport.write(encode('to parent'));
    transport.loseConnection();
    transport.write(encode(' dropped after loseConnection'));
    const reason = await protocol.lost;
    await io.ended;
    expect(reason.value).toBeInstanceOf(ConnectionDone);
    expect(io.output()).toBe('to parent');
    expect(io.stdin.destroyed).toBe(true);
    expect(protocol.events).toEqual(['connectionMade', 'connectionLost']);
  });

  it('closes cleanly on stdin EOF when the protocol is not half-closeable', async () => {
    const io = pipes();
    const protocol = new Recorder();
    new StandardIO(protocol, reactor, io);
    io.stdin.end('last words');
    const reason = await protocol.lost;
    await io.ended;
    expect(protocol.received).toBe('last words');
    expect(reason.value).toBeInstanceOf(ConnectionDone);
  });

  it('tells a half-closeable protocol about stdin EOF and keeps writing until both sides are closed', async () => {
    const io = pipes();
    const protocol = new HalfCloseableRecorder();
    const transport = new StandardIO(protocol, reactor, io);
    io.stdin.end('question');
    await new Promise<void>((resolve) => io.stdin.once('end', resolve));
    await turn();
    expect(protocol.events).toEqual(['connectionMade', 'readConnectionLost']);
    expect(transport.connected).toBe(true);
    transport.write(encode('answer after EOF'));
    transport.writeEOF();
    const reason = await protocol.lost;
    expect(reason.value).toBeInstanceOf(ConnectionDone);
    expect(io.output()).toBe('answer after EOF');
    expect(protocol.events).toEqual([
      'connectionMade',
      'readConnectionLost',
      'writeConnectionLost',
      'connectionLost',
    ]);
  });

  it('writeEOF ends stdout and keeps reading stdin', async () => {
    const io = pipes();
    const protocol = new HalfCloseableRecorder();
    const transport = new StandardIO(protocol, reactor, io);
    transport.write(encode('all I have to say'));
    transport.writeEOF();
    await io.ended;
    expect(protocol.events).toContain('writeConnectionLost');
    io.stdin.write('still listening');
    await turn();
    expect(protocol.received).toBe('still listening');
    expect(transport.connected).toBe(true);
    transport.loseConnection();
    expect((await protocol.lost).value).toBeInstanceOf(ConnectionDone);
  });

  it('pauses a producer while stdout is full and resumes it as stdout drains', async () => {
    const stdin = new PassThrough();
    let consumed = 0;
    let release: (() => void) | null = null;
    const stdout = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        consumed += chunk.length;
        release = done; // the test decides when the reader is ready for more
      },
    });
    const protocol = new Recorder();
    const transport = new StandardIO(protocol, reactor, { stdin, stdout });
    const log: string[] = [];
    const producer: IPushProducer = {
      pauseProducing: () => log.push('pause'),
      resumeProducing: () => log.push('resume'),
      stopProducing: () => log.push('stop'),
    };
    transport.registerProducer(producer, true);
    transport.write(new Uint8Array(4096));
    transport.write(new Uint8Array(4096));
    expect(log).toEqual(['pause']);
    for (let i = 0; i < 10 && !log.includes('resume'); i++) {
      (release as (() => void) | null)?.();
      await turn();
    }
    expect(log).toEqual(['pause', 'resume']);
    expect(consumed).toBe(8192);
    transport.unregisterProducer();
    transport.abortConnection();
    expect((await protocol.lost).value).toBeInstanceOf(ConnectionLost);
  });

  it('pauseProducing stops reading stdin until resumeProducing', async () => {
    const io = pipes();
    const protocol = new Recorder();
    const transport = new StandardIO(protocol, reactor, io);
    transport.pauseProducing();
    io.stdin.write('held');
    await turn();
    expect(protocol.received).toBe('');
    transport.resumeProducing();
    await turn();
    expect(protocol.received).toBe('held');
    transport.loseConnection();
    await protocol.lost;
  });

  it('ends with ConnectionLost when stdout fails (the reader went away)', async () => {
    const stdin = new PassThrough();
    const stdout = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const protocol = new Recorder();
    const transport = new StandardIO(protocol, reactor, { stdin, stdout });
    transport.write(encode('nobody is reading'));
    const reason = await protocol.lost;
    expect(reason.value).toBeInstanceOf(ConnectionLost);
    expect(((reason.value as Error).cause as { code?: string }).code).toBe('EPIPE');
    expect(stdin.destroyed).toBe(true);
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, 'fixtures', 'stdio-line-echo.mjs');

describe('StandardIO in a real child process', () => {
  it('runs a LineReceiver over the child own stdin/stdout; "quit" closes it and the child exits 0', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawn(protocol, process.execPath, ['node', childScript]);
    transport.write(encode('hello\nworld\n'));
    transport.write(encode('qu'));
    transport.write(encode('it\nafter quit\n'));
    const reason = await protocol.ended;
    expect(protocol.text(1)).toBe('ready\nHELLO\nWORLD\nbye\n');
    expect(protocol.text(2)).toBe('connectionLost: ConnectionDone\n');
    expect(reason.value).toBeInstanceOf(ProcessDone);
  });

  it('closes the child protocol cleanly when we close its stdin', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawn(protocol, process.execPath, ['node', childScript]);
    transport.write(encode('one line\n'));
    transport.closeStdin();
    const reason = await protocol.ended;
    expect(protocol.text(1)).toBe('ready\nONE LINE\n');
    expect(protocol.text(2)).toBe('connectionLost: ConnectionDone\n');
    expect(reason.value).toBeInstanceOf(ProcessDone);
  });
});
