import { Deferred } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import type { IDelayedCall, IReactorTime } from '../interfaces/reactor.js';
import { callAsDeferred } from './as-deferred.js';
import {
  InvalidLoopingInterval,
  LoopingCallAlreadyRunning,
  LoopingCallNotRunning,
} from './errors.js';

/** A billionth of an interval: below any real lateness, above floating-point rounding. */
const GRID_SLACK = 1e-9;

/**
 * Call a function every `interval` seconds — Twisted's task.LoopingCall.
 *
 * Calls are scheduled on the interval grid that starts when start() is called (start + k·interval),
 * not `interval` after the previous call ended, so a slow function or a late reactor does not
 * make the loop drift; when a call runs late, the grid points it overslept are skipped
 * (LoopingCall.withCount tells the function how many). If the function returns a Deferred or a
 * Promise, the next call waits until it settles.
 *
 * ```ts
 * const loop = new LoopingCall(reactor, () => sendKeepAlive());
 * loop.start(30).addErrback((failure) => log(failure)); // fires when stopped, fails if fn fails
 * loop.stop();
 * ```
 */
export class LoopingCall {
  /** The time source; replace it (e.g. with a Clock) only while not running. */
  clock: IReactorTime;
  /** True between start() and stop() (or the function failing). */
  running = false;
  /** The interval given to start(), in seconds; null before the first start(). */
  interval: number | null = null;
  /** When the current grid started: the time of start() or of the last reset(). */
  startTime: number | null = null;

  private readonly fn: () => unknown;
  private call: IDelayedCall | null = null;
  private whenStopped: Deferred<LoopingCall> | null = null;
  /** Used by withCount: when the function last ran, or null before its first run. */
  private lastRunTime: number | null = null;
  private runAtStart = false;

  /** @param clock the reactor (or Clock) whose callLater schedules the calls. */
  constructor(clock: IReactorTime, fn: () => unknown) {
    this.clock = clock;
    this.fn = fn;
  }

  /**
   * A LoopingCall whose function receives the number of intervals that elapsed since it last
   * ran: 1 normally, more when it ran late and grid points were skipped (e.g. the process was
   * suspended, or a previous call's Deferred took several intervals). With an interval of 0
   * the count is always 1. A call that lands in the same interval as the previous one (after
   * reset()) is not made.
   */
  static withCount(clock: IReactorTime, countFn: (count: number) => unknown): LoopingCall {
    // The counter needs the LoopingCall it belongs to, which needs the counter: bind late.
    let loop: LoopingCall | null = null;
    const counter = (): unknown => loop!.countAndCall(countFn);
    loop = new LoopingCall(clock, counter);
    return loop;
  }

  /**
   * Start calling the function every `interval` seconds; with `now` (the default) the first
   * call happens immediately, otherwise one interval from now. The Deferred fires with this
   * LoopingCall once stop() is called (after a pending call's Deferred settles), or fails with
   * the function's error, which also stops the loop.
   */
  start(interval: number, now = true): Deferred<LoopingCall> {
    if (this.running) throw new LoopingCallAlreadyRunning();
    if (!(interval >= 0) || !Number.isFinite(interval)) throw new InvalidLoopingInterval(interval);
    this.running = true;
    const whenStopped = new Deferred<LoopingCall>();
    this.whenStopped = whenStopped;
    this.startTime = this.clock.seconds();
    this.interval = interval;
    this.runAtStart = now;
    this.lastRunTime = null;
    if (now) this.runOnce();
    else this.scheduleFrom(this.startTime);
    return whenStopped;
  }

  /**
   * Stop calling. The start() Deferred fires now, or — when the function's Deferred is still
   * pending — as soon as that settles. Throws LoopingCallNotRunning when not running.
   */
  stop(): void {
    if (!this.running) throw new LoopingCallNotRunning('stop');
    this.running = false;
    if (this.call !== null) {
      this.call.cancel();
      this.call = null;
      this.fireStopped();
    }
  }

  /**
   * Restart the interval grid from now: the next call happens one interval from now. Has no
   * effect while the function's Deferred is pending. Throws LoopingCallNotRunning when not running.
   */
  reset(): void {
    if (!this.running) throw new LoopingCallNotRunning('reset');
    if (this.call !== null) {
      this.call.cancel();
      this.call = null;
      this.startTime = this.clock.seconds();
      // The last call counts as made on the new grid's origin, so the next one counts 1.
      if (this.lastRunTime !== null) this.lastRunTime = this.startTime;
      this.scheduleFrom(this.startTime);
    }
  }

  toString(): string {
    const name = this.fn.name === '' || this.fn.name === 'counter' ? 'function' : this.fn.name;
    return `LoopingCall<${this.interval === null ? 'not started' : String(this.interval)}>(${name})`;
  }

  private runOnce(): void {
    this.call = null;
    callAsDeferred(this.fn).addCallbacks(
      () => {
        if (this.running) this.scheduleFrom(this.clock.seconds());
        else this.fireStopped();
      },
      (failure: Failure) => {
        this.running = false;
        const whenStopped = this.whenStopped;
        this.whenStopped = null;
        whenStopped?.errback(failure);
      },
    );
  }

  private fireStopped(): void {
    const whenStopped = this.whenStopped;
    this.whenStopped = null;
    whenStopped?.callback(this);
  }

  /** Schedule the next call at the first grid point after `when`. */
  private scheduleFrom(when: number): void {
    this.call = this.clock.callLater(this.delayUntilNextGridPoint(when), () => this.runOnce());
  }

  private delayUntilNextGridPoint(when: number): number {
    const interval = this.interval!;
    if (interval === 0) return 0;
    const runningFor = when - this.startTime!;
    const untilNext = interval - (runningFor % interval);
    // A call that ran a rounding error before its grid point would otherwise be followed at
    // once by another for the same point; the next point is a full interval away then.
    if (when === when + untilNext || untilNext < interval * GRID_SLACK) return untilNext + interval;
    return untilNext;
  }

  private countAndCall(countFn: (count: number) => unknown): unknown {
    const now = this.clock.seconds();
    const interval = this.interval!;
    if (interval === 0) {
      this.lastRunTime = now;
      return countFn(1);
    }
    let lastTime = this.lastRunTime;
    if (lastTime === null) {
      // First call: count from the grid point before the start when it runs at once, so it gets 1.
      lastTime = this.startTime! - (this.runAtStart ? interval : 0);
    }
    const count = this.intervalIndex(now) - this.intervalIndex(lastTime);
    if (count <= 0) return undefined;
    this.lastRunTime = now;
    return countFn(count);
  }

  /** Which grid interval `time` falls in, counted from startTime. */
  private intervalIndex(time: number): number {
    // Grid points are computed with floating point (0.1 · 7 is 0.7000000000000001); the slack
    // keeps a call made on a grid point from counting as still in the interval before it.
    return Math.floor((time - this.startTime!) / this.interval! + GRID_SLACK);
  }
}
