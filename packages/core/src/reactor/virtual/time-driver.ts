import type { Deferred } from '../../defer/deferred.js';
import { watchOutcome } from '../../defer/outcome.js';
import { VirtualTimeoutError } from './errors.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * One macrotask turn. Always ref'd: an unref'd immediate does not stop Node's loop from
 * blocking in its poll phase, so it would run only when some other event woke the loop.
 */
function macrotaskTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** With settleTurns 0, a macrotask turn is still taken this often so the loop is not starved. */
const INSTANTS_BETWEEN_TURNS = 256;

const never = (): boolean => false;

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
      if (!this.autoEnabled || this.manual > 0) return;
      await this.runInstants(
        () => {
          if (!this.autoEnabled || this.manual > 0) return false;
          const next = this.clock.nextTime();
          if (next === undefined) return false;
          this.clock.advanceTo(next);
          return true;
        },
        () => this.manual > 0,
      );
    } finally {
      this.driving = false;
      // A call scheduled while we were finishing would otherwise wait for the next wake().
      if (this.clock.pendingCount > 0 && this.manual === 0) this.wake();
    }
  }

  /**
   * Apply the rule instant after instant: run what is due now and let it settle; once nothing
   * is due, call `whenSettled`, which moves time and returns true to go on, or returns false
   * to stop there. Resolves false as soon as `interrupted()` is true after a settling step.
   */
  private runInstants(whenSettled: () => boolean, interrupted: () => boolean): Promise<boolean> {
    if (this.settleTurns === 0) return this.runInstantsOnMicrotasks(whenSettled, interrupted);
    return this.runInstantsOnTurns(whenSettled, interrupted);
  }

  /** settleTurns > 0: macrotask turns between instants, as the rule says. */
  private async runInstantsOnTurns(
    whenSettled: () => boolean,
    interrupted: () => boolean,
  ): Promise<boolean> {
    for (;;) {
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
      if (!whenSettled()) return true;
    }
  }

  /**
   * settleTurns 0: between instants only microtasks and nextTicks settle, with a macrotask
   * turn every INSTANTS_BETWEEN_TURNS instants so I/O and timers still get a look. See
   * MicrotaskInstants.
   */
  private runInstantsOnMicrotasks(
    whenSettled: () => boolean,
    interrupted: () => boolean,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const run = new MicrotaskInstants(
        this,
        this.clock,
        whenSettled,
        interrupted,
        resolve,
        reject,
      );
      try {
        runDueThenHop(run);
      } catch (error) {
        reject(error);
      }
    });
  }

  /** @internal Count an instant; true when a macrotask turn is due before the next one. */
  turnDue(): boolean {
    if (++this.instantsWithoutTurn < INSTANTS_BETWEEN_TURNS) return false;
    this.instantsWithoutTurn = 0;
    return true;
  }

  /** Run everything scheduled up to `seconds` from now; time ends exactly there. */
  async advance(seconds: number): Promise<void> {
    if (!(seconds >= 0)) throw new RangeError(`advance() takes seconds >= 0, got ${seconds}.`);
    const target = this.clock.seconds() + seconds;
    await this.manually(async () => {
      await this.runInstants(() => {
        const next = this.clock.nextTime();
        if (next === undefined || next > target) return false;
        this.clock.advanceTo(next);
        return true;
      }, never);
      this.clock.advanceTo(target);
      await this.runInstants(() => false, never);
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
      await this.runInstants(() => {
        const next = this.clock.nextTime();
        if (next === undefined) return false;
        if (next > limit) {
          this.clock.advanceTo(limit);
          return false;
        }
        this.clock.advanceTo(next);
        return true;
      }, never);
    });
  }

  /**
   * Advance event by event until `awaitable` settles, and return its result. Fails with
   * VirtualTimeoutError once `timeout` virtual seconds passed, or when nothing is scheduled
   * any more and it has not settled (it never will).
   */
  async runUntil<T>(awaitable: Awaitable<T>, timeout: number): Promise<T> {
    if (typeof awaitable === 'function') {
      await this.runUntilSettled(awaitable, timeout);
      return undefined as T;
    }
    const outcome = watchOutcome(awaitable);
    await this.runUntilSettled(outcome.settled, timeout);
    return outcome.take();
  }

  private async runUntilSettled(settled: () => boolean, timeout: number): Promise<void> {
    const start = this.clock.seconds();
    const limit = start + timeout;
    await this.manually(async () => {
      if (settled()) return;
      let timedOut: VirtualTimeoutError | null = null;
      // runInstants() has just asked settled() (as `interrupted`) before each whenSettled.
      await this.runInstants(() => {
        const next = this.clock.nextTime();
        if (next === undefined) {
          timedOut = new VirtualTimeoutError(
            `runUntil(): nothing is scheduled at virtual time ${this.clock.seconds()} and the ` +
              `awaited result has not arrived, so it never will. Check that something sends it.`,
          );
          return false;
        }
        if (next > limit) {
          this.clock.advanceTo(limit);
          timedOut = new VirtualTimeoutError(
            `runUntil(): the awaited result did not arrive within ${timeout} virtual seconds ` +
              `(from ${start} to ${limit}). Pass a longer timeout if that is expected.`,
          );
          return false;
        }
        this.clock.advanceTo(next);
        return true;
      }, settled);
      if (timedOut !== null) throw timedOut;
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

/**
 * One runInstants() with settleTurns 0, driven by callbacks rather than an `await` per instant:
 * a big simulation has a hundred thousand instants, and a promise and an async resumption for
 * each add up. Due calls run in a microtask; the next step comes after two rounds of
 * nextTick → microtask, so the microtasks they queued (chains of any depth), the nextTicks those
 * queued, and the microtasks and nextTicks queued by these have all run.
 *
 * The steps are module functions taking this state, not closures made per run: V8 then keeps
 * one optimised version of each across the many runUntil() calls of a simulation.
 */
class MicrotaskInstants {
  /** A settled promise of this run: `then` on it is a plain microtask that receives the run. */
  readonly settled: Promise<MicrotaskInstants> = Promise.resolve(this);

  constructor(
    readonly driver: TimeDriver,
    readonly clock: VirtualClock,
    /** The current instant is settled: move time and return true, or false to stop. */
    readonly whenSettled: () => boolean,
    readonly interrupted: () => boolean,
    readonly resolve: (carriedOn: boolean) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

/** Run what is due (possibly nothing), then continue in `step` once it settled. */
function runDueThenHop(run: MicrotaskInstants): void {
  run.clock.runDue();
  process.nextTick(hop, run);
}

// Two rounds of nextTick → microtask: microtask chains of any depth run, then the nextTicks
// they queued, then the microtask chains those start, then their nextTicks. (A `then` on a
// settled promise is a plain microtask; queueMicrotask() would add an AsyncResource and a bound
// function to every hop.)
function hop(run: MicrotaskInstants): void {
  void run.settled.then(secondRound);
}

function secondRound(run: MicrotaskInstants): void {
  process.nextTick(lastHop, run);
}

function lastHop(run: MicrotaskInstants): void {
  void run.settled.then(step);
}

function step(run: MicrotaskInstants): void {
  try {
    if (run.interrupted()) {
      run.resolve(false);
    } else if (run.clock.hasDue()) {
      runDueThenHop(run);
    } else if (run.driver.turnDue()) {
      setImmediate(afterTurn, run);
    } else {
      nextInstant(run);
    }
  } catch (error) {
    run.reject(error);
  }
}

/** The current instant is settled: move on, or stop. */
function nextInstant(run: MicrotaskInstants): void {
  if (run.whenSettled()) runDueThenHop(run);
  else run.resolve(true);
}

/** Calls must run where microtasks follow them: after a turn, carry on from a microtask. */
function afterTurn(run: MicrotaskInstants): void {
  void run.settled.then(resumeAfterTurn);
}

function resumeAfterTurn(run: MicrotaskInstants): void {
  try {
    if (run.interrupted()) run.resolve(false);
    else if (run.clock.hasDue()) runDueThenHop(run);
    else nextInstant(run);
  } catch (error) {
    run.reject(error);
  }
}
