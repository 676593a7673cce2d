import { Deferred } from '../../defer/deferred.js';
import type { Failure } from '../../defer/failure.js';
import type { RunQueue } from './run-queue.js';

/**
 * A Deferred that fires, inside iterate(), with what `source` fires with. Node machinery fires
 * its Deferreds from socket and DNS callbacks; the application's callbacks must not run there.
 */
export function relayDeferred<T>(queue: RunQueue, source: Deferred<T>): Deferred<T> {
  const relayed = new Deferred<T>();
  source.addCallbacks(
    (value: T) => {
      queue.dispatch(() => relayed.callback(value));
    },
    (failure: Failure) => {
      queue.dispatch(() => relayed.errback(failure));
    },
  );
  return relayed;
}
