import { isMainThread } from 'node:worker_threads';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  NodeReactor,
  NotOnWorkerThreadError,
  ThreadPool,
  blockingCallFromThread,
  callFromThread,
  isPoolWorkerThread,
} from '../../src/index.js';
import { ensureWorkerScriptsBuilt, recordedCalls, until, workFixture } from './helpers.js';

beforeAll(() => ensureWorkerScriptsBuilt(), 180_000);

let pool: ThreadPool | null = null;

function makePool(): ThreadPool {
  pool = new ThreadPool(new NodeReactor({ installSignalHandlers: false }), { maxThreads: 2 });
  return pool;
}

afterEach(async () => {
  await pool?.close().asPromise();
  pool = null;
  recordedCalls().length = 0;
});

const reactorSide = new URL('./fixtures/reactor-side.mjs', import.meta.url);

describe('callFromThread from a worker', () => {
  it('runs the named function on the reactor thread, without the worker waiting', async () => {
    const threads = makePool();
    expect(await threads.run(workFixture, 'notifyReactor', 'first')).toBe('posted');
    await until(() => recordedCalls().length === 1);
    const [call] = recordedCalls();
    expect(call!.label).toBe('first');
    expect(call!.onMainThread).toBe(true);
    expect(call!.fromThreadId).toBeGreaterThan(0);
  });

  it('runs calls in the order the workers made them', async () => {
    const threads = makePool();
    for (const label of ['a', 'b', 'c']) await threads.run(workFixture, 'notifyReactor', label);
    await until(() => recordedCalls().length === 3);
    expect(recordedCalls().map((call) => call.label)).toEqual(['a', 'b', 'c']);
  });
});

describe('blockingCallFromThread from a worker', () => {
  it('returns what the reactor-thread function returned, waiting for its Promise', async () => {
    const threads = makePool();
    // askReactor multiplies by 10 what addSlowly (on the reactor thread, after a timer) returns.
    expect(await threads.run(workFixture, 'askReactor', 2, 3)).toBe(50);
    expect(recordedCalls()).toEqual([{ label: 'addSlowly', onMainThread: true }]);
  });

  it("throws the reactor-thread function's error in the worker, with its class and code", async () => {
    const threads = makePool();
    expect(await threads.run(workFixture, 'askReactorToFail')).toEqual({
      name: 'TypeError',
      message: 'no thanks',
      code: 'E_REACTOR_SIDE',
    });
  });
});

describe('the worker-side API off a pool thread', () => {
  it('says so instead of silently doing nothing', () => {
    expect(isMainThread).toBe(true);
    expect(isPoolWorkerThread()).toBe(false);
    expect(() => callFromThread(reactorSide, 'record', 'x')).toThrow(NotOnWorkerThreadError);
    expect(() => blockingCallFromThread(reactorSide, 'record', 'x')).toThrow(
      NotOnWorkerThreadError,
    );
    expect(recordedCalls()).toEqual([]);
  });
});
