import type { IReactorTime } from '../../interfaces/reactor.js';
import { ScheduledCall } from '../../task/scheduled-call.js';

/** A call scheduled on a SteppedReactor; it runs only inside iterate(). */
export class SteppedDelayedCall extends ScheduledCall {
  /** Bumped by every reschedule, so the heap entries of earlier times are recognised as stale. */
  version = 0;

  constructor(
    private readonly timers: SteppedTimers,
    time: number,
    private readonly fn: (...args: unknown[]) => unknown,
    private readonly args: unknown[],
  ) {
    super(time);
  }

  protected now(): number {
    return this.timers.seconds();
  }

  protected unschedule(): void {
    this.timers.forget(this);
  }

  protected moveTo(time: number): void {
    this.timers.place(this, time);
  }

  /** Mark it called and run it; the timers decide when. */
  run(): void {
    this.called = true;
    this.fn(...this.args);
  }
}

interface HeapEntry {
  readonly call: SteppedDelayedCall;
  readonly time: number;
  /** Placement order: ties run in it, and entries placed while running wait for the next pass. */
  readonly seq: number;
  readonly version: number;
}

/**
 * The SteppedReactor's timers: a binary heap of (time, placement order) that nothing fires
 * except runDue(), which iterate() calls. Cancelled and rescheduled calls leave stale entries
 * that are skipped when they surface; the heap is rebuilt when stale entries dominate.
 */
export class SteppedTimers implements IReactorTime {
  private heap: HeapEntry[] = [];
  private readonly live = new Set<SteppedDelayedCall>();
  private nextSeq = 0;

  /** `onError` gets what a delayed call threw; `clock` is the time source in seconds. */
  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly clock: () => number,
  ) {}

  seconds(): number {
    return this.clock();
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): SteppedDelayedCall {
    if (typeof fn !== 'function') throw new TypeError('callLater() needs a function to call.');
    if (!(delay >= 0)) {
      throw new RangeError(`callLater() needs a delay of 0 seconds or more, got ${delay}.`);
    }
    const time = this.clock() + delay;
    const call = new SteppedDelayedCall(this, time, fn as (...a: unknown[]) => unknown, args);
    this.place(call, time);
    return call;
  }

  getDelayedCalls(): SteppedDelayedCall[] {
    return [...this.live];
  }

  /** (Re)schedule `call` at `time`. */
  place(call: SteppedDelayedCall, time: number): void {
    call.time = time;
    call.version++;
    this.live.add(call);
    this.push({ call, time, seq: this.nextSeq++, version: call.version });
  }

  forget(call: SteppedDelayedCall): void {
    this.live.delete(call);
    call.version++;
    if (this.heap.length > 64 && this.heap.length > 4 * this.live.size) this.rebuild();
  }

  /**
   * Run every call due now, in (time, scheduling) order. Calls scheduled while running (even
   * with delay 0) wait for the next iterate(), as in Twisted's runUntilCurrent.
   */
  runDue(): void {
    const now = this.clock();
    const firstNewSeq = this.nextSeq;
    for (;;) {
      const top = this.peekLive();
      if (top === undefined || top.time > now || top.seq >= firstNewSeq) return;
      this.pop();
      this.live.delete(top.call);
      try {
        top.call.run();
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** Seconds until the earliest call is due: 0 if one is due now, Infinity if none is scheduled. */
  untilNext(): number {
    const top = this.peekLive();
    if (top === undefined) return Infinity;
    return Math.max(0, top.time - this.clock());
  }

  private peekLive(): HeapEntry | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.version === top.call.version) return top;
      this.pop();
    }
  }

  private rebuild(): void {
    const entries = this.heap.filter((entry) => entry.version === entry.call.version);
    this.heap = [];
    for (const entry of entries) this.push(entry);
  }

  private push(entry: HeapEntry): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(entry);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
  }
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
