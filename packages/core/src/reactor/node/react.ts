import { Deferred } from '../../defer/deferred.js';
import type { Failure } from '../../defer/failure.js';
import { ReactorNotRunning } from '../../errors/reactor.js';
import { NodeReactor, type NodeReactorOptions } from './node-reactor.js';

/**
 * Twisted's task.react: create a NodeReactor, run it, call `main(reactor)` once it is running,
 * and stop the reactor when what main returned (a Deferred, a Promise or a plain value) settles.
 * `process.exitCode` becomes 0 on success, or 1 with the error printed to stderr. If the
 * reactor is stopped first (SIGINT/SIGTERM), the exit code stays 0.
 *
 * Returns a Deferred that fires once the reactor has stopped.
 *
 * @example
 * react(async (reactor) => {
 *   const port = await reactor.listenTCP(8080, new Factory(Echo));
 *   await new Promise(() => {}); // serve until SIGTERM
 * });
 */
export function react(
  main: (reactor: NodeReactor) => unknown,
  options: NodeReactorOptions = {},
): Deferred<void> {
  const reactor = new NodeReactor(options);
  let stopping = false;
  reactor.addSystemEventTrigger('before', 'shutdown', () => {
    stopping = true;
  });
  const finished = reactor.run().addCallback(() => undefined);
  process.exitCode = 0;
  reactor.callWhenRunning(() => {
    let outcome: Deferred<unknown>;
    try {
      const result = main(reactor);
      outcome = isThenable(result) ? Deferred.fromPromise(result) : Deferred.succeed(result);
    } catch (error) {
      outcome = Deferred.fail(error);
    }
    outcome.addCallbacks(
      () => undefined,
      (failure: Failure) => {
        console.error(`main() failed:\n${failure.getTraceback()}`);
        process.exitCode = 1;
      },
    );
    outcome.addBoth(() => {
      if (stopping) return;
      try {
        reactor.stop();
      } catch (error) {
        // Already stopping (a signal arrived in the same turn): nothing left to do.
        if (!(error instanceof ReactorNotRunning)) throw error;
      }
    });
  });
  return finished;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
