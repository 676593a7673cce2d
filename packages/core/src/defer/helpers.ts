import { CancelledError, FailureGroup, FirstError } from '../errors/defer.js';
import type { IReactorTime } from '../interfaces/reactor.js';
import { Deferred } from './deferred.js';
import { Failure } from './failure.js';

/**
 * Call `fn(...args)` and return its result as a Deferred: a returned Deferred as it is, a
 * Promise/thenable adopted, a thrown error or returned Failure as a failed Deferred, any other
 * value as a fired one. The way to call code that may or may not be asynchronous.
 */
export function maybeDeferred<A extends unknown[], R>(
  fn: (...args: A) => R | PromiseLike<R>,
  ...args: A
): Deferred<R> {
  let result: R | PromiseLike<R>;
  try {
    result = fn(...args);
  } catch (error) {
    return Deferred.fail<R>(error);
  }
  if (result instanceof Deferred) return result as Deferred<R>;
  if (result instanceof Failure) return Deferred.fail<R>(result);
  if (isThenable(result)) return Deferred.fromPromise(result);
  return Deferred.succeed(result as R);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** One member's outcome in a DeferredList: `[true, value]` or `[false, failure]`. */
export type DeferredListEntry<T> = [success: true, value: T] | [success: false, failure: Failure];

export interface DeferredListOptions {
  /** Fire with `[value, index]` of the first member to succeed, instead of waiting for all. */
  readonly fireOnOneCallback?: boolean;
  /** Fail with FirstError of the first member to fail, instead of waiting for all. */
  readonly fireOnOneErrback?: boolean;
  /** Turn each member's failure into `undefined` in the member's own chain, so it is handled. */
  readonly consumeErrors?: boolean;
}

/**
 * A Deferred that fires once every member has fired, with `[success, valueOrFailure]` for each,
 * in input order (Twisted's DeferredList). With `fireOnOneCallback` it fires with
 * `[value, index]` of the first success — type that as `new DeferredList<T, [T, number]>(…)`;
 * with `fireOnOneErrback` it fails with FirstError at the first failure. Cancelling it cancels
 * every member.
 */
export class DeferredList<T, R = DeferredListEntry<T>[]> extends Deferred<R> {
  /** The members' outcomes so far, by index; a slot is undefined until that member fires. */
  readonly resultList: (DeferredListEntry<T> | undefined)[];
  /** How many members have fired. */
  finishedCount = 0;
  private readonly members: readonly Deferred<T>[];

  constructor(deferreds: Iterable<Deferred<T>>, options: DeferredListOptions = {}) {
    super((self) => {
      for (const member of (self as DeferredList<T, R>).members) member.cancel();
    });
    const members = [...deferreds];
    this.members = members;
    this.resultList = new Array<DeferredListEntry<T> | undefined>(members.length).fill(undefined);
    const { fireOnOneCallback = false, fireOnOneErrback = false, consumeErrors = false } = options;
    if (members.length === 0 && !fireOnOneCallback) this.callback([] as R);
    members.forEach((member, index) => {
      member.addCallbacks(
        (value) => {
          this.resultList[index] = [true, value];
          this.finishedCount++;
          if (!this.called) {
            if (fireOnOneCallback) this.callback([value, index] as R);
            else if (this.finishedCount === members.length) this.callback(this.resultList as R);
          }
          return value;
        },
        (failure) => {
          this.resultList[index] = [false, failure];
          this.finishedCount++;
          if (!this.called) {
            if (fireOnOneErrback) this.errback(new FirstError(failure, index));
            else if (this.finishedCount === members.length) this.callback(this.resultList as R);
          }
          return consumeErrors ? undefined : failure;
        },
      );
    });
  }
}

type ResultsOf<D extends readonly unknown[]> = { -readonly [K in keyof D]: Awaited<D[K]> };

/**
 * A Deferred of every member's value, in input order; fails with FirstError (its `subFailure`
 * the member's Failure) as soon as one member fails. Cancelling it cancels every member.
 */
export function gatherResults<
  const D extends readonly (Deferred<unknown> | PromiseLike<unknown>)[],
>(deferreds: D, consumeErrors = false): Deferred<ResultsOf<D>> {
  const members = deferreds.map((d) => Deferred.fromPromise(d));
  return new DeferredList(members, { fireOnOneErrback: true, consumeErrors }).addCallback(
    (entries) => entries.map((entry) => entry[1]) as ResultsOf<D>,
  );
}

/**
 * A Deferred of `[index, value]` for the first member to succeed; the others are then
 * cancelled. If every member fails it fails with FailureGroup. Cancelling it cancels every
 * member. Member failures are handled here (they do not also show up as unhandled).
 */
export function race<T>(deferreds: Iterable<Deferred<T>>): Deferred<[index: number, value: T]> {
  const members = [...deferreds];
  const failures: Failure[] = new Array<Failure>(members.length);
  let failureCount = 0;
  let decided = false;
  const final = new Deferred<[number, T]>(() => {
    for (const member of members) member.cancel();
  });
  if (members.length === 0) {
    final.errback(new FailureGroup([]));
    return final;
  }
  members.forEach((member, index) => {
    member.addCallbacks(
      (value) => {
        if (!decided) {
          decided = true;
          members.forEach((other, otherIndex) => {
            if (otherIndex !== index) other.cancel();
          });
          final.callback([index, value]);
        }
        return undefined;
      },
      (failure) => {
        if (!decided) {
          failures[index] = failure;
          if (++failureCount === members.length) {
            decided = true;
            final.errback(new FailureGroup(failures));
          }
        }
        return undefined;
      },
    );
  });
  return final;
}

/**
 * A Deferred that fires `seconds` from now on `clock` with the result of `fn(...args)` (or
 * undefined when no function is given). Cancelling it before then cancels the delayed call
 * and fails it with CancelledError; `fn` is not called.
 */
export function deferLater<A extends unknown[], R = undefined>(
  clock: IReactorTime,
  seconds: number,
  fn?: (...args: A) => R | PromiseLike<R>,
  ...args: A
): Deferred<R> {
  const d = new Deferred<undefined>(() => {
    if (delayedCall.active()) delayedCall.cancel();
    d.errback(new CancelledError(`deferLater(${seconds}) was cancelled before it ran.`));
  });
  const delayedCall = clock.callLater(seconds, () => d.callback(undefined));
  return d.addCallback(() => (fn === undefined ? (undefined as R) : fn(...args)));
}
