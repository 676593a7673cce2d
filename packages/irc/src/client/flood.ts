import type { IDelayedCall, IReactorTime } from '@tw/core';

/** How fast the client may send: a token bucket. */
export interface FloodOptions {
  /** Lines that may go out back to back before the rate applies (the bucket's size). */
  readonly burst: number;
  /** Lines per second once the burst is spent (the refill rate). */
  readonly perSecond: number;
}

/**
 * The default outgoing rate: five lines at once, then one every two seconds — what irssi and
 * most networks' flood rules expect of a client, so a busy bot is never killed for flooding.
 */
export const DEFAULT_FLOOD: FloodOptions = { burst: 5, perSecond: 0.5 };

/**
 * A token bucket that never queues: tryTake() says whether one more action is allowed now.
 * Used for automatic CTCP replies, where a reply that cannot go now is better dropped.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly clock: IReactorTime,
    private readonly options: FloodOptions,
  ) {
    this.tokens = options.burst;
    this.lastRefill = clock.seconds();
  }

  /** Take a token if one is free; with a burst or rate of 0 there is no limit. */
  tryTake(): boolean {
    if (this.options.burst === 0 || this.options.perSecond === 0) return true;
    const now = this.clock.seconds();
    this.tokens = Math.min(
      this.options.burst,
      this.tokens + Math.max(0, now - this.lastRefill) * this.options.perSecond,
    );
    this.lastRefill = now;
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Outgoing flood control: a token bucket on the reactor clock that queues what it cannot send
 * yet. Each line costs one token; the bucket holds `burst` tokens and refills at `perSecond`.
 * A burst or rate of 0 turns the limit off (every line goes out at once).
 *
 * Lines are handed to `sink` in the order they were queued. Time only comes from `clock`, so
 * tests drive it with a virtual Clock.
 */
export class TokenBucketQueue<T> {
  private readonly queue: T[] = [];
  private readonly unlimited: boolean;
  private tokens: number;
  private lastRefill: number;
  private timer: IDelayedCall | null = null;
  private stopped = false;

  constructor(
    private readonly clock: IReactorTime,
    private readonly options: FloodOptions,
    private readonly sink: (item: T) => void,
  ) {
    if (!(options.burst >= 0) || !(options.perSecond >= 0)) {
      throw new RangeError(
        `Flood limits must be numbers >= 0 (got burst=${String(options.burst)}, ` +
          `perSecond=${String(options.perSecond)}); use 0 to turn flood control off.`,
      );
    }
    this.unlimited = options.burst === 0 || options.perSecond === 0;
    this.tokens = options.burst;
    this.lastRefill = clock.seconds();
  }

  /** How many items wait for tokens. */
  get pending(): number {
    return this.queue.length;
  }

  /** Send `item` now if a token is free, else queue it behind the items already waiting. */
  push(item: T): void {
    if (this.stopped) return;
    if (this.unlimited) {
      this.sink(item);
      return;
    }
    this.queue.push(item);
    this.drain();
  }

  /** Drop everything queued and cancel the timer; later pushes are ignored. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.timer?.cancel();
    this.timer = null;
  }

  /** Forget what is queued (e.g. before QUIT) without stopping the bucket. */
  clear(): void {
    this.queue.length = 0;
  }

  private refill(): void {
    const now = this.clock.seconds();
    const elapsed = Math.max(0, now - this.lastRefill);
    this.lastRefill = now;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsed * this.options.perSecond);
  }

  private drain(): void {
    if (this.timer !== null) return; // a wake-up is already due; it keeps the order
    this.refill();
    // A tiny epsilon absorbs float error so a line due "now" is not delayed by a rounding step.
    while (this.queue.length > 0 && this.tokens >= 1 - 1e-9) {
      this.tokens -= 1;
      const item = this.queue.shift() as T;
      this.sink(item);
      if (this.stopped) return; // the sink may close the connection
    }
    if (this.queue.length > 0) {
      const wait = Math.max(0, (1 - this.tokens) / this.options.perSecond);
      this.timer = this.clock.callLater(wait, () => {
        this.timer = null;
        this.drain();
      });
    }
  }
}
