import { onUnhandledFailure } from '../defer/unhandled.js';
import { Logger } from './logger.js';
import { globalLogPublisher, type LogPublisher } from './publisher.js';

/**
 * Log "Unhandled error in Deferred" reports (a Deferred collected while holding a Failure
 * nobody handled) at 'critical' in namespace 'tw.core.defer', with the traceback, instead of
 * the Deferred module's default console.error. Returns a function that stops routing.
 *
 * The `tw` command calls this once at start-up; a program with its own entry point should too.
 */
export function routeUnhandledFailuresToLog(
  publisher: LogPublisher = globalLogPublisher,
): () => void {
  const log = new Logger('tw.core.defer', publisher);
  return onUnhandledFailure((failure) => {
    log.failure('Unhandled error in Deferred', failure);
  });
}
