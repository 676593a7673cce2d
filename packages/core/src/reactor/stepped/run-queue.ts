import { reportError } from '../node/report-error.js';

/** A unit of work the reactor runs inside iterate(). */
export type SteppedTask = () => void;

/**
 * The work Node's loop produced for the next iterate(): protocol event deliveries, factory
 * and producer calls, callFromThread functions, lifecycle steps — in arrival order.
 *
 * While iterate() is running user code (`active`), whatever the Node machinery reports is a
 * synchronous consequence of that code (a write that filled the buffer and pauses a producer,
 * an abortConnection() that loses the connection), so `dispatch` runs it at once, exactly as
 * the Node reactor would; only work arriving from Node's own loop is queued.
 */
export class RunQueue {
  /** True while iterate() runs; set by the reactor. */
  active = false;
  private tasks: Array<SteppedTask | undefined> = [];
  private head = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly onWorkQueued: (() => void) | undefined) {}

  /** How many tasks wait for the next iterate(). */
  get size(): number {
    return this.tasks.length - this.head;
  }

  /** Queue `task` for the next iterate(). */
  push(task: SteppedTask): void {
    const wasIdle = this.size === 0;
    this.tasks.push(task);
    if (wasIdle && !this.active) this.notify();
  }

  /** Run `task` now when iterate() is running, otherwise queue it for the next one. */
  dispatch(task: SteppedTask): void {
    if (this.active) runReporting(task);
    else this.push(task);
  }

  /** Where the queue ends now: runBatch(mark) runs the tasks queued before this point. */
  mark(): number {
    return this.tasks.length;
  }

  /**
   * Run the tasks queued before `end` (from mark()). Tasks they queue wait for the next
   * iterate(), so a callback that keeps producing work cannot keep the host's tick from ending.
   */
  runBatch(end: number): void {
    while (this.head < end) {
      const task = this.tasks[this.head]!;
      this.tasks[this.head++] = undefined;
      runReporting(task);
    }
    if (this.head === this.tasks.length) {
      this.tasks = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.tasks.length) {
      this.tasks = this.tasks.slice(this.head);
      this.head = 0;
    }
  }

  /** Call `fn` once, the next time work is queued while iterate() is not running. */
  onceWorkQueued(fn: () => void): () => void {
    this.waiters.add(fn);
    return () => this.waiters.delete(fn);
  }

  /** Tell the host (and any waitForWork) that there is work; from Node's loop, never nested. */
  private notify(): void {
    if (this.waiters.size > 0) {
      const waiters = [...this.waiters];
      this.waiters.clear();
      for (const waiter of waiters) waiter();
    }
    if (this.onWorkQueued !== undefined) {
      try {
        this.onWorkQueued();
      } catch (error) {
        reportError('SteppedReactor onWorkQueued threw', error);
      }
    }
  }
}

/**
 * Resolve when `queue` gets work or after `seconds` (0: at once), without blocking Node. The
 * caller has already taken the next timer into account in `seconds`.
 */
export function waitForWork(queue: RunQueue, seconds: number): Promise<void> {
  if (seconds <= 0 || queue.size > 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const unsubscribe = queue.onceWorkQueued(() => {
      if (timer !== null) clearTimeout(timer);
      resolve();
    });
    if (Number.isFinite(seconds)) {
      // setTimeout cannot wait longer than 2^31-1 ms; the caller simply waits again.
      timer = setTimeout(
        () => {
          unsubscribe();
          resolve();
        },
        Math.min(2_147_483_647, Math.ceil(seconds * 1000)),
      );
    }
  });
}

/** Run one task; what it throws is reported, and the rest of the batch still runs. */
export function runReporting(task: SteppedTask): void {
  try {
    task();
  } catch (error) {
    reportError('A SteppedReactor task threw', error);
  }
}
