import { afterEach, describe, expect, it } from 'vitest';

import type { IDelayedCall } from '../../src/interfaces/reactor.js';
import { AlreadyCalled, AlreadyCancelled } from '../../src/task/clock.js';
import { signal, startReactor, stopReactors } from './harness.js';

afterEach(stopReactors);

describe('NodeReactor time', () => {
  it('runs delayed calls in time order, ties in scheduling order, with their arguments', async () => {
    const reactor = startReactor();
    const order: string[] = [];
    const done = signal();
    reactor.callLater(0.03, () => {
      order.push('c');
      done.resolve();
    });
    reactor.callLater(0.01, (name: string, n: number) => order.push(`${name}${n}`), 'a', 1);
    reactor.callLater(0.01, () => order.push('a2'));
    reactor.callLater(0, () => order.push('zero'));
    reactor.callLater(0.02, () => order.push('b'));
    await done.promise;
    expect(order).toEqual(['zero', 'a1', 'a2', 'b', 'c']);
  });

  it('keeps exact time order within a millisecond, including after cancels and resets', async () => {
    const reactor = startReactor();
    // Due times a fraction of a millisecond apart, added out of order: they share buckets.
    const ran: Array<{ name: string; time: number }> = [];
    const schedule = (name: string, delay: number): IDelayedCall => {
      const call: IDelayedCall = reactor.callLater(
        delay,
        (): void => void ran.push({ name, time: call.getTime() }),
      );
      return call;
    };
    schedule('late', 0.0108);
    const moved = schedule('moved', 0.0107);
    schedule('early', 0.0101);
    schedule('middle', 0.0105).cancel();
    schedule('later', 0.0102);
    moved.reset(0.0103);
    const done = signal();
    reactor.callLater(0.03, () => done.resolve());
    await done.promise;
    expect(ran.map((r) => r.name).sort()).toEqual(['early', 'late', 'later', 'moved']);
    const times = ran.map((r) => r.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('never runs a call synchronously, even with delay 0', async () => {
    const reactor = startReactor();
    let ran = false;
    const done = signal();
    reactor.callLater(0, () => {
      ran = true;
      done.resolve();
    });
    expect(ran).toBe(false);
    await done.promise;
    expect(ran).toBe(true);
  });

  it('cancel() stops a call; active() tracks it; cancelling twice or after running throws', async () => {
    const reactor = startReactor();
    const ran: string[] = [];
    const cancelled = reactor.callLater(0.005, () => ran.push('cancelled'));
    const kept = reactor.callLater(0.01, () => ran.push('kept'));
    expect(cancelled.active()).toBe(true);
    cancelled.cancel();
    expect(cancelled.active()).toBe(false);
    expect(() => cancelled.cancel()).toThrow(AlreadyCancelled);
    expect(() => cancelled.reset(1)).toThrow(AlreadyCancelled);
    expect(reactor.getDelayedCalls()).toEqual([kept]);
    const done = signal();
    reactor.callLater(0.02, () => done.resolve());
    await done.promise;
    expect(ran).toEqual(['kept']);
    expect(kept.active()).toBe(false);
    expect(() => kept.cancel()).toThrow(AlreadyCalled);
    expect(() => kept.delay(1)).toThrow(AlreadyCalled);
  });

  it('reset() and delay() move a call relative to now and to its time', async () => {
    const reactor = startReactor();
    const order: string[] = [];
    const done = signal();
    const first = reactor.callLater(0.001, () => order.push('first'));
    reactor.callLater(0.02, () => order.push('second'));
    const third = reactor.callLater(10, () => {
      order.push('third');
      done.resolve();
    });
    const before = first.getTime();
    first.delay(0.03);
    expect(first.getTime()).toBeCloseTo(before + 0.03, 6);
    third.reset(0.01);
    expect(third.getTime()).toBeLessThan(reactor.seconds() + 0.011);
    await done.promise;
    const all = signal();
    reactor.callLater(0.04, () => all.resolve());
    await all.promise;
    expect(order).toEqual(['third', 'second', 'first']);
  });

  it('seconds() never goes backwards and advances with real time', async () => {
    const reactor = startReactor();
    const start = reactor.seconds();
    const done = signal();
    reactor.callLater(0.02, () => done.resolve());
    await done.promise;
    expect(reactor.seconds()).toBeGreaterThanOrEqual(start + 0.015);
  });

  it('a call that throws is reported and the following calls still run', async () => {
    const reactor = startReactor();
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const ran: string[] = [];
      const done = signal();
      reactor.callLater(0, () => {
        throw new Error('boom');
      });
      reactor.callLater(0, () => {
        ran.push('after');
        done.resolve();
      });
      await done.promise;
      expect(ran).toEqual(['after']);
      expect(String(errors[0])).toContain('boom');
    } finally {
      console.error = original;
    }
  });

  it('fires 100 000 calls in order with one heap, cancelling every third', async () => {
    const reactor = startReactor();
    const count = 100_000;
    const fired: number[] = [];
    const calls: IDelayedCall[] = [];
    for (let i = 0; i < count; i++) {
      // Spread over 20 ms in a scrambled order so the heap really sorts; record due times.
      const slot = (i * 7919) % count;
      calls.push(
        reactor.callLater(slot / count / 50, (n: number) => fired.push(calls[n]!.getTime()), i),
      );
    }
    for (let i = 0; i < count; i += 3) calls[i]!.cancel();
    const done = signal();
    reactor.callLater(0.05, () => done.resolve());
    await done.promise;
    expect(fired.length).toBe(count - Math.ceil(count / 3));
    expect(fired.every((time, i) => i === 0 || fired[i - 1]! <= time)).toBe(true);
    expect(reactor.getDelayedCalls()).toEqual([]);
  });
});
