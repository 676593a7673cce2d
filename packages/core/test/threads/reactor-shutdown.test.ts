import { beforeAll, describe, expect, it } from 'vitest';

import {
  Failure,
  NodeReactor,
  ThreadPoolAlreadyCreatedError,
  ThreadPoolClosedError,
  deferToThread,
  getThreadPool,
} from '../../src/index.js';
import { ensureWorkerScriptsBuilt, until, workFixture } from './helpers.js';

beforeAll(() => ensureWorkerScriptsBuilt(), 180_000);

function reactor(): NodeReactor {
  return new NodeReactor({ installSignalHandlers: false });
}

describe('deferToThread and the reactor thread pool', () => {
  it("runs work on the reactor's own pool, created on first use and shared", async () => {
    const r = reactor();
    expect(await deferToThread(r, workFixture, 'add', 40, 2)).toBe(42);
    const pool = getThreadPool(r);
    expect(getThreadPool(r)).toBe(pool);
    expect(getThreadPool(reactor())).not.toBe(pool);
    await pool.close();
  });

  it('takes options only before the pool exists', async () => {
    const r = reactor();
    const pool = getThreadPool(r, { maxThreads: 3 });
    expect(pool.maxThreads).toBe(3);
    expect(() => getThreadPool(r, { maxThreads: 5 })).toThrow(ThreadPoolAlreadyCreatedError);
    await pool.close();
  });

  it('reactor shutdown waits for running work, then ends the pool', async () => {
    const r = reactor();
    const stopped = r.run();
    const pool = getThreadPool(r, { maxThreads: 1 });
    const shared = new SharedArrayBuffer(12);
    const flags = new Int32Array(shared);
    const order: string[] = [];
    const work = deferToThread<string>(r, workFixture, 'startAndBlock', shared, 10_000);
    work.addCallback((value) => {
      order.push(`work ${value}`);
    });
    stopped.addCallback(() => {
      order.push('reactor stopped');
    });
    await until(() => Atomics.load(flags, 0) === 1);

    r.stop();
    // Let the work go only once shutdown is under way: the reactor must wait for it.
    r.callLater(0.05, () => {
      order.push('released');
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
    });
    await stopped;

    expect(order).toEqual(['released', 'work finished', 'reactor stopped']);
    expect(pool.closed).toBe(true);
    await until(() => pool.threadCount === 0);
    const late = await pool
      .run(workFixture, 'add', 1, 1)
      .asPromise()
      .catch((e: unknown) => e);
    expect(new Failure(late).check(ThreadPoolClosedError)).toBe(ThreadPoolClosedError);
    // A later deferToThread gets a fresh pool.
    const next = getThreadPool(r);
    expect(next).not.toBe(pool);
    expect(await deferToThread(r, workFixture, 'add', 1, 1)).toBe(2);
    await next.close();
  });

  it('a reactor restarted after shutdown gets a working pool that stops with it again', async () => {
    const r = reactor();
    const first = r.run();
    expect(await deferToThread(r, workFixture, 'add', 1, 2)).toBe(3);
    const firstPool = getThreadPool(r);
    r.stop();
    await first;
    expect(firstPool.closed).toBe(true);

    const second = r.run();
    expect(await deferToThread(r, workFixture, 'add', 2, 2)).toBe(4);
    const secondPool = getThreadPool(r);
    r.stop();
    await second;
    expect(secondPool).not.toBe(firstPool);
    expect(secondPool.closed).toBe(true);
  });
});
