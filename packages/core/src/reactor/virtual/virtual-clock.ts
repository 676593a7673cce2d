import type { IDelayedCall, IReactorTime } from '../../interfaces/reactor.js';
import { ScheduledCall } from '../../task/scheduled-call.js';
import { TimerHeap } from './timer-heap.js';

/**
 * A call scheduled on a VirtualClock. It knows its place in the clock's heap, so cancel(),
 * reset() and delay() are O(log n) and leave nothing stale behind.
 *
 * The simulated network's packets are subclasses that override fire() and are scheduled with
 * scheduleCall(): one object per packet on the wire, rather than a packet, a closure and a call.
 */
export class VirtualDelayedCall extends ScheduledCall {
  /** Index in the clock's heap; -1 once it left the heap (ran or was cancelled). */
  heapIndex = -1;

  constructor(
    private readonly clock: VirtualClock,
    time: number,
    /** Tie-breaker: calls due at the same time run in scheduling order. */
    public seq: number,
    private readonly fn: ((...args: unknown[]) => unknown) | null,
    private readonly args: unknown[],
    /** Who scheduled it (a host's reactor), for getDelayedCalls() per host. */
    readonly owner: unknown,
  ) {
    super(time);
  }

  override delay(seconds: number): void {
    super.delay(checkDelay(seconds, true));
  }

  override reset(seconds: number): void {
    super.reset(checkDelay(seconds, false));
  }

  protected now(): number {
    return this.clock.seconds();
  }

  protected unschedule(): void {
    this.clock.remove(this);
  }

  protected moveTo(time: number): void {
    this.clock.reschedule(this, time);
  }

  /** Run the call; the clock decides when. */
  run(): void {
    this.called = true;
    this.fire();
  }

  /** What running it does. */
  protected fire(): void {
    const args = this.args;
    if (args.length === 0) this.fn!();
    else this.fn!(...args);
  }
}

/** The arguments of a call that takes none (shared: nothing changes it). */
export const NO_ARGS: unknown[] = [];

function checkDelay(seconds: number, mayBeNegative: boolean): number {
  if (typeof seconds !== 'number' || Number.isNaN(seconds)) {
    throw new TypeError(`A delay must be a number of seconds, got ${String(seconds)}.`);
  }
  if (!mayBeNegative && seconds < 0) return 0;
  return seconds;
}

/**
 * Time for the simulated network: it starts at 0 and only moves when told to (advanceTo). Due
 * calls run in time order, ties in scheduling order, and every host of a network shares it.
 */
export class VirtualClock implements IReactorTime {
  private now = 0;
  private nextSeq = 0;
  private readonly heap = new TimerHeap<VirtualDelayedCall>();

  constructor(
    /** Told whenever a call is scheduled (wakes the auto-advance driver). */
    private readonly onSchedule: () => void,
    /** A call threw: report it; the clock goes on with the next one. */
    private readonly onError: (error: unknown) => void,
    /** Times of calls are rounded up to a multiple of this (0: exact). */
    private readonly resolution = 0,
  ) {}

  seconds(): number {
    return this.now;
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): VirtualDelayedCall {
    return this.schedule(undefined, delay, fn, args);
  }

  /** callLater on behalf of `owner` (a host), so getDelayedCalls(owner) can find it. */
  schedule<A extends unknown[]>(
    owner: unknown,
    delay: number,
    fn: (...args: A) => unknown,
    args: A,
  ): VirtualDelayedCall {
    if (typeof fn !== 'function') throw new TypeError('callLater() needs a function to call.');
    const call = new VirtualDelayedCall(
      this,
      this.timeAfter(checkDelay(delay, false)),
      this.nextSeq++,
      fn as (...args: unknown[]) => unknown,
      args,
      owner,
    );
    this.push(call);
    this.onSchedule();
    return call;
  }

  /**
   * Schedule a call made beforehand (a packet: see VirtualDelayedCall) `delay` seconds from
   * now. Each call is scheduled once.
   */
  scheduleCall(call: VirtualDelayedCall, delay: number): void {
    call.time = this.timeAfter(checkDelay(delay, false));
    call.seq = this.nextSeq++;
    this.push(call);
    this.onSchedule();
  }

  getDelayedCalls(owner?: unknown): IDelayedCall[] {
    const calls = this.heap.toArray();
    return owner === undefined ? calls : calls.filter((call) => call.owner === owner);
  }

  /** How many calls are scheduled and active. */
  get pendingCount(): number {
    return this.heap.size;
  }

  /** The time of the earliest active call, or undefined when none is scheduled. */
  nextTime(): number | undefined {
    return this.heap.peek()?.time;
  }

  /** True when a call is due at the current time. */
  hasDue(): boolean {
    const next = this.heap.peek();
    return next !== undefined && next.time <= this.now;
  }

  /** Move the current time to `time` (never backwards) without running anything. */
  advanceTo(time: number): void {
    if (time > this.now) this.now = time;
  }

  /**
   * Run every call due at the current time, including those they schedule for now, in order.
   * Returns how many ran. `limit` bounds a call that keeps rescheduling itself with delay 0.
   */
  runDue(limit = 1_000_000): number {
    let ran = 0;
    for (;;) {
      const next = this.heap.peek();
      if (next === undefined || next.time > this.now) return ran;
      if (ran >= limit) {
        throw new Error(
          `More than ${limit} calls ran at virtual time ${this.now} without time moving: ` +
            `something reschedules itself with callLater(0) forever.`,
        );
      }
      this.heap.pop();
      ran++;
      try {
        next.run();
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** Take a cancelled call out of the heap. */
  remove(call: VirtualDelayedCall): void {
    this.heap.remove(call);
  }

  reschedule(call: VirtualDelayedCall, time: number): void {
    this.remove(call);
    call.time = time > this.now ? this.later(time) : time;
    call.seq = this.nextSeq++;
    this.push(call);
    this.onSchedule();
  }

  /**
   * `now + delay`, but strictly later than now for any delay > 0. Without this, code that
   * sleeps for "the rest" of an interval (`interval - (now - last)`) can compute a remainder
   * smaller than the float resolution at `now`, schedule itself at the same instant, and spin
   * forever; Node's millisecond timers never let that happen either.
   */
  private timeAfter(delay: number): number {
    if (delay <= 0) return this.now;
    return this.later(this.now + delay);
  }

  /** A time after now: `time` on the clock's grid (see timeResolution), never the current instant. */
  private later(time: number): number {
    const resolution = this.resolution;
    if (resolution > 0) {
      // The tolerance keeps a time already on the grid (k × resolution, give or take the
      // float error of the division) in its own slot instead of the next one.
      const slot = Math.ceil(time / resolution - 1e-9);
      const onGrid = slot * resolution;
      return onGrid > this.now ? onGrid : (slot + 1) * resolution;
    }
    return Math.max(time, this.nextInstant());
  }

  private nextInstant(): number {
    return this.now + Math.max(Math.abs(this.now) * Number.EPSILON, Number.MIN_VALUE);
  }

  private push(call: VirtualDelayedCall): void {
    this.heap.push(call);
  }
}
