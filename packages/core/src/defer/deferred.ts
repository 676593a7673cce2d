import { AlreadyCalledError, CancelledError, TimeoutError } from '../errors/defer.js';
import type { IReactorTime } from '../interfaces/reactor.js';
import {
  captureContext,
  EMPTY_CONTEXT,
  noStoreCanBeActive,
  type AsyncContext,
} from './async-context.js';
import { Failure, isObserved, markObserved } from './failure.js';
import { reportWhenCollected, forgetCollected } from './unhandled.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callbacks are retyped by the API
type AnyFn = (value: any) => unknown;

/** The canceller a Deferred was built with: called by cancel() before it fires. */
export type Canceller<T> = (deferred: Deferred<T>) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see the canceller field
type AnyCanceller = (deferred: Deferred<any>) => void;

// Bits of Deferred.flags. One small integer instead of four booleans keeps the object small,
// which is most of the cost of `succeed()` and of a short chain.
const CALLED = 1;
const RUNNING = 2; // the chain is being run: callbacks added now are queued, not run
const SUPPRESS_ALREADY_CALLED = 4; // cancelled without a canceller: eat one late callback()
const REPORTED = 8; // registered to log an unhandled Failure when collected

/**
 * One link of a chain: what runs on success, what runs on failure, and the async context to
 * run it in. A singly linked list (rather than an array of triples) because allocating small
 * objects is cheaper in V8 than growing an array, and running the chain pops links off the
 * head, releasing each function as soon as it has run.
 */
class Link {
  next: Link | null = null;
  constructor(
    readonly onResult: AnyFn | null,
    readonly onFailure: AnyFn | Deferred<unknown> | null,
    readonly context: AsyncContext | undefined,
  ) {}
}

/**
 * Marks a link that an outer Deferred put on the Deferred it waits on (Twisted's _CONTINUE):
 * the link's second slot holds the outer Deferred, which takes over the result.
 */
const CONTINUE: AnyFn = () => undefined;

/** A settled Promise is immutable, so one can be shared by every then() that yields undefined. */
const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);

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
 * A callback added before the Deferred fires runs in the async context (AsyncLocalStorage)
 * that was current when it was added, as with Promise.then.
 */
export class Deferred<T = unknown> implements PromiseLike<T> {
  /**
   * Record debugging stacks that cost time: with this on, then() (and so `await`) on a pending
   * Deferred records where it was called in `Failure.awaitedAt`. Off by default.
   */
  static debug = false;

  /** How many pause() calls (plus one while waiting on another Deferred) are outstanding. */
  paused = 0;

  private flags = 0;
  /** The current result: a value, a Failure, or the Deferred this one is waiting on. */
  private result: unknown = undefined;
  /** The pending links, first and last; null when none are pending. */
  private head: Link | null = null;
  private tail: Link | null = null;
  // Typed loosely on purpose: a field of type Canceller<T> would make Deferred<T> invariant in T.
  private readonly canceller: AnyCanceller | undefined;

  constructor(canceller?: Canceller<T>) {
    this.canceller = canceller as AnyCanceller | undefined;
  }

  /** True once callback() or errback() was called. */
  get called(): boolean {
    return (this.flags & CALLED) !== 0;
  }

  /** A Deferred that has already fired with `value`. */
  static succeed<T>(value: T): Deferred<T> {
    const d = new Deferred<T>();
    if (value instanceof Failure || value instanceof Deferred) d.callback(value);
    else {
      d.flags = CALLED;
      d.result = value;
    }
    return d;
  }

  /** A Deferred that has already failed with `error` (wrapped in a Failure unless it is one). */
  static fail<T = never>(error: unknown): Deferred<T> {
    const d = new Deferred<T>();
    d.errback(error);
    return d;
  }

  /** Wrap a Promise or any thenable; a Deferred is returned as it is. Cancelling the Deferred does not cancel the promise. */
  static fromPromise<T>(promise: PromiseLike<T>): Deferred<T> {
    if (promise instanceof Deferred) return promise as Deferred<T>;
    const d = new Deferred<T>();
    try {
      promise.then(
        (value) => d.callback(value),
        (error: unknown) => d.errback(error),
      );
    } catch (error) {
      if (!d.called) d.errback(error);
    }
    return d;
  }

  /** Fire the chain with a success value. Throws AlreadyCalledError if already fired. */
  callback(value: T): void {
    if (value instanceof Deferred) {
      throw new TypeError(
        'callback() takes a value, not a Deferred: return it from a callback to chain it.',
      );
    }
    this.start(value);
  }

  /** Fire the chain with a failure. A non-Failure is wrapped in one. */
  errback(error?: unknown): void {
    this.start(
      Failure.from(
        error === undefined ? new Error('errback() was called without a reason.') : error,
      ),
    );
  }

  /** Add a callback and an errback at the same position of the chain; one of them runs. */
  addCallbacks<R1, R2 = never>(
    onResult: ((value: T) => R1 | PromiseLike<R1>) | null,
    onFailure: ((failure: Failure) => R2 | PromiseLike<R2>) | null,
  ): Deferred<R1 | R2> {
    const flags = this.flags;
    if ((flags & (CALLED | RUNNING)) === CALLED && this.paused === 0 && this.head === null) {
      // Fast path: fired, idle, nothing queued — run the function now, no link, no context.
      const result = this.result;
      const fn: AnyFn | null = result instanceof Failure ? onFailure : onResult;
      if (fn !== null) {
        if (flags & REPORTED) this.unreport();
        this.flags = flags | RUNNING;
        try {
          this.result = fn(result);
        } catch (error) {
          this.result = Failure.from(error);
        }
        this.flags &= ~RUNNING;
        const out = this.result;
        if (typeof out === 'object' && out !== null) this.adopt(out);
        else if (typeof out === 'function') this.adopt(out);
        if (this.paused === 0) {
          if (this.head !== null) this.runCallbacks();
          else if (this.result instanceof Failure) this.reportIfUnhandled();
        }
      }
      return this as unknown as Deferred<R1 | R2>;
    }
    // The function runs later, so it carries the caller's async context with it.
    this.append(new Link(onResult, onFailure, captureContext()));
    if (flags & REPORTED) this.unreport();
    if (flags & CALLED) this.runCallbacks();
    return this as unknown as Deferred<R1 | R2>;
  }

  /** Add a function that receives the result; its return value becomes the next result. */
  addCallback<R>(onResult: (value: T) => R | PromiseLike<R>): Deferred<R> {
    return this.addCallbacks(onResult, null) as Deferred<R>;
  }

  /** Add a function that handles a Failure; returning normally moves the chain back to success. */
  addErrback<R = T>(onFailure: (failure: Failure) => R | PromiseLike<R>): Deferred<T | R> {
    return this.addCallbacks(null, onFailure) as Deferred<T | R>;
  }

  /** Add a function that runs on either path and receives the value or the Failure. */
  addBoth<R>(fn: (result: T | Failure) => R | PromiseLike<R>): Deferred<R> {
    return this.addCallbacks(fn, fn);
  }

  /** Pass this Deferred's result on to `other` (which fires with it); this one's result becomes undefined. */
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

  /** Undo one pause(); when none remain and the Deferred has fired, the chain runs on. */
  unpause(): void {
    if (this.paused === 0) return;
    this.paused--;
    if (this.paused === 0 && this.flags & CALLED) this.runCallbacks();
  }

  /**
   * Cancel: if not fired, run the canceller (which may fire the Deferred itself); if it still
   * has not fired, errback with CancelledError and ignore one later callback()/errback(). If it
   * is waiting on a Deferred returned by one of its callbacks, cancel that one instead.
   */
  cancel(): void {
    if (!(this.flags & CALLED)) {
      if (this.canceller) this.canceller(this);
      else this.flags |= SUPPRESS_ALREADY_CALLED;
      if (!(this.flags & CALLED)) this.errback(new CancelledError());
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
      if (!timedOut) return result;
      if (onTimeoutCancel) return onTimeoutCancel(result, seconds);
      if (result instanceof Failure && result.check(CancelledError))
        return new Failure(new TimeoutError(seconds));
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
   * Make Deferreds awaitable. Like addCallbacks, `onFulfilled` runs at once when the Deferred
   * has fired. The result passes through unchanged to later callbacks; a failure passed to
   * `onRejected` (or thrown into an `await`) counts as handled, and `Failure.awaitedAt` records
   * the stack of the then() call — always when the Deferred had already failed, and for a
   * pending Deferred when `Deferred.debug` is on (capturing a stack costs ~2.5 µs, too much for
   * every `await`). V8 gives no async frames to a thenable's then() called by `await`, so
   * there the stack names the await's job only; it is most telling for explicit then() and
   * asPromise() calls.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const idle =
      (this.flags & (CALLED | RUNNING)) === CALLED && this.paused === 0 && this.head === null;
    if (idle && !(this.result instanceof Failure)) {
      // Fast path for `await d` on a fired Deferred: no link, no closure, no executor.
      const result = this.result as T;
      if (!onFulfilled) return Promise.resolve(result as unknown as R1);
      try {
        const out = onFulfilled(result);
        // `await` passes its own resolve function, which returns undefined: share one Promise.
        return out === undefined ? (RESOLVED_UNDEFINED as Promise<R1>) : Promise.resolve(out);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    const awaitedAt = idle || Deferred.debug ? new Error('awaited here').stack : undefined;
    return new Promise<R1 | R2>((resolve, reject) => {
      this.addCallbacks(
        // A throwing onFulfilled/onRejected rejects the returned Promise; it must not turn
        // this Deferred's own result into a Failure.
        (value) => {
          try {
            resolve(onFulfilled ? onFulfilled(value) : (value as unknown as R1));
          } catch (error) {
            reject(error as Error);
          }
          return value;
        },
        (failure) => {
          failure.awaitedAt ??= awaitedAt;
          markObserved(failure);
          if (!onRejected) reject(failure.value as Error);
          else {
            try {
              resolve(onRejected(failure.value));
            } catch (error) {
              reject(error as Error);
            }
          }
          return failure;
        },
      );
    });
  }

  toString(): string {
    if (!(this.flags & CALLED)) return '<Deferred (pending)>';
    if (this.result instanceof Deferred) return '<Deferred (waiting on another Deferred)>';
    return `<Deferred current result: ${String(this.result)}>`;
  }

  private start(result: unknown): void {
    const flags = this.flags;
    if (flags & CALLED) {
      if (flags & SUPPRESS_ALREADY_CALLED) {
        this.flags = flags & ~SUPPRESS_ALREADY_CALLED;
        return;
      }
      throw new AlreadyCalledError();
    }
    this.flags = flags | CALLED;
    this.result = result;
    if (this.head !== null) this.runCallbacks();
    else if (result instanceof Failure && this.paused === 0) this.reportIfUnhandled();
  }

  private append(link: Link): void {
    if (this.tail === null) this.head = link;
    else this.tail.next = link;
    this.tail = link;
  }

  private unreport(): void {
    this.flags &= ~REPORTED;
    forgetCollected(this);
  }

  /** Arrange for an unhandled Failure result to be logged if this Deferred is collected. */
  private reportIfUnhandled(): void {
    const result = this.result;
    if (result instanceof Failure && !(this.flags & REPORTED) && !isObserved(result)) {
      this.flags |= REPORTED;
      reportWhenCollected(this, result);
    }
  }

  /**
   * A callback returned `out` (an object). If it is a Deferred or thenable, take its result
   * when it has one; otherwise pause and wait for it. Returns true when now waiting.
   */
  private adopt(out: object): boolean {
    let inner: Deferred<unknown>;
    if (out instanceof Deferred) inner = out as Deferred<unknown>;
    else if (out instanceof Failure) return false;
    else {
      let then: unknown;
      try {
        then = (out as { then?: unknown }).then;
      } catch (error) {
        this.result = Failure.from(error);
        return false;
      }
      if (typeof then !== 'function') return false;
      inner = Deferred.fromPromise(out as PromiseLike<unknown>);
      this.result = inner;
    }
    if (inner === (this as Deferred<unknown>)) {
      this.result = new Failure(
        new TypeError(
          'A callback returned the Deferred it was added to; return a different Deferred or a value.',
        ),
      );
      return false;
    }
    if (inner.flags & REPORTED) inner.unreport();
    if ((inner.flags & (CALLED | RUNNING)) !== CALLED || inner.paused > 0) {
      // Not ready: wait for it, resuming this chain from the link it adds last.
      this.paused++;
      inner.append(new Link(CONTINUE, this, undefined));
      return true;
    }
    // Ready: take its result; it is now ours to handle.
    this.result = inner.result;
    inner.result = undefined;
    return false;
  }

  /**
   * Twisted's _runCallbacks: one loop runs this Deferred's links and, when a link hands the
   * result on to an outer Deferred that was waiting on this one, continues with the outer
   * Deferred's links — an explicit stack instead of recursion, allocated only when needed.
   */
  private runCallbacks(): void {
    if (this.flags & RUNNING) return; // A callback added a callback: the running loop takes it.
    let current = this as Deferred<unknown>;
    let below: Deferred<unknown>[] | null = null;
    // Callbacks added while no storage could hold a store (EMPTY_CONTEXT) run in place when that
    // is still so; checked once per run, at the first such callback, as the check costs ~7 ns.
    let emptyInPlace: boolean | undefined;
    for (;;) {
      if (current.paused > 0) return;
      let handedOn = false;
      current.flags |= RUNNING;
      for (let link = current.head; link !== null && current.paused === 0; link = current.head) {
        current.head = link.next;
        if (current.head === null) current.tail = null;
        if (link.onResult === CONTINUE) {
          const waiter = link.onFailure as Deferred<unknown>;
          waiter.result = current.result;
          current.result = undefined;
          waiter.paused--;
          (below ??= []).push(current);
          current.flags &= ~RUNNING;
          current = waiter;
          handedOn = true;
          break;
        }
        const result = current.result;
        const fn = result instanceof Failure ? (link.onFailure as AnyFn | null) : link.onResult;
        if (fn === null) continue;
        const context = link.context;
        try {
          current.result =
            context === undefined ||
            (context === EMPTY_CONTEXT && (emptyInPlace ??= noStoreCanBeActive()))
              ? fn(result)
              : context.runInAsyncScope(fn, undefined, result);
        } catch (error) {
          current.result = Failure.from(error);
        }
        const out = current.result;
        if (
          ((typeof out === 'object' && out !== null) || typeof out === 'function') &&
          current.adopt(out)
        )
          break;
      }
      if (handedOn) continue;
      current.flags &= ~RUNNING;
      if (current.paused === 0) current.reportIfUnhandled();
      if (below === null || below.length === 0) return;
      current = below.pop()!;
    }
  }
}

/** A Deferred that has already fired with `value`. */
export function succeed<T>(value: T): Deferred<T> {
  return Deferred.succeed(value);
}

/** A Deferred that has already failed with `error`. */
export function fail<T = never>(error: unknown): Deferred<T> {
  return Deferred.fail<T>(error);
}

/**
 * A Deferred of an async function's result (or of any Promise/thenable): the bridge from
 * `async`/`await` code to Deferred-returning APIs. A Deferred is returned as it is.
 */
export function ensureDeferred<T>(value: PromiseLike<T> | Deferred<T>): Deferred<T> {
  return Deferred.fromPromise(value);
}
