/**
 * A 64 MiB file to a client that reads slowly, over real TCP: the server must be paused by the
 * connection and keep only a bounded amount in flight — never the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, realpath, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { IRequest } from '../../src/interfaces.js';
import { File } from '../../src/static/file.js';
import type { FileResponsePlan } from '../../src/static/file-response-plan.js';
import type { StaticProducer } from '../../src/static/static-producer.js';
import { startStaticServer, type StaticServer } from './static-server.js';

const MiB = 1024 * 1024;
const SIZE = 64 * MiB;
const HEAD_MARK = randomBytes(MiB);
const TAIL_MARK = randomBytes(MiB);

class ObservedFile extends File {
  readonly producers: StaticProducer[] = [];
  protected override makeProducer(
    request: IRequest,
    fd: number,
    plan: Extract<FileResponsePlan, { kind: 'body' }>,
  ): StaticProducer {
    const producer = super.makeProducer(request, fd, plan);
    this.producers.push(producer);
    return producer;
  }
}

/**
 * The garbage collector, so that memory is measured as what is still referenced, not what V8
 * has not got round to freeing yet (every chunk read and received becomes garbage at once).
 */
function exposeGC(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const collectGarbage = exposeGC();

/**
 * Live array-buffer memory (Buffers). V8 frees array buffers' memory on a background sweeper
 * after a collection, so one reading right after gc() can still count freed ones: take the
 * lowest of a few collections.
 */
async function liveBufferBytes(): Promise<number> {
  let lowest = Infinity;
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((r) => setImmediate(r));
    lowest = Math.min(lowest, process.memoryUsage().arrayBuffers);
  }
  return lowest;
}

/** Poll `condition` (bounded; a failure to get there is a test failure, not a hang). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20_000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!condition()) throw new Error(`never happened: ${what}`);
}

let base: string;
let server: StaticServer;
let file: ObservedFile;

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'tw-static-large-')));
  // Sparse in the middle: 64 MiB on the wire without 64 MiB on disk.
  const handle = await open(join(base, 'large.bin'), 'w');
  await handle.write(HEAD_MARK, 0, MiB, 0);
  await handle.write(TAIL_MARK, 0, MiB, SIZE - MiB);
  await handle.close();
  file = new ObservedFile(base);
  server = await startStaticServer(file);
});
afterAll(async () => {
  await server.stop();
  await rm(base, { recursive: true, force: true });
});

describe('a 64 MiB file to a slow reader', () => {
  it(
    'is paused by the connection and never holds the file in memory',
    { timeout: 120_000 },
    async () => {
      const socket = connect(server.port, '127.0.0.1');
      socket.pause();
      const head = Buffer.alloc(MiB + 4096);
      const tail = Buffer.alloc(MiB);
      let received = 0;
      let headerLength = -1;
      let ended = false;
      socket.on('data', (chunk: Buffer) => {
        // Keep only what the checks need: the first MiB and the last MiB of the body.
        if (received < head.length)
          chunk.copy(head, received, 0, Math.min(chunk.length, head.length - received));
        received += chunk.length;
        if (headerLength < 0) {
          const end = head.indexOf('\r\n\r\n');
          if (end >= 0 && end < received) headerLength = end + 4;
        }
        if (headerLength >= 0) {
          const bodyEnd = received - headerLength;
          const bodyStart = bodyEnd - chunk.length;
          const from = Math.max(bodyStart, SIZE - MiB);
          if (from < bodyEnd) chunk.copy(tail, from - (SIZE - MiB), from - bodyStart);
        }
      });
      socket.on('end', () => {
        ended = true;
      });
      socket.write('GET /large.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');

      await until(() => file.producers.length === 1, 'the producer was made');
      const producer = file.producers[0]!;
      const baseline = await liveBufferBytes();
      let peakInFlight = 0;
      let peakGrowth = 0;
      let pausesSeen = 0;
      let rounds = 0;
      while (!ended) {
        // The client is not reading: the server must end up paused (or done), not buffering.
        await until(() => producer.paused || producer.finished, 'the server paused or finished');
        if (producer.paused) pausesSeen++;
        const inFlight = producer.bytesWritten - Math.max(0, received - Math.max(headerLength, 0));
        peakInFlight = Math.max(peakInFlight, inFlight);
        peakGrowth = Math.max(peakGrowth, (await liveBufferBytes()) - baseline);
        // Read about 8 MiB, then stop reading again.
        const target = received + 8 * MiB;
        socket.resume();
        await until(() => received >= target || ended, 'the client read more');
        socket.pause();
        rounds++;
        expect(rounds).toBeLessThan(100);
      }

      expect(received - headerLength).toBe(SIZE);
      expect(head.subarray(0, headerLength).toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
      expect(head.subarray(0, headerLength).toString('latin1')).toContain(
        `Content-Length: ${SIZE}`,
      );
      expect(head.subarray(headerLength, headerLength + MiB).equals(HEAD_MARK)).toBe(true);
      expect(tail.equals(TAIL_MARK)).toBe(true);
      // Back-pressure happened, and often.
      expect(pausesSeen).toBeGreaterThanOrEqual(4);
      expect(producer.pauseCount).toBeGreaterThanOrEqual(pausesSeen);
      // Written but not yet read by the client: the kernel's socket buffers on both sides (about
      // 11 MiB on Linux loopback), never the file.
      expect(peakInFlight).toBeLessThan(SIZE / 3);
      // The live buffers of the process never grow by anything like the file's size.
      expect(peakGrowth).toBeLessThan(SIZE / 4);
    },
  );
});
