/** What a TimerHeap orders: by time, then by seq. */
export interface HeapEntry {
  readonly time: number;
  readonly seq: number;
  /** Index in the heap; -1 while it is not in one. Maintained by the heap. */
  heapIndex: number;
}

/** Children per node: a shallower tree, and the children's keys share a cache line. */
const ARITY = 4;
const INITIAL_CAPACITY = 256;

/**
 * A d-ary min-heap of timers ordered by (time, seq), with O(log n) removal of any entry.
 *
 * The keys are copied into typed arrays beside the entries: a busy simulation keeps tens of
 * thousands of packets in flight, and comparing keys in contiguous memory instead of in
 * objects scattered over the heap is what makes popping them cheap.
 */
export class TimerHeap<T extends HeapEntry> {
  private entries: T[] = [];
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);

  get size(): number {
    return this.entries.length;
  }

  /** The earliest entry, or undefined when empty. */
  peek(): T | undefined {
    return this.entries[0];
  }

  /** Every entry, in no particular order. */
  toArray(): T[] {
    return this.entries.slice();
  }

  push(entry: T): void {
    const index = this.entries.length;
    if (index === this.times.length) this.grow();
    this.entries.push(entry);
    this.siftUp(index, entry, entry.time, entry.seq);
  }

  /** Remove and return the earliest entry. */
  pop(): T | undefined {
    const entries = this.entries;
    const top = entries[0];
    if (top === undefined) return undefined;
    this.removeAt(0);
    return top;
  }

  /** Take `entry` out of the heap (nothing when it is not in it). */
  remove(entry: T): void {
    if (entry.heapIndex >= 0) this.removeAt(entry.heapIndex);
  }

  private removeAt(index: number): void {
    const entries = this.entries;
    entries[index]!.heapIndex = -1;
    const lastIndex = entries.length - 1;
    const last = entries.pop()!;
    if (index === lastIndex) return;
    const time = this.times[lastIndex]!;
    const seq = this.seqs[lastIndex]!;
    // The last entry fills the hole: it moves down, or (when removing from the middle) up.
    if (index > 0) {
      const parent = ((index - 1) / ARITY) | 0;
      const parentTime = this.times[parent]!;
      if (time < parentTime || (time === parentTime && seq < this.seqs[parent]!)) {
        this.siftUp(index, last, time, seq);
        return;
      }
    }
    this.siftDown(index, last, time, seq);
  }

  private siftUp(start: number, entry: T, time: number, seq: number): void {
    const { entries, times, seqs } = this;
    let index = start;
    while (index > 0) {
      const parent = ((index - 1) / ARITY) | 0;
      const parentTime = times[parent]!;
      if (parentTime < time || (parentTime === time && seqs[parent]! < seq)) break;
      const above = entries[parent]!;
      entries[index] = above;
      above.heapIndex = index;
      times[index] = parentTime;
      seqs[index] = seqs[parent]!;
      index = parent;
    }
    entries[index] = entry;
    entry.heapIndex = index;
    times[index] = time;
    seqs[index] = seq;
  }

  private siftDown(start: number, entry: T, time: number, seq: number): void {
    const { entries, times, seqs } = this;
    const size = entries.length;
    let index = start;
    for (;;) {
      const first = index * ARITY + 1;
      if (first >= size) break;
      let child = first;
      let childTime = times[first]!;
      let childSeq = seqs[first]!;
      const end = Math.min(first + ARITY, size);
      for (let other = first + 1; other < end; other++) {
        const otherTime = times[other]!;
        if (otherTime < childTime || (otherTime === childTime && seqs[other]! < childSeq)) {
          child = other;
          childTime = otherTime;
          childSeq = seqs[other]!;
        }
      }
      if (time < childTime || (time === childTime && seq < childSeq)) break;
      const below = entries[child]!;
      entries[index] = below;
      below.heapIndex = index;
      times[index] = childTime;
      seqs[index] = childSeq;
      index = child;
    }
    entries[index] = entry;
    entry.heapIndex = index;
    times[index] = time;
    seqs[index] = seq;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}
