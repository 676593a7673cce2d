import type { Deferred } from '../defer/deferred.js';
import type { IStreamClientEndpoint, IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { IListeningPort, IReactorTLS } from '../interfaces/reactor.js';
import type { TLSOptions } from '../interfaces/tls.js';
import { listenOrCannotListen } from './listen.js';
import {
  tcpConnectOptions,
  tcpListenOptions,
  type TCPClientEndpointOptions,
  type TCPServerEndpointOptions,
} from './tcp.js';
import { connectWithWrappingFactory } from './wrapping-factory.js';

/**
 * Listens for TLS connections on a TCP port (Twisted's SSL4ServerEndpoint). `tls` carries the
 * certificate (`credentials`), SNI certificates, and client-certificate policy. The default
 * interface is '0.0.0.0'; pass `interface: '::'` for IPv6.
 */
export class TLSServerEndpoint implements IStreamServerEndpoint {
  constructor(
    private readonly reactor: IReactorTLS,
    readonly port: number,
    readonly tls: TLSOptions,
    private readonly options: TCPServerEndpointOptions = {},
  ) {}

  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    const options = tcpListenOptions(this.options, '0.0.0.0');
    return listenOrCannotListen(`TLS port ${this.port} on ${options.interface}`, () =>
      this.reactor.listenTLS(this.port, factory, this.tls, options),
    );
  }
}

/**
 * Connects with TLS over TCP (Twisted's SSL4ClientEndpoint). The connect() Deferred fires once
 * the protocol's connectionMade() ran — when the reactor hands the transport over, which for
 * the Node reactor is after the handshake and certificate verification.
 * The certificate is checked against `tls.serverName`, else `host`.
 */
export class TLSClientEndpoint implements IStreamClientEndpoint {
  constructor(
    private readonly reactor: IReactorTLS,
    readonly host: string,
    readonly port: number,
    readonly tls: TLSOptions = {},
    private readonly options: TCPClientEndpointOptions = {},
  ) {}

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    return connectWithWrappingFactory(factory, (wrapping) =>
      this.reactor.connectTLS(
        this.host,
        this.port,
        wrapping,
        this.tls,
        tcpConnectOptions(this.options),
      ),
    );
  }
}
