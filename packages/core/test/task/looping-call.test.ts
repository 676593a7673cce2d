import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import {
  Clock,
  Deferred,
  InvalidLoopingInterval,
  LoopingCall,
  LoopingCallAlreadyRunning,
  LoopingCallNotRunning,
} from '../../src/index.js';

/** Record what a Deferred fired with, synchronously. */
function outcome<T>(d: Deferred<T>): { value?: T; failure?: Failure; fired: boolean } {
  const seen: { value?: T; failure?: Failure; fired: boolean } = { fired: false };
  d.addCallbacks(
    (value) => {
      seen.fired = true;
      seen.value = value;
    },
    (failure) => {
      seen.fired = true;
      seen.failure = failure;
    },
  );
  return seen;
}

describe('LoopingCall', () => {
  it('calls at once, then on every interval, by the clock it was given', () => {
    const clock = new Clock();
    const times: number[] = [];
    const loop = new LoopingCall(clock, () => times.push(clock.seconds()));
    loop.start(10);
    expect(times).toEqual([0]);
    clock.pump([5, 5, 10, 10]);
    expect(times).toEqual([0, 10, 20, 30]);
    expect(loop.running).toBe(true);
  });

  it('waits one interval before the first call with now=false', () => {
    const clock = new Clock();
    const times: number[] = [];
    new LoopingCall(clock, () => times.push(clock.seconds())).start(2, false);
    expect(times).toEqual([]);
    clock.advance(1);
    expect(times).toEqual([]);
    clock.advance(1);
    clock.advance(2);
    expect(times).toEqual([2, 4]);
  });

  it('stays on the interval grid when calls run late instead of drifting', () => {
    const clock = new Clock();
    const times: number[] = [];
    new LoopingCall(clock, () => times.push(clock.seconds())).start(1);
    clock.jump(1.5); // the 1.0 call runs late, at 1.5
    clock.advance(0.5);
    clock.advance(1);
    expect(times).toEqual([0, 1.5, 2, 3]);
  });

  it('counts intervals skipped while late with withCount', () => {
    const clock = new Clock();
    const counts: number[] = [];
    const loop = LoopingCall.withCount(clock, (count) => counts.push(count));
    loop.start(1);
    expect(counts).toEqual([1]);
    clock.advance(1);
    expect(counts).toEqual([1, 1]);
    clock.jump(3.5); // overslept the points at 2, 3 and 4
    expect(counts).toEqual([1, 1, 3]);
    clock.advance(0.5);
    expect(counts).toEqual([1, 1, 3, 1]);
  });

  it('counts 1 for the first call of a withCount loop started with now=false', () => {
    const clock = new Clock();
    const counts: number[] = [];
    LoopingCall.withCount(clock, (count) => counts.push(count)).start(0.1, false);
    // Ten steps of 0.1 add up to 0.9999999999999999: the grid must not be thrown off by that.
    for (let i = 0; i < 10; i++) clock.advance(0.1);
    clock.advance(0.05);
    expect(counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('counts the skipped intervals while a Deferred returned by fn is pending', () => {
    const clock = new Clock();
    const counts: number[] = [];
    let pending: Deferred<void> | null = null;
    const loop = LoopingCall.withCount(clock, (count) => {
      counts.push(count);
      pending = new Deferred<void>();
      return pending;
    });
    loop.start(1);
    clock.advance(2.5);
    expect(counts).toEqual([1]); // waiting: no call while fn's Deferred is pending
    pending!.callback(undefined);
    clock.advance(0.5);
    expect(counts).toEqual([1, 3]);
  });

  it('fires the start() Deferred with the LoopingCall when stopped, and can be started again', () => {
    const clock = new Clock();
    let calls = 0;
    const loop = new LoopingCall(clock, () => calls++);
    const first = outcome(loop.start(1));
    clock.advance(1);
    loop.stop();
    expect(first.fired).toBe(true);
    expect(first.value).toBe(loop);
    expect(loop.running).toBe(false);
    clock.advance(5);
    expect(calls).toBe(2);
    expect(clock.getDelayedCalls()).toEqual([]);

    const second = outcome(loop.start(1, false));
    clock.advance(1);
    expect(calls).toBe(3);
    expect(second.fired).toBe(false);
    loop.stop();
    expect(second.value).toBe(loop);
  });

  it('stops and fails the start() Deferred when fn throws', () => {
    const clock = new Clock();
    let calls = 0;
    const loop = new LoopingCall(clock, () => {
      if (++calls === 2) throw new RangeError('second call fails');
    });
    const result = outcome(loop.start(1));
    clock.advance(1);
    expect(result.failure?.check(RangeError)).toBe(RangeError);
    expect(loop.running).toBe(false);
    clock.advance(10);
    expect(calls).toBe(2);
  });

  it('fails when a returned Promise rejects', async () => {
    const clock = new Clock();
    const loop = new LoopingCall(clock, () => Promise.reject(new TypeError('async failure')));
    await expect(loop.start(1)).rejects.toThrow('async failure');
    expect(loop.running).toBe(false);
  });

  it('waits for a returned Deferred before scheduling the next call', () => {
    const clock = new Clock();
    const started: number[] = [];
    let pending: Deferred<void> | null = null;
    const loop = new LoopingCall(clock, () => {
      started.push(clock.seconds());
      pending = new Deferred<void>();
      return pending;
    });
    loop.start(1);
    clock.advance(1);
    clock.advance(1);
    expect(started).toEqual([0]);
    pending!.callback(undefined);
    expect(started).toEqual([0]);
    clock.advance(1);
    expect(started).toEqual([0, 3]);
  });

  it('fires the start() Deferred only after a pending call settles when stopped meanwhile', () => {
    const clock = new Clock();
    let pending: Deferred<void> | null = null;
    const loop = new LoopingCall(clock, () => {
      pending = new Deferred<void>();
      return pending;
    });
    const result = outcome(loop.start(1));
    loop.stop();
    expect(result.fired).toBe(false);
    pending!.callback(undefined);
    expect(result.value).toBe(loop);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('restarts the grid from now on reset()', () => {
    const clock = new Clock();
    const times: number[] = [];
    const loop = new LoopingCall(clock, () => times.push(clock.seconds()));
    loop.start(2);
    clock.advance(1.5);
    loop.reset();
    clock.advance(1);
    expect(times).toEqual([0]);
    clock.advance(1);
    clock.advance(2);
    expect(times).toEqual([0, 3.5, 5.5]);
  });

  it('counts 1 for the first call after reset()', () => {
    const clock = new Clock();
    const counts: number[] = [];
    const loop = LoopingCall.withCount(clock, (count) => counts.push(count));
    loop.start(1);
    clock.advance(0.5);
    loop.reset();
    clock.advance(1);
    expect(counts).toEqual([1, 1]);
  });

  it('runs an interval of 0 on every clock turn, counting 1', () => {
    const clock = new Clock();
    const counts: number[] = [];
    const loop = LoopingCall.withCount(clock, (count) => {
      counts.push(count);
      if (counts.length === 5) loop.stop();
    });
    const result = outcome(loop.start(0, false));
    // Clock.advance() also runs the zero-delay calls made while it runs, as Twisted's does.
    clock.advance(0);
    expect(counts).toEqual([1, 1, 1, 1, 1]);
    expect(result.value).toBe(loop);
  });

  it('refuses misuse with errors that say what to do', () => {
    const clock = new Clock();
    const loop = new LoopingCall(clock, () => undefined);
    expect(() => loop.stop()).toThrow(LoopingCallNotRunning);
    expect(() => loop.reset()).toThrow(LoopingCallNotRunning);
    expect(() => loop.start(-1)).toThrow(InvalidLoopingInterval);
    expect(() => loop.start(Number.NaN)).toThrow(InvalidLoopingInterval);
    loop.start(1);
    expect(() => loop.start(1)).toThrow(LoopingCallAlreadyRunning);
    expect(() => loop.start(1)).toThrow(/stop\(\)/);
  });
});
