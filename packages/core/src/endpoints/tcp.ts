import { Deferred } from '../defer/deferred.js';
import { DNSLookupError } from '../errors/connection.js';
import type { IStreamClientEndpoint, IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type {
  IListeningPort,
  IReactorPluggableResolver,
  IReactorTCP,
  TCPConnectOptions,
  TCPListenOptions,
} from '../interfaces/reactor.js';
import { isIPv6Literal } from './ip-literal.js';
import { listenOrCannotListen } from './listen.js';
import { connectWithWrappingFactory } from './wrapping-factory.js';

/** Options of the TCP (and TLS) server endpoints, as Twisted names them. */
export interface TCPServerEndpointOptions {
  /** Pending-connection queue length (default 50, as in Twisted). */
  readonly backlog?: number;
  /** The local address to bind; default all addresses of the family ('0.0.0.0' or '::'). */
  readonly interface?: string;
}

/** Options of the TCP (and TLS) client endpoints. */
export interface TCPClientEndpointOptions {
  /** Seconds before the attempt fails with ConnectTimeoutError (default 30). */
  readonly timeout?: number;
  /** Local address (and optionally port) to connect from. */
  readonly bindAddress?: { readonly host: string; readonly port?: number };
}

export const DEFAULT_BACKLOG = 50;
export const DEFAULT_CONNECT_TIMEOUT = 30;

/** The reactor options for listenTCP/listenTLS. */
export function tcpListenOptions(
  options: TCPServerEndpointOptions,
  defaultInterface: string,
): TCPListenOptions {
  const iface =
    options.interface === undefined || options.interface === ''
      ? defaultInterface
      : options.interface;
  return { interface: iface, backlog: options.backlog ?? DEFAULT_BACKLOG };
}

/** The reactor options for connectTCP/connectTLS. */
export function tcpConnectOptions(options: TCPClientEndpointOptions): TCPConnectOptions {
  const timeout = options.timeout ?? DEFAULT_CONNECT_TIMEOUT;
  return options.bindAddress === undefined
    ? { timeout }
    : { timeout, bindAddress: options.bindAddress };
}

/** Listens on a TCP port over IPv4 (Twisted's TCP4ServerEndpoint). */
export class TCP4ServerEndpoint implements IStreamServerEndpoint {
  constructor(
    private readonly reactor: IReactorTCP,
    readonly port: number,
    private readonly options: TCPServerEndpointOptions = {},
  ) {}

  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    const options = tcpListenOptions(this.options, '0.0.0.0');
    return listenOrCannotListen(`TCP port ${this.port} on ${options.interface}`, () =>
      this.reactor.listenTCP(this.port, factory, options),
    );
  }
}

/** Listens on a TCP port over IPv6 (Twisted's TCP6ServerEndpoint); default interface '::'. */
export class TCP6ServerEndpoint implements IStreamServerEndpoint {
  constructor(
    private readonly reactor: IReactorTCP,
    readonly port: number,
    private readonly options: TCPServerEndpointOptions = {},
  ) {}

  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    const options = tcpListenOptions(this.options, '::');
    return listenOrCannotListen(`TCP port ${this.port} on ${options.interface}`, () =>
      this.reactor.listenTCP(this.port, factory, options),
    );
  }
}

/**
 * Connects over TCP to an IPv4 address, or to a host name the reactor resolves itself
 * (Twisted's TCP4ClientEndpoint). For names with both IPv4 and IPv6 addresses prefer
 * HostnameEndpoint.
 */
export class TCP4ClientEndpoint implements IStreamClientEndpoint {
  constructor(
    private readonly reactor: IReactorTCP,
    readonly host: string,
    readonly port: number,
    private readonly options: TCPClientEndpointOptions = {},
  ) {}

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    return connectWithWrappingFactory(factory, (wrapping) =>
      this.reactor.connectTCP(this.host, this.port, wrapping, tcpConnectOptions(this.options)),
    );
  }
}

/**
 * Connects over TCP to an IPv6 address (Twisted's TCP6ClientEndpoint). A host name is resolved
 * with the reactor's resolver and the first IPv6 address is used; DNSLookupError when it has none.
 */
export class TCP6ClientEndpoint implements IStreamClientEndpoint {
  constructor(
    private readonly reactor: IReactorTCP & Partial<IReactorPluggableResolver>,
    readonly host: string,
    readonly port: number,
    private readonly options: TCPClientEndpointOptions = {},
  ) {}

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    const connectTo = (address: string): Deferred<P> =>
      connectWithWrappingFactory(factory, (wrapping) =>
        this.reactor.connectTCP(address, this.port, wrapping, tcpConnectOptions(this.options)),
      );
    if (isIPv6Literal(this.host)) return connectTo(this.host);
    const resolver = this.reactor.resolver;
    if (resolver === undefined) {
      return Deferred.fail(
        new DNSLookupError(
          `Cannot resolve ${JSON.stringify(this.host)} to an IPv6 address: the reactor has no resolver. ` +
            `Pass an IPv6 literal, or a reactor that provides one.`,
        ),
      );
    }
    return resolver.resolveHostName(this.host, this.port).addCallback((addresses) => {
      const first = addresses.find((address) => address.family === 'IPv6');
      if (first === undefined) {
        throw new DNSLookupError(`${JSON.stringify(this.host)} has no IPv6 address.`);
      }
      return connectTo(first.host);
    });
  }
}
