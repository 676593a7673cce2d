import type { Deferred } from '../defer/deferred.js';
import type { IProtocol, IProtocolFactory } from './protocol.js';
import type { IListeningPort } from './reactor.js';

/** Where to listen, independent of how: made by serverFromString() or constructed directly. */
export interface IStreamServerEndpoint {
  listen(factory: IProtocolFactory): Deferred<IListeningPort>;
}

/** Where to connect: fires with the connected protocol once connectionMade() has run. */
export interface IStreamClientEndpoint {
  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P>;
}
