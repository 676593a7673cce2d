import { TwError } from './tw-error.js';

/** callback() or errback() was called on a Deferred that has already fired. */
export class AlreadyCalledError extends TwError {
  constructor(
    message = 'This Deferred has already been fired; callback/errback may be called once.',
  ) {
    super('TW_DEFER_ALREADY_CALLED', message);
  }
}

/** The Deferred was cancelled before it produced a result. */
export class CancelledError extends TwError {
  constructor(message = 'The Deferred was cancelled.') {
    super('TW_DEFER_CANCELLED', message);
  }
}

/** A Deferred given a timeout with addTimeout() did not fire in time. */
export class TimeoutError extends TwError {
  readonly seconds: number;

  constructor(seconds: number) {
    super('TW_DEFER_TIMEOUT', `The Deferred did not fire within ${seconds} seconds.`);
    this.seconds = seconds;
  }
}

/** A DeferredList or gatherResults member failed; `subFailure` is the member's failure. */
export class FirstError extends TwError {
  readonly subFailure: unknown;
  readonly index: number;

  constructor(subFailure: unknown, index: number) {
    super(
      'TW_DEFER_FIRST_ERROR',
      `Deferred number ${index} in the list failed: ${String(subFailure)}`,
      {
        cause: subFailure,
      },
    );
    this.subFailure = subFailure;
    this.index = index;
  }
}

/** A DeferredQueue hit its size or backlog limit. */
export class QueueOverflow extends TwError {
  constructor(message = 'The DeferredQueue is full.') {
    super('TW_DEFER_QUEUE_OVERFLOW', message);
  }
}

export class QueueUnderflow extends TwError {
  constructor(message = 'The DeferredQueue already has the maximum number of waiting consumers.') {
    super('TW_DEFER_QUEUE_UNDERFLOW', message);
  }
}

/** Every Deferred given to race() failed; `failures` holds their Failures, in input order. */
export class FailureGroup extends TwError {
  readonly failures: readonly unknown[];

  constructor(failures: readonly unknown[]) {
    super(
      'TW_DEFER_ALL_FAILED',
      failures.length === 0
        ? 'race() was given no Deferreds, so none could succeed; pass at least one.'
        : `All ${failures.length} Deferreds given to race() failed; see .failures for each reason.`,
    );
    this.failures = failures;
  }
}

/** release() was called on a DeferredLock or DeferredSemaphore that is not held. */
export class NotAcquiredError extends TwError {
  constructor(what: string) {
    super(
      'TW_DEFER_NOT_ACQUIRED',
      `release() was called on a ${what} that is not held; call it once per acquire().`,
    );
  }
}
