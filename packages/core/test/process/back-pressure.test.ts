import { afterEach, describe, expect, it } from 'vitest';

import type { IPullProducer, IPushProducer } from '../../src/interfaces/producer.js';
import type { IProcessTransport } from '../../src/interfaces/process.js';
import { RecordingProcessProtocol, killAll, reactor, spawnNode } from './harness.js';

afterEach(killAll);

const CHUNK = 64 * 1024;
const TOTAL = 8 * 1024 * 1024;

/** A child that reads slowly (a pause after every chunk) and prints how much it got at EOF. */
const SLOW_READER = `
  let n = 0;
  process.stdin.on('data', (d) => {
    n += d.length;
    process.stdin.pause();
    setTimeout(() => process.stdin.resume(), 1);
  });
  process.stdin.on('end', () => process.stdout.write(String(n)));
`;

/** Writes CHUNK-sized chunks on every turn while not paused, TOTAL bytes in all. */
class StreamingProducer implements IPushProducer {
  written = 0;
  pauses = 0;
  resumes = 0;
  writesWhilePaused = 0;
  stopped = false;
  private paused = false;

  constructor(private readonly transport: IProcessTransport) {}

  start(): void {
    this.transport.registerProducer(this, true);
    this.tick();
  }

  pauseProducing(): void {
    this.paused = true;
    this.pauses++;
  }

  resumeProducing(): void {
    this.paused = false;
    this.resumes++;
    this.tick();
  }

  stopProducing(): void {
    this.stopped = true;
  }

  private tick(): void {
    reactor.callLater(0, () => {
      if (this.paused || this.stopped || this.written >= TOTAL) return;
      this.written += CHUNK;
      this.transport.write(new Uint8Array(CHUNK).fill(0x61));
      if (this.written >= TOTAL) {
        this.transport.unregisterProducer();
        this.transport.closeStdin();
        return;
      }
      this.tick();
    });
  }
}

describe('spawnProcess: writing to a slow child with a producer', () => {
  it('pauses a streaming producer while the pipe is full and resumes it as the child reads', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(protocol, SLOW_READER);
    const producer = new StreamingProducer(transport);
    producer.start();
    await protocol.ended;
    expect(producer.pauses).toBeGreaterThan(0);
    expect(producer.resumes).toBe(producer.pauses);
    expect(producer.written).toBe(TOTAL);
    expect(Number(protocol.text(1))).toBe(TOTAL);
  });

  it('asks a pull producer for one chunk at a time, only while the pipe has room', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(protocol, SLOW_READER);
    let written = 0;
    let asked = 0;
    const producer: IPullProducer = {
      resumeProducing() {
        asked++;
        written += CHUNK;
        transport.write(new Uint8Array(CHUNK).fill(0x62));
        if (written >= TOTAL) {
          transport.unregisterProducer();
          transport.closeStdin();
        }
      },
      stopProducing() {},
    };
    transport.registerProducer(producer, false);
    await protocol.ended;
    expect(asked).toBe(TOTAL / CHUNK);
    expect(Number(protocol.text(1))).toBe(TOTAL);
  });

  it('loseConnection waits for the registered producer to finish before closing stdin', async () => {
    const protocol = new RecordingProcessProtocol();
    // loseConnection closes stdout and stderr too: the child reports its count on descriptor 3.
    const transport = spawnNode(
      protocol,
      SLOW_READER.replace(
        'process.stdout.write(String(n))',
        "require('fs').writeSync(3, String(n))",
      ),
      { childFDs: { 0: 'w', 1: 'r', 2: 'r', 3: 'r' } },
    );
    let chunksLeft = 16;
    const producer: IPullProducer = {
      resumeProducing() {
        transport.write(new Uint8Array(CHUNK));
        if (--chunksLeft === 0) transport.unregisterProducer();
      },
      stopProducing() {},
    };
    transport.registerProducer(producer, false);
    transport.loseConnection();
    await protocol.ended;
    expect(chunksLeft).toBe(0);
    expect(Number(protocol.text(3))).toBe(16 * CHUNK);
  });

  it('stops the producer when the child goes away before reading everything', async () => {
    const protocol = new RecordingProcessProtocol();
    const transport = spawnNode(protocol, 'process.exit(0)');
    let stopped = false;
    const producer: IPushProducer = {
      pauseProducing() {},
      resumeProducing() {},
      stopProducing() {
        stopped = true;
      },
    };
    transport.registerProducer(producer, true);
    await protocol.ended;
    expect(stopped).toBe(true);
  });
});
