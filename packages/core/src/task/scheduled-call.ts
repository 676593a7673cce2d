import type { IDelayedCall } from '../interfaces/reactor.js';
import { AlreadyCalled, AlreadyCancelled } from './errors.js';

/**
 * The state every reactor's delayed call shares: active until it runs or is cancelled, and
 * `cancel`/`delay`/`reset` refused after either (AlreadyCalled / AlreadyCancelled, as Twisted).
 * Subclasses say where the call lives: how to leave their queue, how to move in it, what "now" is.
 */
export abstract class ScheduledCall implements IDelayedCall {
  cancelled = false;
  called = false;

  constructor(
    /** Absolute time (seconds, on the scheduler's clock) at which to run. */
    public time: number,
  ) {}

  getTime(): number {
    return this.time;
  }

  active(): boolean {
    return !this.cancelled && !this.called;
  }

  cancel(): void {
    this.ensureActive();
    this.cancelled = true;
    this.unschedule();
  }

  delay(seconds: number): void {
    this.ensureActive();
    this.moveTo(this.time + seconds);
  }

  reset(seconds: number): void {
    this.ensureActive();
    this.moveTo(this.now() + seconds);
  }

  /** The scheduler's current time. */
  protected abstract now(): number;
  /** Leave the scheduler's queue (the call was cancelled). */
  protected abstract unschedule(): void;
  /** Run at `time` instead; must update `this.time`. */
  protected abstract moveTo(time: number): void;

  protected ensureActive(): void {
    if (this.called) throw new AlreadyCalled();
    if (this.cancelled) throw new AlreadyCancelled();
  }
}
