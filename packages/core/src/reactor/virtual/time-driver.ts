import { Deferred } from '../../defer/deferred.js';
import { VirtualTimeoutError } from './errors.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * One macrotask turn. Always ref'd: an unref'd immediate does not stop Node's loop from
 * blocking in its poll phase, so it would run only when some other event woke the loop.
 */
function macrotaskTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Let every microtask and nextTick queued so far run — and all those they queue in turn — but
 * no macrotask: Node drains the nextTick and microtask queues completely before our own
 * nextTick callback's promise continues us.
 */
function microtasksSettled(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

/** With settleTurns 0, a macrotask turn is still taken this often so the loop is not starved. */
const INSTANTS_BETWEEN_TURNS = 256;

/** What runUntil() can wait for: a Deferred, a promise, or a condition to become true. */
export type Awaitable<T> = Deferred<T> | PromiseLike<T> | (() => boolean);

/**
 * Moves a VirtualClock. The rule, whoever moves it (the auto-advance driver or a test's
 * advance/runUntil/runUntilIdle):
 *
 * 1. Run every call due at the current virtual time (in time, then scheduling, order).
 * 2. Yield one macrotask turn, so microtasks (Promise/await continuations) and Node's own
 *    callbacks (node:tls, streams) run. If that made a call due now, go back to 1.
 * 3. Only after `settleTurns` turns in a row with nothing due does time jump to the next
 *    scheduled call.
 *
 * Several calls due at one instant run back to back in one turn (microtasks between them run
 * after the batch, not after each call, as they would on Node's loop).
 */
export class TimeDriver {
  private autoEnabled: boolean;
  private driving = false;
  /** Manual operations in progress: while any runs, the auto driver keeps still. */
  private manual = 0;
  private closed = false;
  private instantsWithoutTurn = 0;
  /** Reactors running (run() called): a ref'd timer keeps the process alive meanwhile. */
  private keepAliveCount = 0;
  private keepAliveTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: VirtualClock,
    autoAdvance: boolean,
    private readonly settleTurns: number,
  ) {
    this.autoEnabled = autoAdvance;
  }

  get autoAdvance(): boolean {
    return this.autoEnabled;
  }

  set autoAdvance(enabled: boolean) {
    this.autoEnabled = enabled;
    if (enabled) this.wake();
  }

  /** Stop the auto driver for good (the network is shut down). */
  close(): void {
    this.closed = true;
    this.autoEnabled = false;
    if (this.keepAliveTimer !== null) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
  }

  /** A reactor started (+1) or stopped (-1) running: keep the process alive while any runs. */
  holdProcess(delta: 1 | -1): void {
    this.keepAliveCount += delta;
    if (this.keepAliveCount > 0 && this.keepAliveTimer === null && !this.closed) {
      this.keepAliveTimer = setInterval(() => {}, 2_147_483_647);
    } else if (this.keepAliveCount <= 0 && this.keepAliveTimer !== null) {
      clearInterval(this.keepAliveTimer);
      this.keepAliveTimer = null;
    }
    this.wake();
  }

  /** Something was scheduled: start the auto driver if it should run and is not running. */
  wake(): void {
    if (!this.autoEnabled || this.driving || this.closed || this.manual > 0) return;
    this.driving = true;
    void this.drive();
  }

  private async drive(): Promise<void> {
    try {
      // One turn first: whoever scheduled the call finishes its synchronous work.
      await macrotaskTurn();
      for (;;) {
        if (!this.autoEnabled || this.manual > 0) return;
        const settled = await this.settle(() => this.manual > 0);
        if (!settled || !this.autoEnabled || this.manual > 0) return;
        const next = this.clock.nextTime();
        if (next === undefined) return;
        this.clock.advanceTo(next);
      }
    } finally {
      this.driving = false;
      // A call scheduled while we were finishing would otherwise wait for the next wake().
      if (this.clock.pendingCount > 0 && this.manual === 0) this.wake();
    }
  }

  /**
   * Run what is due now until `settleTurns` turns pass with nothing due. Returns false when
   * `interrupted()` became true on the way.
   */
  private async settle(interrupted: () => boolean): Promise<boolean> {
    if (this.settleTurns === 0) return this.settleMicrotasks(interrupted);
    let quiet = 0;
    while (quiet < this.settleTurns) {
      if (this.clock.hasDue()) {
        this.clock.runDue();
        quiet = 0;
      } else {
        quiet++;
      }
      await macrotaskTurn();
      if (interrupted()) return false;
    }
    return true;
  }

  /**
   * settleTurns 0: settle microtasks and nextTicks only (no event-loop turn per instant), with
   * a macrotask turn every INSTANTS_BETWEEN_TURNS instants so I/O and timers still get a look.
   */
  private async settleMicrotasks(interrupted: () => boolean): Promise<boolean> {
    do {
      this.clock.runDue();
      await microtasksSettled();
      if (interrupted()) return false;
    } while (this.clock.hasDue());
    if (++this.instantsWithoutTurn >= INSTANTS_BETWEEN_TURNS) {
      this.instantsWithoutTurn = 0;
      await macrotaskTurn();
      if (interrupted()) return false;
      if (this.clock.hasDue()) return this.settleMicrotasks(interrupted);
    }
    return true;
  }

  /** Run everything scheduled up to `seconds` from now; time ends exactly there. */
  async advance(seconds: number): Promise<void> {
    if (!(seconds >= 0)) throw new RangeError(`advance() takes seconds >= 0, got ${seconds}.`);
    const target = this.clock.seconds() + seconds;
    await this.manually(async () => {
      for (;;) {
        await this.settle(() => false);
        const next = this.clock.nextTime();
        if (next === undefined || next > target) break;
        this.clock.advanceTo(next);
      }
      this.clock.advanceTo(target);
      await this.settle(() => false);
    });
  }

  /**
   * The synchronous advance of Twisted's Clock: run due calls in order up to `seconds` from now,
   * without yielding to microtasks. For code that is all Deferreds and callbacks.
   */
  advanceSync(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`advanceSync() takes seconds >= 0, got ${seconds}.`);
    const target = this.clock.seconds() + seconds;
    this.manual++;
    try {
      for (;;) {
        this.clock.runDue();
        const next = this.clock.nextTime();
        if (next === undefined || next > target) break;
        this.clock.advanceTo(next);
      }
      this.clock.advanceTo(target);
      this.clock.runDue();
    } finally {
      this.manual--;
      this.wake();
    }
  }

  /**
   * Advance event by event until nothing is scheduled, or until `maxSeconds` of virtual time
   * passed (then time stops there; periodic timers never let a network go idle).
   */
  async runUntilIdle(maxSeconds: number): Promise<void> {
    const limit = this.clock.seconds() + maxSeconds;
    await this.manually(async () => {
      for (;;) {
        await this.settle(() => false);
        const next = this.clock.nextTime();
        if (next === undefined) return;
        if (next > limit) {
          this.clock.advanceTo(limit);
          return;
        }
        this.clock.advanceTo(next);
      }
    });
  }

  /**
   * Advance event by event until `awaitable` settles, and return its result. Fails with
   * VirtualTimeoutError once `timeout` virtual seconds passed, or when nothing is scheduled
   * any more and it has not settled (it never will).
   */
  async runUntil<T>(awaitable: Awaitable<T>, timeout: number): Promise<T> {
    let settled = false;
    let value: T | undefined;
    let failure: unknown;
    let failed = false;
    if (typeof awaitable === 'function') {
      await this.runUntilSettled(awaitable, timeout);
      return undefined as T;
    }
    const deferred =
      awaitable instanceof Deferred ? awaitable : Deferred.fromPromise(Promise.resolve(awaitable));
    deferred.addCallbacks(
      (result) => {
        settled = true;
        value = result;
        return result;
      },
      (reason) => {
        settled = true;
        failed = true;
        failure = reason.value;
        return undefined;
      },
    );
    await this.runUntilSettled(() => settled, timeout);
    if (failed) throw failure;
    return value as T;
  }

  private async runUntilSettled(settled: () => boolean, timeout: number): Promise<void> {
    const start = this.clock.seconds();
    const limit = start + timeout;
    await this.manually(async () => {
      for (;;) {
        if (settled()) return;
        await this.settle(settled);
        if (settled()) return;
        const next = this.clock.nextTime();
        if (next === undefined) {
          throw new VirtualTimeoutError(
            `runUntil(): nothing is scheduled at virtual time ${this.clock.seconds()} and the ` +
              `awaited result has not arrived, so it never will. Check that something sends it.`,
          );
        }
        if (next > limit) {
          this.clock.advanceTo(limit);
          throw new VirtualTimeoutError(
            `runUntil(): the awaited result did not arrive within ${timeout} virtual seconds ` +
              `(from ${start} to ${limit}). Pass a longer timeout if that is expected.`,
          );
        }
        this.clock.advanceTo(next);
      }
    });
  }

  private async manually(fn: () => Promise<void>): Promise<void> {
    this.manual++;
    try {
      await fn();
    } finally {
      this.manual--;
      this.wake();
    }
  }
}
