import type { IDelayedCall, IReactorTime } from '../interfaces/reactor.js';
import { ScheduledCall } from '../task/scheduled-call.js';
import type { BrowserTimerFunctions } from './dom-types.js';

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A call scheduled on the page's setTimeout. Each call owns one timer: pages schedule few calls
 * (keep-alives, retries, flood control), so a timer heap like the Node reactor's would buy nothing.
 */
export class BrowserDelayedCall extends ScheduledCall {
  private handle: unknown = undefined;

  constructor(
    private readonly timers: BrowserTimers,
    time: number,
    private readonly fn: (...args: unknown[]) => unknown,
    private readonly args: unknown[],
  ) {
    super(time);
    this.arm();
  }

  protected now(): number {
    return this.timers.seconds();
  }

  protected unschedule(): void {
    this.disarm();
    this.timers.forget(this);
  }

  protected moveTo(time: number): void {
    this.time = time;
    this.rearm();
  }

  private rearm(): void {
    this.disarm();
    this.arm();
  }

  private arm(): void {
    const waitMs = Math.max(0, Math.min(MAX_TIMER_MS, (this.time - this.timers.seconds()) * 1000));
    this.handle = this.timers.functions.setTimeout(() => this.fire(), waitMs);
  }

  private disarm(): void {
    if (this.handle !== undefined) this.timers.functions.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private fire(): void {
    this.handle = undefined;
    // A timer may fire a little before performance.now() reaches the due time (different
    // clocks), or a very long wait was cut into steps: wait the rest.
    if (this.timers.seconds() < this.time) {
      this.arm();
      return;
    }
    this.called = true;
    this.timers.forget(this);
    this.timers.runCall(this.fn, this.args);
  }
}

/** IReactorTime over the page's setTimeout and performance.now(). */
export class BrowserTimers implements IReactorTime {
  private readonly pending = new Set<BrowserDelayedCall>();
  private readonly origin: number;

  constructor(
    readonly functions: BrowserTimerFunctions,
    /** Where an exception thrown by a scheduled call is reported. */
    private readonly onError: (error: unknown) => void,
  ) {
    this.origin = functions.now();
  }

  seconds(): number {
    return (this.functions.now() - this.origin) / 1000;
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): IDelayedCall {
    if (!Number.isFinite(delay) || delay < 0) {
      throw new RangeError(`callLater delay must be a finite number >= 0, got ${delay}.`);
    }
    const call = new BrowserDelayedCall(
      this,
      this.seconds() + delay,
      fn as (...args: unknown[]) => unknown,
      args,
    );
    this.pending.add(call);
    return call;
  }

  getDelayedCalls(): IDelayedCall[] {
    return [...this.pending];
  }

  /** @internal */
  forget(call: BrowserDelayedCall): void {
    this.pending.delete(call);
  }

  /** @internal */
  runCall(fn: (...args: unknown[]) => unknown, args: unknown[]): void {
    try {
      fn(...args);
    } catch (error) {
      this.onError(error);
    }
  }
}
