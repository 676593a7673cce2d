import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  Clock,
  Deferred,
  DeferredList,
  Failure,
  FailureGroup,
  FirstError,
  deferLater,
  fail,
  gatherResults,
  maybeDeferred,
  race,
  succeed,
} from '../../src/index.js';

function outcome<T>(d: Deferred<T>): { value?: T; failure?: Failure } {
  const out: { value?: T; failure?: Failure } = {};
  d.addCallbacks(
    (value) => {
      out.value = value;
    },
    (failure) => {
      out.failure = failure;
    },
  );
  return out;
}

describe('maybeDeferred', () => {
  it('wraps values, thrown errors, returned Failures, Deferreds and Promises', async () => {
    expect(outcome(maybeDeferred((a: number, b: number) => a + b, 1, 2)).value).toBe(3);
    expect(
      outcome(
        maybeDeferred(() => {
          throw new RangeError('thrown');
        }),
      ).failure?.check(RangeError),
    ).toBe(RangeError);
    expect(
      outcome(maybeDeferred(() => new Failure(new TypeError('returned')))).failure?.check(
        TypeError,
      ),
    ).toBe(TypeError);
    const d = new Deferred<number>();
    expect(maybeDeferred(() => d)).toBe(d);
    expect(await maybeDeferred(async () => 'async')).toBe('async');
  });
});

describe('DeferredList', () => {
  it('fires with [success, result] for every member, in input order', () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const list = new DeferredList([a, b], { consumeErrors: true });
    const out = outcome(list);
    b.errback(new Error('b failed'));
    expect(list.called).toBe(false);
    a.callback(1);
    expect(out.value?.[0]).toEqual([true, 1]);
    expect(out.value?.[1]?.[0]).toBe(false);
    expect((out.value?.[1]?.[1] as Failure).getErrorMessage()).toBe('b failed');
  });

  it('fires at once with [] for no members', () => {
    expect(outcome(new DeferredList([])).value).toEqual([]);
  });

  it('fireOnOneCallback fires with [value, index] of the first success', () => {
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    const out = outcome(
      new DeferredList<string, [string, number]>([a, b], { fireOnOneCallback: true }),
    );
    b.callback('second');
    expect(out.value).toEqual(['second', 1]);
    a.callback('first');
    expect(out.value).toEqual(['second', 1]);
  });

  it('fireOnOneErrback fails with FirstError naming the member', () => {
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    const out = outcome(new DeferredList([a, b], { fireOnOneErrback: true, consumeErrors: true }));
    b.errback(new RangeError('bad'));
    const error = out.failure?.value as FirstError;
    expect(error).toBeInstanceOf(FirstError);
    expect(error.index).toBe(1);
    expect((error.subFailure as Failure).check(RangeError)).toBe(RangeError);
  });

  it('consumeErrors leaves members with undefined instead of the failure; without it they keep it', () => {
    const consumed = new Deferred<number>();
    new DeferredList([consumed], { consumeErrors: true });
    consumed.errback(new Error('x'));
    expect(outcome(consumed).value).toBeUndefined();
    expect(outcome(consumed).failure).toBeUndefined();

    const kept = new Deferred<number>();
    new DeferredList([kept]);
    kept.errback(new Error('y'));
    expect(outcome(kept).failure?.getErrorMessage()).toBe('y');
  });

  it('cancelling the list cancels every member', () => {
    const cancelled: number[] = [];
    const members = [0, 1].map((i) => new Deferred<number>(() => cancelled.push(i)));
    const list = new DeferredList(members, { consumeErrors: true });
    list.cancel();
    expect(cancelled).toEqual([0, 1]);
    const out = outcome(list);
    expect(out.value?.every((entry) => entry[0] === false)).toBe(true);
  });
});

describe('gatherResults', () => {
  it('fires with the values in input order, typed per position', () => {
    const a = new Deferred<number>();
    const out = outcome(gatherResults([a, succeed('two')] as const));
    a.callback(1);
    expect(out.value).toEqual([1, 'two']);
  });

  it('fails with FirstError as soon as one member fails', () => {
    const pending = new Deferred<number>();
    const out = outcome(gatherResults([pending, fail(new Error('early'))], true));
    expect((out.failure?.value as FirstError).index).toBe(1);
    pending.callback(1);
  });

  it('accepts Promises', async () => {
    expect(await gatherResults([Promise.resolve(1), succeed(2)])).toEqual([1, 2]);
  });
});

describe('race', () => {
  it('fires with [index, value] of the first success and cancels the rest', () => {
    const cancelled: string[] = [];
    const a = new Deferred<string>(() => cancelled.push('a'));
    const b = new Deferred<string>(() => cancelled.push('b'));
    const out = outcome(race([a, b]));
    b.callback('b wins');
    expect(out.value).toEqual([1, 'b wins']);
    expect(cancelled).toEqual(['a']);
  });

  it('fails with FailureGroup when every member fails', () => {
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    const out = outcome(race([a, b]));
    a.errback(new Error('a'));
    expect(out.failure).toBeUndefined();
    b.errback(new Error('b'));
    const group = out.failure?.value as FailureGroup;
    expect(group).toBeInstanceOf(FailureGroup);
    expect(group.failures.map((f) => (f as Failure).getErrorMessage())).toEqual(['a', 'b']);
    expect(outcome(race([])).failure?.value).toBeInstanceOf(FailureGroup);
  });

  it('cancelling the race cancels every member', () => {
    const cancelled: number[] = [];
    const members = [0, 1, 2].map((i) => new Deferred<number>(() => cancelled.push(i)));
    const r = race(members);
    r.cancel();
    expect(cancelled).toEqual([0, 1, 2]);
    // As in Twisted: every member then fails with CancelledError, so the race fails with all of them.
    const group = outcome(r).failure?.value as FailureGroup;
    expect(group).toBeInstanceOf(FailureGroup);
    expect(group.failures.every((f) => (f as Failure).check(CancelledError) !== null)).toBe(true);
  });
});

describe('deferLater', () => {
  it('fires after the delay with the function result', () => {
    const clock = new Clock();
    const out = outcome(deferLater(clock, 3, (a: number, b: number) => a * b, 6, 7));
    clock.advance(2.9);
    expect(out.value).toBeUndefined();
    clock.advance(0.1);
    expect(out.value).toBe(42);
  });

  it('fires with undefined when no function is given, and waits for a returned Deferred', () => {
    const clock = new Clock();
    expect(outcome(deferLater(clock, 1)).value).toBeUndefined();
    const inner = new Deferred<string>();
    const out = outcome(deferLater(clock, 1, () => inner));
    clock.advance(1);
    expect(out.value).toBeUndefined();
    inner.callback('inner');
    expect(out.value).toBe('inner');
  });

  it('cancelling before the delay stops the call and fails with CancelledError', () => {
    const clock = new Clock();
    let ran = false;
    const d = deferLater(clock, 5, () => {
      ran = true;
    });
    d.cancel();
    expect(clock.getDelayedCalls()).toHaveLength(0);
    clock.advance(10);
    expect(ran).toBe(false);
    expect(outcome(d).failure?.check(CancelledError)).toBe(CancelledError);
  });
});
