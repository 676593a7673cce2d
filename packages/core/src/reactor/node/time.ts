import { performance } from 'node:perf_hooks';

import type { IReactorTime } from '../../interfaces/reactor.js';
import { ScheduledCall } from '../../task/scheduled-call.js';

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;
/** A bucket is compacted once it holds more stale entries than this and than live ones. */
const COMPACT_THRESHOLD = 32;

/**
 * A call scheduled on a TimerQueue. It knows its bucket and slot, so cancel(), reset() and
 * delay() find it in O(1) instead of searching.
 */
export class NodeDelayedCall extends ScheduledCall {
  /** The bucket holding it and its index there; null once it ran or was cancelled. */
  bucket: TimerBucket | null = null;
  slot = -1;

  constructor(
    private readonly queue: TimerQueue,
    time: number,
    /** Tie-breaker: calls due at the same time run in scheduling order. */
    public seq: number,
    private readonly fn: (...args: unknown[]) => unknown,
    private readonly args: unknown[],
  ) {
    super(time);
  }

  protected now(): number {
    return this.queue.seconds();
  }

  protected unschedule(): void {
    this.queue.remove(this);
  }

  protected moveTo(time: number): void {
    this.queue.reschedule(this, time);
  }

  /** Run the call; the queue decides when. */
  run(): void {
    this.called = true;
    this.fn(...this.args);
  }
}

/** The calls due within one millisecond, in scheduling order (sorted by time before running). */
class TimerBucket {
  readonly calls: Array<NodeDelayedCall | null> = [];
  /** Index of the next entry to look at when firing. */
  next = 0;
  live = 0;
  stale = 0;
  /** False once a call was added that is due before one already there. */
  sorted = true;
  /** The latest time of any call added so far. */
  maxTime = -Infinity;
  heapIndex = -1;

  constructor(readonly key: number) {}
}

function byTimeThenSeq(a: NodeDelayedCall | null, b: NodeDelayedCall | null): number {
  return a!.time - b!.time || a!.seq - b!.seq;
}

/**
 * The Node reactor's time: delayed calls grouped in one-millisecond buckets (Node's own timers
 * have millisecond resolution), a min-heap of buckets, and a single Node timer armed for the
 * earliest. A million pending calls cost one Node timer; calls sharing a deadline millisecond
 * share a bucket, so scheduling and firing are O(1) for them and O(log buckets) otherwise.
 * Each call keeps its exact time: within a bucket calls still run in (time, scheduling) order,
 * and never before their time.
 *
 * `seconds()` is monotonic (performance.now) but offset to the Unix epoch, so it reads like
 * Twisted's time.time() without ever stepping backwards.
 */
export class TimerQueue implements IReactorTime {
  private readonly heap: TimerBucket[] = [];
  private readonly buckets = new Map<number, TimerBucket>();
  private pending = 0;
  private nextSeq = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The bucket key the armed timer was set for (Infinity when none). */
  private armedFor = Infinity;
  private firing = false;
  /**
   * Bucket keys count milliseconds from here rather than from 1970, so they stay small
   * integers (fast Map keys) for the first weeks of a process.
   */
  private readonly epoch = this.seconds();

  /** `onError` gets what a delayed call threw; the queue keeps running. */
  constructor(private readonly onError: (error: unknown) => void) {}

  seconds(): number {
    return (performance.timeOrigin + performance.now()) / 1000;
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): NodeDelayedCall {
    if (typeof fn !== 'function') throw new TypeError('callLater() needs a function to call.');
    if (!(delay >= 0)) {
      throw new RangeError(`callLater() needs a delay of 0 seconds or more, got ${delay}.`);
    }
    const call = new NodeDelayedCall(
      this,
      this.seconds() + delay,
      this.nextSeq++,
      fn as (...args: unknown[]) => unknown,
      args,
    );
    this.place(call);
    return call;
  }

  getDelayedCalls(): NodeDelayedCall[] {
    const calls: NodeDelayedCall[] = [];
    for (const bucket of this.heap) {
      for (let i = bucket.next; i < bucket.calls.length; i++) {
        const call = bucket.calls[i];
        if (call != null && call.bucket === bucket && call.slot === i) calls.push(call);
      }
    }
    return calls;
  }

  /** How many calls are waiting. */
  get size(): number {
    return this.pending;
  }

  /** @internal A cancelled call leaves its bucket. */
  remove(call: NodeDelayedCall): void {
    this.unplace(call);
    this.arm();
  }

  /** @internal Move an active call to a new time; it goes after calls already due then. */
  reschedule(call: NodeDelayedCall, time: number): void {
    this.unplace(call);
    call.time = time;
    call.seq = this.nextSeq++;
    this.place(call);
    this.arm();
  }

  /** Milliseconds since this queue was created: the unit of bucket keys. */
  private msOf(time: number): number {
    return (time - this.epoch) * 1000;
  }

  private place(call: NodeDelayedCall): void {
    const key = Math.floor(this.msOf(call.time));
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TimerBucket(key);
      this.buckets.set(key, bucket);
      this.heapPush(bucket);
    }
    if (call.time < bucket.maxTime) bucket.sorted = false;
    else bucket.maxTime = call.time;
    call.bucket = bucket;
    call.slot = bucket.calls.length;
    bucket.calls.push(call);
    bucket.live++;
    this.pending++;
    if (bucket.heapIndex === 0) this.arm();
  }

  private unplace(call: NodeDelayedCall): void {
    const bucket = call.bucket;
    if (bucket === null) return;
    bucket.calls[call.slot] = null;
    call.bucket = null;
    call.slot = -1;
    this.pending--;
    if (--bucket.live === 0) {
      this.dropBucket(bucket);
    } else if (++bucket.stale > COMPACT_THRESHOLD && bucket.stale > bucket.live) {
      this.compact(bucket);
    }
  }

  /** Drop the holes left by cancelled and moved calls. */
  private compact(bucket: TimerBucket): void {
    let write = 0;
    for (let read = bucket.next; read < bucket.calls.length; read++) {
      const call = bucket.calls[read];
      if (call == null) continue;
      call.slot = write;
      bucket.calls[write++] = call;
    }
    bucket.calls.length = write;
    bucket.next = 0;
    bucket.stale = 0;
  }

  private dropBucket(bucket: TimerBucket): void {
    this.buckets.delete(bucket.key);
    const index = bucket.heapIndex;
    const last = this.heap.pop()!;
    bucket.heapIndex = -1;
    if (index < this.heap.length) {
      this.heap[index] = last;
      last.heapIndex = index;
      this.siftDown(index);
      this.siftUp(last.heapIndex);
    }
  }

  private heapPush(bucket: TimerBucket): void {
    bucket.heapIndex = this.heap.length;
    this.heap.push(bucket);
    this.siftUp(bucket.heapIndex);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const bucket = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.key <= bucket.key) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = bucket;
    bucket.heapIndex = index;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const bucket = heap[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heap[right]!.key < heap[left]!.key ? right : left;
      const childBucket = heap[child]!;
      if (childBucket.key >= bucket.key) break;
      heap[index] = childBucket;
      childBucket.heapIndex = index;
      index = child;
    }
    heap[index] = bucket;
    bucket.heapIndex = index;
  }

  /** Make the one Node timer fire when the earliest bucket is due (or not at all). */
  private arm(): void {
    if (this.firing) return; // fire() re-arms once it has run what is due.
    const head = this.heap[0];
    if (head === undefined) {
      this.disarm();
      return;
    }
    if (this.timer !== null && this.armedFor === head.key) return;
    this.disarm();
    // Wake at the end of the bucket's millisecond: every call in it is due by then.
    const nowMs = this.msOf(this.seconds());
    const waitMs = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(head.key + 1 - nowMs)));
    this.armedFor = head.key;
    this.timer = setTimeout(() => this.fire(), waitMs);
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  /**
   * Run every call that is due, in (time, scheduling) order. Calls scheduled while running
   * (even with delay 0) wait for the next turn, as in Twisted's runUntilCurrent, so a call that
   * reschedules itself cannot starve I/O.
   */
  private fire(): void {
    this.timer = null;
    this.armedFor = Infinity;
    this.firing = true;
    const now = this.seconds();
    const nowKey = Math.floor(this.msOf(now));
    const firstNewSeq = this.nextSeq;
    for (;;) {
      const bucket = this.heap[0];
      if (bucket === undefined || bucket.key > nowKey) break;
      if (!this.runBucket(bucket, now, firstNewSeq)) break;
    }
    this.firing = false;
    this.arm();
  }

  /** Run the due calls of `bucket`; true when it was emptied (and dropped). */
  private runBucket(bucket: TimerBucket, now: number, firstNewSeq: number): boolean {
    if (!bucket.sorted) {
      this.compact(bucket);
      bucket.calls.sort(byTimeThenSeq);
      for (let i = 0; i < bucket.calls.length; i++) bucket.calls[i]!.slot = i;
      bucket.sorted = true;
    }
    const calls = bucket.calls;
    while (bucket.next < calls.length) {
      const call = calls[bucket.next];
      if (call == null) {
        bucket.next++;
        bucket.stale--;
        continue;
      }
      if (call.time > now || call.seq >= firstNewSeq) return false;
      bucket.next++;
      this.unplace(call);
      try {
        call.run();
      } catch (error) {
        // One failing call must not stop the others: report it and carry on.
        this.onError(error);
      }
      if (bucket.heapIndex === -1) return true; // emptied (and dropped) by this call or its effects
    }
    return bucket.heapIndex === -1;
  }
}
