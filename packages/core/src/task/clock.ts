import type { IReactorTime } from '../interfaces/reactor.js';
import { ScheduledCall } from './scheduled-call.js';

// Thrown by cancel()/reset()/delay() after a call ran or was cancelled; they live in errors.ts.
export { AlreadyCalled, AlreadyCancelled } from './errors.js';

/**
 * A delayed call scheduled on a Clock. Time changes are reported to the clock through
 * `onChange` so it can keep its queue ordered.
 */
export class DelayedCall extends ScheduledCall {
  constructor(
    time: number,
    private readonly fn: () => unknown,
    private readonly clockNow: () => number,
    private readonly onCancel: (call: DelayedCall) => void,
    private readonly onChange: (call: DelayedCall) => void,
  ) {
    super(time);
  }

  protected now(): number {
    return this.clockNow();
  }

  protected unschedule(): void {
    this.onCancel(this);
  }

  protected moveTo(time: number): void {
    this.time = time;
    this.onChange(this);
  }

  /** Run the call (the clock decides when). */
  run(): void {
    this.called = true;
    this.fn();
  }
}

/**
 * Deterministic time for tests (Twisted's task.Clock): time starts at 0 and moves only when
 * advance() or pump() is called, running due calls in time order (ties in scheduling order).
 */
export class Clock implements IReactorTime {
  /** The current time in seconds. */
  rightNow = 0;
  private calls: DelayedCall[] = [];

  seconds(): number {
    return this.rightNow;
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): DelayedCall {
    const call = new DelayedCall(
      this.rightNow + delay,
      () => fn(...args),
      () => this.rightNow,
      (c) => this.remove(c),
      (c) => {
        this.remove(c);
        this.insert(c);
      },
    );
    this.insert(call);
    return call;
  }

  getDelayedCalls(): DelayedCall[] {
    return [...this.calls];
  }

  /** Move time forward by `amount` seconds, running every call that falls due, in order. */
  advance(amount: number): void {
    if (amount < 0) throw new RangeError('Clock.advance() cannot move time backwards.');
    const target = this.rightNow + amount;
    for (;;) {
      const next = this.calls[0];
      if (next === undefined || next.getTime() > target) break;
      this.calls.shift();
      this.rightNow = Math.max(this.rightNow, next.getTime());
      next.run();
    }
    this.rightNow = target;
  }

  /**
   * Move time forward by `amount` seconds at once, then run every call that fell due, in order,
   * all seeing the new time — what a reactor does after the process was suspended or its loop
   * was blocked (and what Twisted's Clock.advance does). Use it to make calls run late.
   */
  jump(amount: number): void {
    if (amount < 0) throw new RangeError('Clock.jump() cannot move time backwards.');
    this.rightNow += amount;
    for (;;) {
      const next = this.calls[0];
      if (next === undefined || next.getTime() > this.rightNow) break;
      this.calls.shift();
      next.run();
    }
  }

  /** advance() by each amount in turn. */
  pump(timings: Iterable<number>): void {
    for (const amount of timings) this.advance(amount);
  }

  private insert(call: DelayedCall): void {
    // Stable: a call goes after every call due at the same time or earlier.
    let index = this.calls.length;
    while (index > 0 && this.calls[index - 1]!.getTime() > call.getTime()) index--;
    this.calls.splice(index, 0, call);
  }

  private remove(call: DelayedCall): void {
    const index = this.calls.indexOf(call);
    if (index >= 0) this.calls.splice(index, 1);
  }
}
