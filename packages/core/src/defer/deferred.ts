import { AlreadyCalledError, CancelledError, TimeoutError } from '../errors/defer.js';
import type { IReactorTime } from '../interfaces/reactor.js';
import { captureContext } from './async-context.js';
import { Failure, isObserved, markObserved } from './failure.js';
import { reportWhenCollected, forgetCollected } from './unhandled.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callbacks are retyped by the API
type AnyFn = (value: any) => unknown;

/** One link of a callback chain: what runs on success, what runs on failure. */
interface Link {
  readonly onResult: AnyFn | null;
  readonly onFailure: AnyFn | null;
  /** Set on the link an outer Deferred adds to the Deferred it waits on. */
  readonly chainee?: Deferred<unknown>;
}

const NO_RESULT: unique symbol = Symbol('tw.deferred.noResult');

/** The canceller a Deferred was built with: called by cancel() before it fires. */
export type Canceller<T> = (deferred: Deferred<T>) => void;

/**
 * A result that is not there yet, with a chain of callbacks — Twisted's Deferred.
 *
 * `callback(v)` / `errback(e)` fire it once. `addCallback`, `addErrback`, `addBoth` and
 * `addCallbacks` append to the chain and return the same Deferred, retyped: each function's
 * return value is the next one's input. A thrown error (or a returned Failure) moves the chain
 * to the errback path; an errback that returns normally moves it back. A function that returns
 * a Deferred or any thenable pauses the chain until that one fires.
 *
 * Callbacks added to a Deferred that has already fired run at once, synchronously. Chains of
 * Deferreds returning Deferreds are run by one loop, so their depth never grows the stack.
 */
export class Deferred<T = unknown> implements PromiseLike<T> {
  /** True once callback() or errback() was called. */
  called = false;
  /** How many pause() calls are outstanding; callbacks do not run while > 0. */
  paused = 0;

  private result: unknown = NO_RESULT;
  private links: Link[] = [];
  private nextLink = 0;
  private runningCallbacks = false;
  private suppressAlreadyCalled = false;
  private failureReported = false;
  private readonly canceller: Canceller<T> | undefined;

  constructor(canceller?: Canceller<T>) {
    this.canceller = canceller;
  }

  /** A Deferred that has already fired with `value`. */
  static succeed<T>(value: T): Deferred<T> {
    const d = new Deferred<T>();
    d.callback(value);
    return d;
  }

  /** A Deferred that has already failed with `error`. */
  static fail<T = never>(error: unknown): Deferred<T> {
    const d = new Deferred<T>();
    d.errback(error);
    return d;
  }

  /** Wrap a Promise or any thenable. Cancelling the Deferred does not cancel the promise. */
  static fromPromise<T>(promise: PromiseLike<T>): Deferred<T> {
    if (promise instanceof Deferred) return promise as Deferred<T>;
    const d = new Deferred<T>();
    promise.then(
      (value) => d.callback(value),
      (error: unknown) => d.errback(error),
    );
    return d;
  }

  /** Fire the chain with a success value. Throws AlreadyCalledError if already fired. */
  callback(value: T): void {
    if (value instanceof Deferred) {
      throw new TypeError('callback() takes a value, not a Deferred: chain it with addCallback instead.');
    }
    this.start(value);
  }

  /** Fire the chain with a failure. A non-Failure is wrapped in one. */
  errback(error?: unknown): void {
    this.start(Failure.from(error === undefined ? new Error('errback() called without a reason') : error));
  }

  addCallbacks<R1, R2 = never>(
    onResult: ((value: T) => R1 | PromiseLike<R1>) | null,
    onFailure: ((failure: Failure) => R2 | PromiseLike<R2>) | null,
  ): Deferred<R1 | R2> {
    const captured = this.called ? null : captureContext();
    const link: Link =
      captured === null
        ? { onResult, onFailure }
        : { onResult: onResult && captured(onResult), onFailure: onFailure && captured(onFailure) };
    this.links.push(link);
    if (this.failureReported) this.unreport();
    if (this.called) this.runCallbacks();
    return this as unknown as Deferred<R1 | R2>;
  }

  addCallback<R>(onResult: (value: T) => R | PromiseLike<R>): Deferred<R> {
    return this.addCallbacks(onResult, null) as Deferred<R>;
  }

  addErrback<R = T>(onFailure: (failure: Failure) => R | PromiseLike<R>): Deferred<T | R> {
    return this.addCallbacks(null, onFailure) as Deferred<T | R>;
  }

  addBoth<R>(fn: (result: T | Failure) => R | PromiseLike<R>): Deferred<R> {
    return this.addCallbacks(fn, fn);
  }

  /** Pass this Deferred's result on to `other` (which then fires with it). */
  chainDeferred(other: Deferred<T>): Deferred<undefined> {
    return this.addCallbacks(
      (value) => {
        other.callback(value);
        return undefined;
      },
      (failure) => {
        other.errback(failure);
        return undefined;
      },
    );
  }

  /** Stop running callbacks until unpause(); results keep arriving meanwhile. */
  pause(): void {
    this.paused++;
  }

  unpause(): void {
    this.paused--;
    if (this.paused === 0 && this.called) this.runCallbacks();
  }

  /**
   * Cancel: if not fired, run the canceller (which may fire the Deferred itself); if it still
   * has not fired, errback with CancelledError and ignore a later callback()/errback(). If it
   * is waiting on another Deferred returned by a callback, cancel that one instead.
   */
  cancel(): void {
    if (!this.called) {
      if (this.canceller) this.canceller(this);
      else this.suppressAlreadyCalled = true;
      if (!this.called) this.errback(new CancelledError());
    } else if (this.result instanceof Deferred) {
      this.result.cancel();
    }
  }

  /**
   * Fail with TimeoutError if not fired within `seconds` of `clock` time: the Deferred is
   * cancelled, and the CancelledError that follows is turned into a TimeoutError.
   * `onTimeoutCancel(result, seconds)` may replace that outcome.
   */
  addTimeout(
    seconds: number,
    clock: IReactorTime,
    onTimeoutCancel?: (result: T | Failure, seconds: number) => T | Failure,
  ): Deferred<T> {
    let timedOut = false;
    const delayedCall = clock.callLater(seconds, () => {
      timedOut = true;
      this.cancel();
    });
    return this.addBoth((result) => {
      if (delayedCall.active()) delayedCall.cancel();
      if (onTimeoutCancel && timedOut) return onTimeoutCancel(result, seconds);
      if (timedOut && result instanceof Failure && result.check(CancelledError)) {
        return new Failure(new TimeoutError(seconds));
      }
      return result;
    }) as Deferred<T>;
  }

  /** A Promise of this Deferred's result. The Deferred keeps its result for later callbacks. */
  asPromise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.then(resolve, reject);
    });
  }

  /**
   * Make Deferreds awaitable. The result passes through unchanged to later callbacks; a
   * failure that is awaited counts as handled and records where it was awaited.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    const awaitedAt = this.called ? null : new Error('awaited');
    return new Promise<R1 | R2>((resolve, reject) => {
      this.addCallbacks(
        (value) => {
          resolve(onFulfilled ? onFulfilled(value) : (value as unknown as R1));
          return value;
        },
        (failure) => {
          if (failure.awaitedAt === undefined) {
            failure.awaitedAt = (awaitedAt ?? new Error('awaited')).stack;
          }
          markObserved(failure);
          if (onRejected) resolve(onRejected(failure.value));
          else reject(failure.value as Error);
          return failure;
        },
      );
    });
  }

  toString(): string {
    if (!this.called) return '<Deferred (pending)>';
    if (this.result instanceof Deferred) return '<Deferred (waiting on another Deferred)>';
    return `<Deferred current result: ${String(this.result)}>`;
  }

  private start(result: unknown): void {
    if (this.called) {
      if (this.suppressAlreadyCalled) {
        this.suppressAlreadyCalled = false;
        return;
      }
      throw new AlreadyCalledError();
    }
    this.called = true;
    this.result = result;
    this.runCallbacks();
  }

  private unreport(): void {
    this.failureReported = false;
    forgetCollected(this);
  }

  /**
   * Twisted's _runCallbacks: one loop runs this Deferred's links and, when a link hands the
   * result on to an outer Deferred that was waiting on this one, continues with the outer
   * Deferred's links — an explicit stack instead of recursion.
   */
  private runCallbacks(): void {
    if (this.runningCallbacks) return; // A callback added a callback: the running loop takes it.
    const chain: Deferred<unknown>[] = [this as Deferred<unknown>];
    while (chain.length > 0) {
      const current = chain[chain.length - 1]!;
      if (current.paused > 0) return;
      let finished = true;
      while (current.nextLink < current.links.length) {
        const link = current.links[current.nextLink]!;
        current.links[current.nextLink++] = undefined as unknown as Link;
        if (link.chainee !== undefined) {
          const chainee = link.chainee;
          chainee.result = current.result;
          current.result = undefined;
          chainee.paused--;
          chain.push(chainee);
          finished = false;
          break;
        }
        const fn = current.result instanceof Failure ? link.onFailure : link.onResult;
        if (fn === null) continue;
        current.runningCallbacks = true;
        try {
          current.result = fn(current.result);
        } catch (error) {
          current.result = Failure.from(error);
        } finally {
          current.runningCallbacks = false;
        }
        if (!(current.result instanceof Deferred) && isThenable(current.result)) {
          current.result = Deferred.fromPromise(current.result);
        }
        if (current.result instanceof Deferred) {
          const inner = current.result as Deferred<unknown>;
          if (inner.result === NO_RESULT || inner.result instanceof Deferred || inner.paused > 0) {
            // Not ready: wait for it, resuming our chain from its last link.
            current.paused++;
            inner.links.push({ onResult: null, onFailure: null, chainee: current });
            if (inner.failureReported) inner.unreport();
            break;
          }
          // Ready: take its result; it is now ours to handle.
          const taken = inner.result;
          inner.result = undefined;
          if (inner.failureReported) inner.unreport();
          current.result = taken;
        }
      }
      if (current.nextLink === current.links.length) {
        current.links = [];
        current.nextLink = 0;
      }
      if (finished) {
        if (current.result instanceof Failure && !isObserved(current.result) && !current.failureReported) {
          current.failureReported = true;
          reportWhenCollected(current, current.result);
        }
        chain.pop();
      }
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A Deferred that has already fired with `value`. */
export function succeed<T>(value: T): Deferred<T> {
  return Deferred.succeed(value);
}

/** A Deferred that has already failed with `error`. */
export function fail<T = never>(error: unknown): Deferred<T> {
  return Deferred.fail<T>(error);
}

/** Turn a Promise (e.g. an async function's result) into a Deferred; Deferreds pass through. */
export function ensureDeferred<T>(value: PromiseLike<T> | Deferred<T>): Deferred<T> {
  return Deferred.fromPromise(value);
}
