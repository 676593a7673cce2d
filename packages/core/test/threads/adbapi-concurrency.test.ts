import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConnectionPool, LoopingCall, NodeReactor, gatherResults } from '../../src/index.js';
import { ensureWorkerScriptsBuilt } from './helpers.js';

beforeAll(() => ensureWorkerScriptsBuilt(), 180_000);

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'tw-adbapi-load-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const QUERIES = 200;
const TICK_SECONDS = 0.01;
/**
 * A LoopingCall.withCount reports how many intervals passed since its previous call: 1 when on
 * time. A blocked reactor thread (a synchronous driver on it) would show as one huge count.
 * The bound is generous for a machine shared with other work, yet far below what 200 queries
 * run on the reactor thread would cost.
 */
const MOST_INTERVALS_PER_CALL = 15;

describe('ConnectionPool under load', () => {
  it('finishes 200 concurrent queries while a LoopingCall on the reactor keeps ticking', async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const stopped = reactor.run();
    const pool = new ConnectionPool(reactor, 'better-sqlite3', {
      filename: join(directory, 'load.db'),
      max: 2,
    });
    await pool.runOperation('CREATE TABLE numbers (n INTEGER PRIMARY KEY)');
    await pool.runOperation(
      'INSERT INTO numbers (n) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 20000) SELECT n FROM c',
    );

    const counts: number[] = [];
    const loop = LoopingCall.withCount(reactor, (count) => {
      counts.push(count);
    });
    const loopDone = loop.start(TICK_SECONDS);
    await new Promise((resolve) => setTimeout(resolve, 3 * TICK_SECONDS * 1000));
    const callsBefore = counts.length;

    // Each query scans the table: real work for a worker, nothing for the reactor thread.
    const queries = Array.from({ length: QUERIES }, (_, i) =>
      pool.runQuery<{ total: number; i: number }>(
        'SELECT SUM(n % ?) AS total, ? AS i FROM numbers',
        [(i % 7) + 2, i],
      ),
    );
    const results = await gatherResults(queries);
    const callsDuring = counts.length - callsBefore;

    loop.stop();
    await loopDone;
    reactor.stop();
    await stopped;

    expect(results).toHaveLength(QUERIES);
    const sums = new Map<number, number>();
    for (let modulus = 2; modulus <= 8; modulus++) {
      let sum = 0;
      for (let n = 1; n <= 20000; n++) sum += n % modulus;
      sums.set(modulus, sum);
    }
    results.forEach((rows, i) => {
      expect(rows).toEqual([{ total: sums.get((i % 7) + 2), i }]);
    });
    // The reactor thread kept running the loop while the queries ran…
    expect(callsDuring).toBeGreaterThan(0);
    // …and never stalled for long: no call found many intervals skipped.
    expect(Math.max(...counts)).toBeLessThanOrEqual(MOST_INTERVALS_PER_CALL);
    // Shutting the reactor down closed the pool.
    expect(pool.closed).toBe(true);
  });
});
