import * as net from 'node:net';
import * as tls from 'node:tls';

import { ipAddress } from '../../address/address.js';
import type { Deferred } from '../../defer/deferred.js';
import type { IClientFactory, IProtocolFactory } from '../../interfaces/protocol.js';
import type {
  IListeningPort,
  TCPConnectOptions,
  TCPListenOptions,
} from '../../interfaces/reactor.js';
import type { TLSOptions } from '../../interfaces/tls.js';
import { toNodeClientOptions, toNodeServerOptions } from '../../tls/node-tls.js';
import { Connector, type Dialer } from './connector.js';
import type { ReactorServices } from './open-resources.js';
import { StreamPort } from './stream-port.js';

/** Twisted's default: give up on a connection attempt after 30 seconds. */
export const DEFAULT_CONNECT_TIMEOUT = 30;
const DEFAULT_INTERFACE = '0.0.0.0';

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function listenOn(
  services: ReactorServices,
  server: net.Server,
  connectionEvent: 'connection' | 'secureConnection',
  port: number,
  factory: IProtocolFactory,
  options: TCPListenOptions,
  what: string,
): Deferred<IListeningPort> {
  const host = options.interface ?? DEFAULT_INTERFACE;
  const streamPort = new StreamPort(services, {
    server,
    factory,
    kind: 'TCP',
    connectionEvent,
    description: `${what} port ${port} on ${host}`,
  });
  const args: { port: number; host: string; backlog?: number } = { port, host };
  if (options.backlog !== undefined) args.backlog = options.backlog;
  return streamPort.listen(args) as Deferred<IListeningPort>;
}

/**
 * listenTCP: a net.Server that accepts half-open connections (for IHalfCloseableProtocol).
 * Nagle's algorithm is off on every TCP socket we make (as node:http does): transports already
 * gather a turn's writes into one send, and Nagle plus the peer's delayed ACK would hold back a
 * request/reply protocol's small replies by ~40 ms.
 */
export function listenTCP(
  services: ReactorServices,
  port: number,
  factory: IProtocolFactory,
  options: TCPListenOptions = {},
): Deferred<IListeningPort> {
  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  return listenOn(services, server, 'connection', port, factory, options, 'TCP');
}

/**
 * listenTLS: the protocol is handed its transport once the TLS handshake has completed, so
 * getPeerCertificate() and getNegotiatedProtocol() already answer in connectionMade().
 */
export function listenTLS(
  services: ReactorServices,
  port: number,
  factory: IProtocolFactory,
  tlsOptions: TLSOptions,
  options: TCPListenOptions = {},
): Deferred<IListeningPort> {
  const server = tls.createServer({
    ...toNodeServerOptions(tlsOptions),
    allowHalfOpen: true,
    noDelay: true,
  });
  // A client that fails the handshake never reaches the factory; that is not our error to log.
  server.on('tlsClientError', () => {});
  return listenOn(services, server, 'secureConnection', port, factory, options, 'TLS');
}

function connectWith(
  services: ReactorServices,
  host: string,
  port: number,
  factory: IClientFactory,
  options: TCPConnectOptions,
  dial: Dialer,
  peerHostName: string,
): Connector {
  const connector = new Connector(services, {
    factory,
    destination: ipAddress('TCP', host, port),
    kind: 'TCP',
    timeout: options.timeout ?? DEFAULT_CONNECT_TIMEOUT,
    dial,
    description: hostPort(host, port),
    peerHostName,
  });
  connector.connect();
  return connector;
}

function socketOptions(
  host: string,
  port: number,
  options: TCPConnectOptions,
): net.TcpNetConnectOpts {
  const connectOptions: net.TcpNetConnectOpts = { host, port, allowHalfOpen: true, noDelay: true };
  if (options.bindAddress !== undefined) {
    connectOptions.localAddress = options.bindAddress.host;
    if (options.bindAddress.port !== undefined) connectOptions.localPort = options.bindAddress.port;
  }
  return connectOptions;
}

export function connectTCP(
  services: ReactorServices,
  host: string,
  port: number,
  factory: IClientFactory,
  options: TCPConnectOptions = {},
): Connector {
  const dial: Dialer = () => ({
    socket: net.connect(socketOptions(host, port, options)),
    readyEvent: 'connect',
  });
  return connectWith(services, host, port, factory, options, dial, host);
}

/**
 * connectTLS: like connectTCP, but the protocol meets the connection after the handshake
 * ('secureConnect'); a certificate that does not verify fails the attempt with a ConnectError
 * whose cause is Node's TLS error. The timeout covers the handshake too.
 */
export function connectTLS(
  services: ReactorServices,
  host: string,
  port: number,
  factory: IClientFactory,
  tlsOptions: TLSOptions,
  options: TCPConnectOptions = {},
): Connector {
  const dial: Dialer = () => ({
    socket: tls.connect({
      ...toNodeClientOptions(tlsOptions, host),
      ...socketOptions(host, port, options),
    }),
    readyEvent: 'secureConnect',
  });
  return connectWith(services, host, port, factory, options, dial, host);
}
