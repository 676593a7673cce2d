import { Deferred } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import { maybeDeferred } from '../defer/helpers.js';
import type { IReactorCore } from '../interfaces/reactor.js';
import type { IService } from '../interfaces/service.js';

/**
 * Run `service` for as long as `reactor` runs — what `tw` does with the service a plugin
 * makes (Twisted's startApplication): once the reactor is running, privilegedStartService()
 * then startService(); on shutdown, a 'before' trigger returns stopService()'s Deferred, so
 * the reactor waits for ports to close and connections to end before it stops. That is how a
 * SIGTERM or SIGINT stops the program cleanly.
 *
 * Returns a Deferred that fires once the service has started, or fails with the reason it did
 * not (a port that could not be bound): the place to decide to exit with an error.
 *
 * ```ts
 * const reactor = new NodeReactor();
 * runService(reactor, root).addErrback((failure) => { console.error(failure.getErrorMessage()); reactor.stop(); });
 * await reactor.run();
 * ```
 */
export function runService(reactor: IReactorCore, service: IService): Deferred<void> {
  const started = new Deferred<void>();
  reactor.addSystemEventTrigger('before', 'shutdown', () =>
    service.running ? service.stopService() : undefined,
  );
  reactor.callWhenRunning(() => {
    maybeDeferred(() => {
      service.privilegedStartService?.();
      return service.startService();
    }).addCallbacks(
      () => started.callback(undefined),
      (failure: Failure) => started.errback(failure),
    );
  });
  return started;
}
