import type { Deferred } from '../defer/deferred.js';
import type { Address } from '../interfaces/address.js';
import type { IStreamClientEndpoint } from '../interfaces/endpoint.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';

/**
 * Connect `endpoint` and attach the already-built `protocol` to the connection (Twisted's
 * connectProtocol). Fires with `protocol` once its connectionMade() has run.
 *
 * @example
 * const client = await connectProtocol(clientFromString(reactor, 'tcp:host=localhost:port=6667'), new IRCClient());
 */
export function connectProtocol<P extends IProtocol>(
  endpoint: IStreamClientEndpoint,
  protocol: P,
): Deferred<P> {
  const oneShot: IProtocolFactory<P> = {
    buildProtocol: (_addr: Address) => protocol,
    doStart: () => {},
    doStop: () => {},
  };
  return endpoint.connect(oneShot);
}
