import { Deferred } from '../defer/deferred.js';
import { CannotListenError } from '../errors/connection.js';
import type { IListeningPort } from '../interfaces/reactor.js';

/**
 * Run a reactor listen call for a server endpoint and make every failure a CannotListenError
 * (a reactor that throws synchronously, or errbacks with an OS error such as EADDRINUSE).
 * `where` names the port or path for the message.
 */
export function listenOrCannotListen(
  where: string,
  listen: () => Deferred<IListeningPort>,
): Deferred<IListeningPort> {
  let listening: Deferred<IListeningPort>;
  try {
    listening = listen();
  } catch (error) {
    return Deferred.fail(asCannotListen(where, error));
  }
  return listening.addErrback((failure): IListeningPort => {
    throw asCannotListen(where, failure.value);
  });
}

function asCannotListen(where: string, error: unknown): CannotListenError {
  if (error instanceof CannotListenError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new CannotListenError(
    `Could not listen on ${where}: ${reason}. Check that nothing else is using it and that this process may bind it.`,
    { cause: error },
  );
}
