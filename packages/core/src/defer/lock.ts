import { NotAcquiredError, QueueOverflow, QueueUnderflow } from '../errors/defer.js';
import { Deferred } from './deferred.js';
import { maybeDeferred } from './helpers.js';

/**
 * What DeferredLock and DeferredSemaphore share: acquire() gives a Deferred that fires when
 * the caller holds the primitive, release() gives it back, run() does both around a function.
 * Waiters are served in the order they asked; cancelling a waiter's Deferred takes it out of
 * the line (it fails with CancelledError).
 */
abstract class ConcurrencyPrimitive {
  protected readonly waiting: Deferred<this>[] = [];

  /** A Deferred that fires with this primitive once the caller holds it. */
  abstract acquire(): Deferred<this>;
  /** Give back what acquire() gave; the next waiter, if any, gets it at once. */
  abstract release(): void;

  /**
   * Acquire, call `fn(...args)`, and release when its result (value, Deferred or Promise) is
   * settled, whatever the outcome. The returned Deferred has `fn`'s result.
   */
  run<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>, ...args: A): Deferred<R> {
    return this.acquire().addCallback(() =>
      maybeDeferred(fn, ...args).addBoth((result) => {
        this.release();
        return result as R;
      }),
    );
  }

  protected waiter(): Deferred<this> {
    const d: Deferred<this> = new Deferred<this>(() => {
      const index = this.waiting.indexOf(d);
      if (index >= 0) this.waiting.splice(index, 1);
    });
    return d;
  }
}

/** A mutual-exclusion lock for Deferred-based code (Twisted's DeferredLock). */
export class DeferredLock extends ConcurrencyPrimitive {
  /** True while someone holds the lock. */
  locked = false;

  acquire(): Deferred<this> {
    const d = this.waiter();
    if (this.locked) this.waiting.push(d);
    else {
      this.locked = true;
      d.callback(this);
    }
    return d;
  }

  release(): void {
    if (!this.locked) throw new NotAcquiredError('DeferredLock');
    this.locked = false;
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.locked = true;
      next.callback(this);
    }
  }
}

/** Up to `tokens` holders at once (Twisted's DeferredSemaphore). */
export class DeferredSemaphore extends ConcurrencyPrimitive {
  /** Tokens available now. */
  tokens: number;
  /** The most tokens there can be. */
  readonly limit: number;

  constructor(tokens: number) {
    super();
    if (!Number.isInteger(tokens) || tokens < 1) {
      throw new RangeError(`DeferredSemaphore needs a whole number of tokens ≥ 1, got ${tokens}.`);
    }
    this.tokens = tokens;
    this.limit = tokens;
  }

  acquire(): Deferred<this> {
    const d = this.waiter();
    if (this.tokens > 0) {
      this.tokens--;
      d.callback(this);
    } else {
      this.waiting.push(d);
    }
    return d;
  }

  release(): void {
    if (this.tokens >= this.limit) throw new NotAcquiredError('DeferredSemaphore');
    this.tokens++;
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.tokens--;
      next.callback(this);
    }
  }
}

/**
 * A queue whose get() returns a Deferred of the next item (Twisted's DeferredQueue). `size`
 * bounds the items waiting for a consumer (put() throws QueueOverflow beyond it); `backlog`
 * bounds the consumers waiting for an item (get() throws QueueUnderflow beyond it). Both are
 * unbounded by default. Cancelling a get()'s Deferred takes that consumer out of the line.
 */
export class DeferredQueue<T> {
  /** Consumers waiting for an item, oldest first. */
  readonly waiting: Deferred<T>[] = [];
  /** Items waiting for a consumer, oldest first. */
  readonly pending: T[] = [];
  readonly size: number;
  readonly backlog: number;

  constructor(size = Infinity, backlog = Infinity) {
    this.size = size;
    this.backlog = backlog;
  }

  /** Hand `item` to the oldest waiting consumer, or keep it. Throws QueueOverflow when full. */
  put(item: T): void {
    const consumer = this.waiting.shift();
    if (consumer !== undefined) consumer.callback(item);
    else if (this.pending.length < this.size) this.pending.push(item);
    else
      throw new QueueOverflow(
        `The DeferredQueue already holds its limit of ${this.size} items; consume some first or raise size.`,
      );
  }

  /** A Deferred of the next item. Throws QueueUnderflow when `backlog` consumers already wait. */
  get(): Deferred<T> {
    if (this.pending.length > 0) return Deferred.succeed(this.pending.shift() as T);
    if (this.waiting.length >= this.backlog) {
      throw new QueueUnderflow(
        `The DeferredQueue already has its limit of ${this.backlog} waiting consumers; put items first or raise backlog.`,
      );
    }
    const d: Deferred<T> = new Deferred<T>(() => {
      const index = this.waiting.indexOf(d);
      if (index >= 0) this.waiting.splice(index, 1);
    });
    this.waiting.push(d);
    return d;
  }
}
