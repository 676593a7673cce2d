import { Deferred } from '../defer/deferred.js';
import { Failure } from '../defer/failure.js';
import type { IReactorTime } from '../interfaces/reactor.js';
import { isThenable, valueAsDeferred } from './as-deferred.js';
import type { TaskDone } from './errors.js';
import { NotPaused, SchedulerStopped, TaskFailed, TaskFinished, TaskStopped } from './errors.js';

/** Work for a Cooperator: each next() is one unit; a yielded Deferred/Promise pauses the task until it settles. */
export type CooperativeIterator = Iterator<unknown>;

/** Something to cancel: what a scheduler returns (an IDelayedCall is one). */
export interface ScheduledCall {
  cancel(): void;
}

/** Runs `tick` later: on the next reactor turn by default. */
export type CooperatorScheduler = (tick: () => void) => ScheduledCall;

/**
 * Made once per tick: returns a predicate that says when this tick has used its time slice and
 * must hand the thread back to I/O.
 */
export type TerminationPredicateFactory = () => () => boolean;

export interface CooperatorOptions {
  /** Replace the default "a 10 ms slice of wall-clock time" budget per tick. */
  readonly terminationPredicateFactory?: TerminationPredicateFactory;
  /** Replace the default scheduler, `reactor.callLater(0, tick)`. */
  readonly scheduler?: CooperatorScheduler;
  /** False: tasks queue up but nothing runs until start() (default true). */
  readonly started?: boolean;
}

/** How long one tick may run before yielding to I/O, in milliseconds (Twisted's _Timer). */
const TIME_SLICE_MS = 10;

const defaultTerminationPredicateFactory: TerminationPredicateFactory = () => {
  const end = performance.now() + TIME_SLICE_MS;
  return () => performance.now() >= end;
};

type Completion = { readonly reason: TaskDone; readonly result: unknown };

/**
 * One iterator being run by a Cooperator — Twisted's CooperativeTask. Pause, resume or stop it;
 * whenDone() fires with the iterator once it is exhausted, or fails with the error it threw,
 * with TaskStopped or with SchedulerStopped.
 */
export class CooperativeTask {
  private readonly iterator: CooperativeIterator;
  private readonly cooperator: Cooperator;
  private waiting: Deferred<unknown>[] = [];
  private pauseCount = 0;
  private completion: Completion | null = null;

  /** @internal Made by Cooperator.cooperate(). */
  constructor(iterator: CooperativeIterator, cooperator: Cooperator) {
    this.iterator = iterator;
    this.cooperator = cooperator;
    cooperator.addTask(this);
  }

  /** True once the task finished, failed or was stopped. */
  get done(): boolean {
    return this.completion !== null;
  }

  /** True while paused (by pause(), or while waiting on a yielded Deferred/Promise). */
  get paused(): boolean {
    return this.pauseCount > 0;
  }

  /**
   * A new Deferred that fires with the iterator when the task finishes, or fails with why it
   * did not (the iterator's error, TaskStopped, SchedulerStopped). Each call gets its own.
   */
  whenDone(): Deferred<CooperativeIterator> {
    const d = new Deferred<CooperativeIterator>();
    if (this.completion === null) this.waiting.push(d as Deferred<unknown>);
    else fire(d as Deferred<unknown>, this.completion.result);
    return d;
  }

  /** Stop running units until resume(); pauses nest. Throws the TaskDone reason when done. */
  pause(): void {
    this.throwIfDone();
    this.pauseCount++;
    if (this.pauseCount === 1) this.cooperator.removeTask(this);
  }

  /** Undo one pause(). Throws NotPaused when not paused. */
  resume(): void {
    if (this.pauseCount === 0) throw new NotPaused();
    this.pauseCount--;
    if (this.pauseCount === 0 && this.completion === null) this.cooperator.addTask(this);
  }

  /** End the task now: whenDone() fails with TaskStopped. Throws the TaskDone reason when done. */
  stop(): void {
    this.throwIfDone();
    this.completeWith(new TaskStopped(), new Failure(new TaskStopped()));
  }

  /** @internal Run one unit of work (one next() call). */
  oneWorkUnit(): void {
    let step: IteratorResult<unknown>;
    try {
      step = this.iterator.next();
    } catch (error) {
      this.completeWith(new TaskFailed(), Failure.from(error));
      return;
    }
    if (step.done === true) {
      this.completeWith(new TaskFinished(), this.iterator);
      return;
    }
    const value = step.value;
    if (value instanceof Deferred || isThenable(value)) {
      this.pause();
      valueAsDeferred(value).addCallbacks(
        () => {
          // stop() while waiting leaves the task done and paused; there is nothing to resume.
          if (this.completion === null) this.resume();
        },
        (failure: Failure) => {
          if (this.completion === null) this.completeWith(new TaskFailed(), failure);
        },
      );
    }
  }

  /** @internal End the task (used by the Cooperator when it stops). */
  completeWith(reason: TaskDone, result: unknown): void {
    this.completion = { reason, result };
    if (this.pauseCount === 0) this.cooperator.removeTask(this);
    const waiting = this.waiting;
    this.waiting = [];
    for (const d of waiting) fire(d, result);
  }

  private throwIfDone(): void {
    if (this.completion !== null) throw this.completion.reason;
  }
}

function fire(d: Deferred<unknown>, result: unknown): void {
  if (result instanceof Failure) d.errback(result);
  else d.callback(result);
}

/**
 * Runs many iterators side by side, a little of each in turn, without holding the thread for
 * long — Twisted's task.Cooperator. Each tick runs one unit (one next()) of each task in
 * round-robin order until its time slice is used, then schedules the next tick on the reactor,
 * so long computations interleave with I/O. A task whose iterator yields a Deferred or Promise
 * sits out until it settles.
 *
 * ```ts
 * const cooperator = new Cooperator(reactor);
 * await cooperator.coiterate(rows.values()[Symbol.iterator]()); // or any generator
 * ```
 */
export class Cooperator {
  private tasks: CooperativeTask[] = [];
  /** Tasks still to get a unit in the current round-robin round (carried across ticks). */
  private round: CooperativeTask[] = [];
  private readonly terminationPredicateFactory: TerminationPredicateFactory;
  private readonly scheduler: CooperatorScheduler;
  private scheduled: ScheduledCall | null = null;
  private started: boolean;
  private stopped = false;
  private mustScheduleOnStart = false;

  /** @param reactor schedules the ticks (`callLater(0, …)`) unless `options.scheduler` is given. */
  constructor(reactor: IReactorTime, options: CooperatorOptions = {}) {
    this.terminationPredicateFactory =
      options.terminationPredicateFactory ?? defaultTerminationPredicateFactory;
    this.scheduler = options.scheduler ?? ((tick) => reactor.callLater(0, tick));
    this.started = options.started ?? true;
  }

  /** True when started and not stopped. */
  get running(): boolean {
    return this.started && !this.stopped;
  }

  /** Run `iterator` to completion; the Deferred fires with the iterator when it is exhausted. */
  coiterate(iterator: CooperativeIterator | Iterable<unknown>): Deferred<CooperativeIterator> {
    return this.cooperate(iterator).whenDone();
  }

  /** Start running `iterator` and return the task, to pause, resume or stop it. */
  cooperate(iterator: CooperativeIterator | Iterable<unknown>): CooperativeTask {
    return new CooperativeTask(toIterator(iterator), this);
  }

  /** Start ticking (for a Cooperator made with `started: false`, or after stop()). */
  start(): void {
    this.stopped = false;
    this.started = true;
    if (this.mustScheduleOnStart) {
      this.mustScheduleOnStart = false;
      this.reschedule();
    }
  }

  /** Stop: every current task ends with SchedulerStopped, and so does any task added later until start(). */
  stop(): void {
    this.stopped = true;
    const tasks = this.tasks;
    this.tasks = [];
    this.round = [];
    for (const task of tasks)
      task.completeWith(new SchedulerStopped(), new Failure(new SchedulerStopped()));
    this.cancelScheduled();
  }

  /** @internal */
  addTask(task: CooperativeTask): void {
    if (this.stopped) {
      task.completeWith(new SchedulerStopped(), new Failure(new SchedulerStopped()));
      return;
    }
    this.tasks.push(task);
    this.reschedule();
  }

  /** @internal */
  removeTask(task: CooperativeTask): void {
    const index = this.tasks.indexOf(task);
    if (index >= 0) this.tasks.splice(index, 1);
    if (this.tasks.length === 0) this.cancelScheduled();
  }

  private tick(): void {
    this.scheduled = null;
    const timeIsUp = this.terminationPredicateFactory();
    ticking: while (this.tasks.length > 0) {
      while (this.round.length > 0) {
        const task = this.round.shift()!;
        // Tasks paused or finished since the round began sit it out.
        if (!this.tasks.includes(task)) continue;
        task.oneWorkUnit();
        if (timeIsUp()) break ticking;
      }
      this.round = [...this.tasks];
    }
    this.reschedule();
  }

  private reschedule(): void {
    if (!this.started) {
      this.mustScheduleOnStart = true;
      return;
    }
    if (this.scheduled === null && this.tasks.length > 0) {
      this.scheduled = this.scheduler(() => this.tick());
    }
  }

  private cancelScheduled(): void {
    if (this.scheduled === null) return;
    this.scheduled.cancel();
    this.scheduled = null;
  }
}

function toIterator(source: CooperativeIterator | Iterable<unknown>): CooperativeIterator {
  if (typeof (source as Partial<CooperativeIterator>).next === 'function')
    return source as CooperativeIterator;
  return (source as Iterable<unknown>)[Symbol.iterator]();
}

const cooperators = new WeakMap<IReactorTime, Cooperator>();

/** The Cooperator shared by coiterate()/cooperate() calls on `reactor` (made on first use). */
export function cooperatorFor(reactor: IReactorTime): Cooperator {
  let cooperator = cooperators.get(reactor);
  if (cooperator === undefined) {
    cooperator = new Cooperator(reactor);
    cooperators.set(reactor, cooperator);
  }
  return cooperator;
}

/** Run `iterator` on the reactor's shared Cooperator; fires with the iterator when exhausted. */
export function coiterate(
  reactor: IReactorTime,
  iterator: CooperativeIterator | Iterable<unknown>,
): Deferred<CooperativeIterator> {
  return cooperatorFor(reactor).coiterate(iterator);
}

/** Run `iterator` on the reactor's shared Cooperator and return the task. */
export function cooperate(
  reactor: IReactorTime,
  iterator: CooperativeIterator | Iterable<unknown>,
): CooperativeTask {
  return cooperatorFor(reactor).cooperate(iterator);
}
