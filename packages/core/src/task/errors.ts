import { TwError } from '../errors/tw-error.js';

/** LoopingCall.start() was called on a LoopingCall that is already running. */
export class LoopingCallAlreadyRunning extends TwError {
  constructor() {
    super(
      'TW_TASK_ALREADY_RUNNING',
      'This LoopingCall is already running: call stop() before start() again, or check `running` first.',
    );
  }
}

/** LoopingCall.stop() or reset() was called on a LoopingCall that is not running. */
export class LoopingCallNotRunning extends TwError {
  constructor(method: 'stop' | 'reset') {
    super(
      'TW_TASK_NOT_RUNNING',
      `LoopingCall.${method}() was called, but the LoopingCall is not running: start() it first, or check \`running\`.`,
    );
  }
}

/** An interval that is negative or not a finite number was given to LoopingCall.start(). */
export class InvalidLoopingInterval extends TwError {
  constructor(interval: number) {
    super(
      'TW_TASK_INVALID_INTERVAL',
      `LoopingCall.start() needs a finite interval >= 0 seconds, got ${String(interval)}.`,
    );
  }
}

/**
 * The reason a CooperativeTask is no longer running. `whenDone()` Deferreds fire with the
 * iterator when it finished, and fail with one of the subclasses otherwise; pause()/stop() on a
 * task that is done throw the subclass that says why.
 */
export class TaskDone extends TwError {
  constructor(code = 'TW_TASK_DONE', message = 'The cooperative task is no longer running.') {
    super(code, message);
  }
}

/** The task's iterator ran to its end. */
export class TaskFinished extends TaskDone {
  constructor() {
    super(
      'TW_TASK_FINISHED',
      'The cooperative task has already finished: its iterator is exhausted.',
    );
  }
}

/** The task's iterator threw, or a Deferred/Promise it yielded failed. */
export class TaskFailed extends TaskDone {
  constructor() {
    super(
      'TW_TASK_FAILED',
      'The cooperative task has already failed; see the failure its whenDone() fired with.',
    );
  }
}

/** stop() was called on the task. */
export class TaskStopped extends TaskDone {
  constructor() {
    super('TW_TASK_STOPPED', 'The cooperative task was stopped with stop().');
  }
}

/** The Cooperator running the task was stopped (Cooperator.stop()); its tasks end with this. */
export class SchedulerStopped extends TaskDone {
  constructor() {
    super(
      'TW_TASK_SCHEDULER_STOPPED',
      'The Cooperator running this task was stopped; start() it again or use another Cooperator.',
    );
  }
}

/** resume() was called on a CooperativeTask that is not paused. */
export class NotPaused extends TwError {
  constructor() {
    super(
      'TW_TASK_NOT_PAUSED',
      'resume() was called on a cooperative task that is not paused: pair each resume() with a pause().',
    );
  }
}

/** Thrown by cancel()/reset()/delay() on a call that already ran. */
export class AlreadyCalled extends Error {
  constructor() {
    super('This delayed call has already run.');
  }
}

/** Thrown by cancel()/reset()/delay() on a call that was cancelled. */
export class AlreadyCancelled extends Error {
  constructor() {
    super('This delayed call was already cancelled.');
  }
}
