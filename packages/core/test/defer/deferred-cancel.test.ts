import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import { CancelledError, Clock, Deferred, TimeoutError, succeed } from '../../src/index.js';

function failureOf(d: Deferred<unknown>): Failure | undefined {
  let failure: Failure | undefined;
  d.addErrback((f) => {
    failure = f;
  });
  return failure;
}

describe('Deferred.cancel', () => {
  it('calls the canceller, which may fire the Deferred itself', () => {
    const calls: Deferred<string>[] = [];
    const d = new Deferred<string>((self) => {
      calls.push(self);
      self.callback('cancelled politely');
    });
    d.cancel();
    expect(calls).toEqual([d]);
    let got = '';
    d.addCallback((s) => {
      got = s;
    });
    expect(got).toBe('cancelled politely');
  });

  it('errbacks with CancelledError when the canceller does not fire it', () => {
    const d = new Deferred<number>(() => undefined);
    d.cancel();
    expect(failureOf(d)?.check(CancelledError)).toBe(CancelledError);
  });

  it('without a canceller, ignores exactly one late callback', () => {
    const d = new Deferred<number>();
    d.cancel();
    expect(() => d.callback(1)).not.toThrow();
    expect(() => d.callback(2)).toThrow();
    failureOf(d);
  });

  it('does nothing on a Deferred that has fired with a value', () => {
    const d = succeed(3);
    d.cancel();
    let got = 0;
    d.addCallback((n) => {
      got = n;
    });
    expect(got).toBe(3);
  });

  it('cancels the Deferred that a callback returned and the chain is waiting on', () => {
    let innerCancelled = false;
    const inner = new Deferred<number>(() => {
      innerCancelled = true;
    });
    const outer = succeed(1).addCallback(() => inner);
    outer.cancel();
    expect(innerCancelled).toBe(true);
    expect(failureOf(outer)?.check(CancelledError)).toBe(CancelledError);
  });

  it('propagates through several levels of waiting', () => {
    let deepest = false;
    const innermost = new Deferred<number>(() => {
      deepest = true;
    });
    const middle = succeed(0).addCallback(() => innermost);
    const outer = succeed(0).addCallback(() => middle);
    outer.cancel();
    expect(deepest).toBe(true);
    expect(failureOf(outer)?.check(CancelledError)).toBe(CancelledError);
  });
});

describe('Deferred.addTimeout', () => {
  it('fails with TimeoutError when the clock passes the timeout first, cancelling the work', () => {
    const clock = new Clock();
    let cancelled = false;
    const d = new Deferred<number>(() => {
      cancelled = true;
    }).addTimeout(5, clock);
    clock.advance(4.9);
    expect(d.called).toBe(false);
    clock.advance(0.1);
    expect(cancelled).toBe(true);
    const failure = failureOf(d);
    expect(failure?.check(TimeoutError)).toBe(TimeoutError);
    expect((failure?.value as TimeoutError).seconds).toBe(5);
  });

  it('keeps the result and clears the timer when the Deferred fires in time', () => {
    const clock = new Clock();
    const d = new Deferred<string>();
    d.addTimeout(5, clock);
    expect(clock.getDelayedCalls()).toHaveLength(1);
    d.callback('in time');
    expect(clock.getDelayedCalls()).toHaveLength(0);
    let got = '';
    d.addCallback((s) => {
      got = s;
    });
    expect(got).toBe('in time');
  });

  it('passes a failure that is not caused by the timeout through unchanged', () => {
    const clock = new Clock();
    const d = new Deferred<string>().addTimeout(5, clock);
    d.errback(new RangeError('own failure'));
    expect(failureOf(d)?.check(RangeError)).toBe(RangeError);
  });

  it('lets onTimeoutCancel replace the outcome of a timeout', () => {
    const clock = new Clock();
    const d = new Deferred<string>().addTimeout(
      1,
      clock,
      (_result, seconds) => `gave up after ${seconds}s`,
    );
    clock.advance(1);
    let got = '';
    d.addCallback((s) => {
      got = s;
    });
    expect(got).toBe('gave up after 1s');
  });

  it('a canceller that fires with a value before the timeout error wins', () => {
    const clock = new Clock();
    const d = new Deferred<string>((self) => self.callback('partial')).addTimeout(1, clock);
    clock.advance(1);
    let got = '';
    d.addCallback((s) => {
      got = s;
    });
    expect(got).toBe('partial');
  });
});
