import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import {
  CancelledError,
  Deferred,
  DeferredLock,
  DeferredQueue,
  DeferredSemaphore,
  NotAcquiredError,
  QueueOverflow,
  QueueUnderflow,
} from '../../src/index.js';

describe('DeferredLock', () => {
  it('gives the lock to one holder at a time, in the order asked', () => {
    const lock = new DeferredLock();
    const order: string[] = [];
    lock.acquire().addCallback(() => order.push('first'));
    lock.acquire().addCallback(() => order.push('second'));
    expect(order).toEqual(['first']);
    expect(lock.locked).toBe(true);
    lock.release();
    expect(order).toEqual(['first', 'second']);
    lock.release();
    expect(lock.locked).toBe(false);
    expect(() => lock.release()).toThrow(NotAcquiredError);
  });

  it('run() holds the lock until the function result settles, and releases on failure too', () => {
    const lock = new DeferredLock();
    const work = new Deferred<string>();
    const first = lock.run(() => work);
    let secondRan = false;
    const second = lock.run(() => {
      secondRan = true;
      throw new Error('second failed');
    });
    expect(secondRan).toBe(false);
    work.callback('done');
    expect(secondRan).toBe(true);
    expect(lock.locked).toBe(false);
    let value = '';
    first.addCallback((v) => {
      value = v;
    });
    expect(value).toBe('done');
    let failure: Failure | undefined;
    second.addErrback((f) => {
      failure = f;
    });
    expect(failure?.getErrorMessage()).toBe('second failed');
  });

  it('cancelling a waiting acquire takes it out of the line', () => {
    const lock = new DeferredLock();
    lock.acquire();
    const waiting = lock.acquire();
    let failure: Failure | undefined;
    waiting.addErrback((f) => {
      failure = f;
    });
    waiting.cancel();
    expect(failure?.check(CancelledError)).toBe(CancelledError);
    lock.release();
    expect(lock.locked).toBe(false);
  });
});

describe('DeferredSemaphore', () => {
  it('lets up to `tokens` holders in at once', () => {
    const sem = new DeferredSemaphore(2);
    const got: number[] = [];
    for (let i = 0; i < 3; i++) sem.acquire().addCallback(() => got.push(i));
    expect(got).toEqual([0, 1]);
    expect(sem.tokens).toBe(0);
    sem.release();
    expect(got).toEqual([0, 1, 2]);
    sem.release();
    sem.release();
    expect(sem.tokens).toBe(2);
    expect(() => sem.release()).toThrow(NotAcquiredError);
    expect(() => new DeferredSemaphore(0)).toThrow(RangeError);
  });

  it('run() bounds concurrency', () => {
    const sem = new DeferredSemaphore(2);
    const works = [0, 1, 2, 3].map(() => new Deferred<number>());
    let running = 0;
    let most = 0;
    for (const work of works) {
      sem.run(() => {
        running++;
        most = Math.max(most, running);
        return work.addCallback((n) => {
          running--;
          return n;
        });
      });
    }
    expect(running).toBe(2);
    works.forEach((w, i) => w.callback(i));
    expect(most).toBe(2);
    expect(running).toBe(0);
  });
});

describe('DeferredQueue', () => {
  it('hands items to waiting consumers first, then keeps them in order', () => {
    const queue = new DeferredQueue<string>();
    const got: string[] = [];
    queue.get().addCallback((s) => got.push(s));
    queue.put('a');
    queue.put('b');
    queue.put('c');
    queue.get().addCallback((s) => got.push(s));
    expect(got).toEqual(['a', 'b']);
    expect(queue.pending).toEqual(['c']);
  });

  it('throws QueueOverflow beyond size and QueueUnderflow beyond backlog', () => {
    const queue = new DeferredQueue<number>(1, 1);
    queue.put(1);
    expect(() => queue.put(2)).toThrow(QueueOverflow);
    queue.get();
    queue.get();
    expect(() => queue.get()).toThrow(QueueUnderflow);
  });

  it('cancelling a get() takes that consumer out of the line', () => {
    const queue = new DeferredQueue<number>();
    const first = queue.get();
    const second = queue.get();
    first.addErrback(() => undefined);
    first.cancel();
    let got = 0;
    second.addCallback((n) => {
      got = n;
    });
    queue.put(5);
    expect(got).toBe(5);
    expect(queue.waiting).toHaveLength(0);
  });
});
