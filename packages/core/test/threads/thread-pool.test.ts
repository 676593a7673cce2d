import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  CancelledError,
  InvalidThreadPoolOptionError,
  NodeReactor,
  ThreadDataCloneError,
  ThreadExportNotFoundError,
  ThreadPool,
  ThreadPoolClosedError,
  isTwError,
  type ThreadPoolOptions,
} from '../../src/index.js';
import { ensureWorkerScriptsBuilt, failureOf, until, workFixture } from './helpers.js';

beforeAll(() => ensureWorkerScriptsBuilt(), 180_000);

const pools: ThreadPool[] = [];

function makePool(options: ThreadPoolOptions = {}): ThreadPool {
  const pool = new ThreadPool(new NodeReactor({ installSignalHandlers: false }), options);
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close().asPromise()));
});

describe('ThreadPool.run', () => {
  it('runs the named export on a worker thread and fires with its result', async () => {
    const pool = makePool();
    expect(await pool.run(workFixture, 'add', 2, 3)).toBe(5);
    expect(await pool.run(workFixture, 'addLater', 4, 5)).toBe(9);
    const where = await pool.run<{ isMainThread: boolean; threadId: number }>(
      workFixture,
      'whereAmI',
    );
    expect(where.isMainThread).toBe(false);
    expect(where.threadId).toBeGreaterThan(0);
  });

  it('accepts an absolute path as the module', async () => {
    const pool = makePool();
    expect(await pool.run(workFixture.pathname, 'add', 1, 1)).toBe(2);
  });

  it('refuses a relative path, which a worker could not resolve the same way', () => {
    const pool = makePool();
    expect(() => pool.run('./fixtures/work.mjs', 'add', 1, 1)).toThrow(TypeError);
  });

  it('fails with the error thrown in the worker: class, code and the worker stack', async () => {
    const pool = makePool();
    const failure = await failureOf(pool.run(workFixture, 'throwCoded', 'no good'));
    expect(failure.check(RangeError)).toBe(RangeError);
    expect(failure.getErrorMessage()).toBe('no good');
    expect((failure.value as { code?: string }).code).toBe('E_FIXTURE');
    // The stack is where it was raised: the fixture's function, on the worker.
    expect(failure.getTraceback()).toMatch(/throwCoded .*work\.mjs/);
  });

  it('keeps the name of an error class the reactor thread does not know', async () => {
    const pool = makePool();
    const failure = await failureOf(pool.run(workFixture, 'throwCustom', 'custom'));
    expect(failure.value).toBeInstanceOf(Error);
    expect((failure.value as Error).name).toBe('FixtureError');
    expect(failure.getErrorMessage()).toBe('custom');
  });

  it('fails with ThreadExportNotFoundError for a missing export', async () => {
    const pool = makePool();
    const failure = await failureOf(pool.run(workFixture, 'noSuchFunction'));
    expect(failure.check(ThreadExportNotFoundError)).toBe(ThreadExportNotFoundError);
    expect(isTwError(failure.value, 'TW_THREADS_EXPORT_NOT_FOUND')).toBe(true);
    expect(failure.getErrorMessage()).toContain('noSuchFunction');
  });

  it('fails with ThreadDataCloneError for arguments or results that cannot be cloned', async () => {
    const pool = makePool();
    const badArgument = await failureOf(pool.run(workFixture, 'add', () => 1, 2));
    expect(badArgument.check(ThreadDataCloneError)).toBe(ThreadDataCloneError);
    const badResult = await failureOf(pool.run(workFixture, 'returnFunction'));
    expect(badResult.check(ThreadDataCloneError)).toBe(ThreadDataCloneError);
    // The pool is still healthy afterwards.
    expect(await pool.run(workFixture, 'add', 1, 2)).toBe(3);
  });
});

describe('ThreadPool cancellation', () => {
  it('cancel() of queued work fails it with CancelledError and it never runs', async () => {
    const pool = makePool({ maxThreads: 1 });
    const shared = new SharedArrayBuffer(12);
    const flags = new Int32Array(shared);
    const first = pool.run(workFixture, 'startAndBlock', shared, 10_000);
    await until(() => Atomics.load(flags, 0) === 1);
    const queued = pool.run(workFixture, 'markRan', shared);
    queued.cancel();
    const failure = await failureOf(queued);
    expect(failure.check(CancelledError)).toBe(CancelledError);

    Atomics.store(flags, 1, 1);
    Atomics.notify(flags, 1);
    expect(await first).toBe('finished');
    // One thread, first come first served: once later work is done, the cancelled task would
    // have run before it.
    expect(await pool.run(workFixture, 'add', 1, 1)).toBe(2);
    expect(Atomics.load(flags, 2)).toBe(0);
    expect(pool.pendingCount).toBe(0);
  });

  it('cancel() of running work ends it; the pool replaces the thread and goes on', async () => {
    const pool = makePool({ maxThreads: 1 });
    const shared = new SharedArrayBuffer(12);
    const flags = new Int32Array(shared);
    // Would block its thread for a minute if cancel() did not end it.
    const running = pool.run(workFixture, 'startAndBlock', shared, 60_000);
    await until(() => Atomics.load(flags, 0) === 1);
    running.cancel();
    const failure = await failureOf(running);
    expect(failure.check(CancelledError)).toBe(CancelledError);
    expect(await pool.run(workFixture, 'add', 20, 22)).toBe(42);
  });
});

describe('ThreadPool size', () => {
  it('never runs more than maxThreads tasks at once', async () => {
    const pool = makePool({ maxThreads: 2 });
    expect(pool.maxThreads).toBe(2);
    const shared = new SharedArrayBuffer(16);
    const counters = new Int32Array(shared);
    const tasks = Array.from({ length: 6 }, () => pool.run(workFixture, 'occupy', shared, 2, 30));
    await until(() => Atomics.load(counters, 2) >= 1);
    expect(pool.threadCount).toBeLessThanOrEqual(2);
    expect(pool.pendingCount).toBe(6);
    await Promise.all(tasks);
    // Two tasks met (each waits for a second one to start), and no third ever joined them.
    expect(Atomics.load(counters, 1)).toBe(2);
    expect(Atomics.load(counters, 2)).toBe(6);
    expect(pool.threadCount).toBeLessThanOrEqual(2);
    expect(pool.pendingCount).toBe(0);
  });

  it('rejects sizes and timeouts that make no sense', () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    expect(() => new ThreadPool(reactor, { maxThreads: 0 })).toThrow(InvalidThreadPoolOptionError);
    expect(() => new ThreadPool(reactor, { minThreads: 3, maxThreads: 2 })).toThrow(
      InvalidThreadPoolOptionError,
    );
    expect(() => new ThreadPool(reactor, { minThreads: 1.5 })).toThrow(
      InvalidThreadPoolOptionError,
    );
    expect(() => new ThreadPool(reactor, { idleTimeout: -1 })).toThrow(
      InvalidThreadPoolOptionError,
    );
  });
});

describe('ThreadPool.close', () => {
  it('lets running work finish, then ends the threads; later work fails', async () => {
    const pool = makePool({ maxThreads: 1 });
    const shared = new SharedArrayBuffer(12);
    const flags = new Int32Array(shared);
    const running = pool.run(workFixture, 'startAndBlock', shared, 10_000);
    await until(() => Atomics.load(flags, 0) === 1);
    const order: string[] = [];
    running.addCallback((value) => {
      order.push(`task ${String(value)}`);
    });
    const closed = pool.close().addCallback(() => {
      order.push('closed');
    });
    expect(pool.closed).toBe(true);
    const refused = await failureOf(pool.run(workFixture, 'add', 1, 2));
    expect(refused.check(ThreadPoolClosedError)).toBe(ThreadPoolClosedError);

    Atomics.store(flags, 1, 1);
    Atomics.notify(flags, 1);
    await closed;
    expect(order).toEqual(['task finished', 'closed']);
    expect(pool.threadCount).toBe(0);
  });

  it('after closeTimeout, terminates work that does not end and fails it', async () => {
    const pool = makePool({ maxThreads: 1, closeTimeout: 0.05 });
    const shared = new SharedArrayBuffer(12);
    const flags = new Int32Array(shared);
    const stuck = pool.run(workFixture, 'startAndBlock', shared, 60_000);
    await until(() => Atomics.load(flags, 0) === 1);
    await pool.close();
    const failure = await failureOf(stuck);
    expect(failure.check(ThreadPoolClosedError)).toBe(ThreadPoolClosedError);
    expect(pool.threadCount).toBe(0);
  });
});
