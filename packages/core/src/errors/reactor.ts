import { TwError } from './tw-error.js';

/** stop() was called on a reactor that is not running (or is already stopping). */
export class ReactorNotRunning extends TwError {
  constructor(
    message = 'The reactor is not running: call run() before stop(), and stop() only once.',
  ) {
    super('TW_REACTOR_NOT_RUNNING', message);
  }
}

/** run() was called on a reactor that is already running. */
export class ReactorAlreadyRunning extends TwError {
  constructor(message = 'The reactor is already running: run() may be called once per start.') {
    super('TW_REACTOR_ALREADY_RUNNING', message);
  }
}
