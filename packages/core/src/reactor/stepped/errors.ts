import { TwError } from '../../errors/tw-error.js';

/**
 * iterate() was called from inside something iterate() is running (a timer, a protocol
 * callback, a trigger). A nested iterate would deliver events to a protocol that is still in
 * the middle of handling an earlier one, so it is refused instead of recursing.
 */
export class IterateReentryError extends TwError {
  constructor() {
    super(
      'TW_REACTOR_ITERATE_REENTERED',
      'SteppedReactor.iterate() was called from inside a callback that iterate() is running. ' +
        'Call iterate() only from your host loop (its tick, frame or idle handler); to run ' +
        'something after the current callback, use reactor.callLater(0, fn).',
    );
  }
}
