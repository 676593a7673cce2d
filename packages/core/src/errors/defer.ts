import { TwError } from './tw-error.js';

/** callback() or errback() was called on a Deferred that has already fired. */
export class AlreadyCalledError extends TwError {
  constructor(message = 'This Deferred has already been fired; callback/errback may be called once.') {
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
    super('TW_DEFER_FIRST_ERROR', `Deferred number ${index} in the list failed: ${String(subFailure)}`, {
      cause: subFailure,
    });
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
