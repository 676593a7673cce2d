import type { Deferred } from '../defer/deferred.js';
import type { IStreamClientEndpoint, IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { IListeningPort, IReactorUNIX, UNIXListenOptions } from '../interfaces/reactor.js';
import { listenOrCannotListen } from './listen.js';
import { DEFAULT_BACKLOG, DEFAULT_CONNECT_TIMEOUT } from './tcp.js';
import { connectWithWrappingFactory } from './wrapping-factory.js';

export interface UNIXServerEndpointOptions {
  /** File mode of the socket (default 0o666, as in Twisted). */
  readonly mode?: number;
  /** Pending-connection queue length (default 50). */
  readonly backlog?: number;
  /**
   * Twisted's `wantPID`/`lockfile`: remove a stale socket file left by a dead process before
   * binding (default true). The reactor decides how it detects "stale".
   */
  readonly wantPID?: boolean;
}

export interface UNIXClientEndpointOptions {
  /** Seconds before the attempt fails with ConnectTimeoutError (default 30). */
  readonly timeout?: number;
}

/** Listens on a Unix domain socket at `path` (Twisted's UNIXServerEndpoint). */
export class UNIXServerEndpoint implements IStreamServerEndpoint {
  constructor(
    private readonly reactor: IReactorUNIX,
    readonly path: string,
    private readonly options: UNIXServerEndpointOptions = {},
  ) {}

  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    const options: UNIXListenOptions = {
      mode: this.options.mode ?? 0o666,
      backlog: this.options.backlog ?? DEFAULT_BACKLOG,
      wantPID: this.options.wantPID ?? true,
    };
    return listenOrCannotListen(`Unix socket ${this.path}`, () =>
      this.reactor.listenUNIX(this.path, factory, options),
    );
  }
}

/** Connects to a Unix domain socket at `path` (Twisted's UNIXClientEndpoint). */
export class UNIXClientEndpoint implements IStreamClientEndpoint {
  constructor(
    private readonly reactor: IReactorUNIX,
    readonly path: string,
    private readonly options: UNIXClientEndpointOptions = {},
  ) {}

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    const timeout = this.options.timeout ?? DEFAULT_CONNECT_TIMEOUT;
    return connectWithWrappingFactory(factory, (wrapping) =>
      this.reactor.connectUNIX(this.path, wrapping, { timeout }),
    );
  }
}
