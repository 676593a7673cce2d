import type { Deferred } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import type { Address } from './address.js';
import type { ITransport } from './transport.js';

/**
 * The call grammar: makeConnection(transport) → connectionMade() → dataReceived(data)*
 * → connectionLost(reason). `reason` wraps ConnectionDone for a clean close, ConnectionLost
 * otherwise. A protocol never opens sockets: it meets its transport in makeConnection().
 */
export interface IProtocol {
  makeConnection(transport: ITransport): void;
  connectionMade(): void;
  dataReceived(data: Uint8Array): void;
  connectionLost(reason: Failure): void;
}

/** A protocol that wants to know when the peer half-closed (sent EOF) instead of being dropped. */
export interface IHalfCloseableProtocol extends IProtocol {
  /** The peer will send no more data; we may still write. */
  readConnectionLost(): void;
  /** Our writing side was shut down (after writeEOF). */
  writeConnectionLost(): void;
}

/** Builds one protocol per incoming or outgoing connection. */
export interface IProtocolFactory<P extends IProtocol = IProtocol> {
  /** Return the protocol for a new connection from/to `addr`, or null to refuse it. */
  buildProtocol(addr: Address): P | null;
  /** Called by ports/connectors as they start using the factory (counted; first call starts). */
  doStart(): void;
  /** Called as they stop using it (counted; last call stops). */
  doStop(): void;
}

/** What a connector (an outgoing connection attempt in progress) offers its factory. */
export interface IConnector {
  /** Abort the attempt; clientConnectionFailed follows with UserError. */
  stopConnecting(): void;
  /** Abort the attempt or drop the connection, whichever is current. */
  disconnect(): void;
  /** Try again (used by reconnecting factories). */
  connect(): void;
  getDestination(): Address;
}

export interface IClientFactory<P extends IProtocol = IProtocol> extends IProtocolFactory<P> {
  startedConnecting(connector: IConnector): void;
  clientConnectionFailed(connector: IConnector, reason: Failure): void;
  clientConnectionLost(connector: IConnector, reason: Failure): void;
}

/** Receives UDP datagrams; see DatagramProtocol. */
export interface IDatagramProtocol {
  makeConnection(transport: IUDPTransport): void;
  startProtocol(): void;
  stopProtocol(): void;
  datagramReceived(data: Uint8Array, addr: Address): void;
  /** ICMP port unreachable for a connected UDP socket. */
  connectionRefused(): void;
}

export interface IUDPTransport {
  /** Send one datagram; `addr` may be omitted on a connected port. */
  write(data: Uint8Array, addr?: { host: string; port: number }): void;
  /** Only talk to (and hear from) one peer. */
  connect(host: string, port: number): void;
  getHost(): Address;
  stopListening(): Deferred<void>;
  setBroadcastAllowed(enabled: boolean): void;
  /** The most bytes one datagram may carry when received; larger ones are truncated by the OS. */
  readonly maxPacketSize: number;
}

export interface IMulticastTransport extends IUDPTransport {
  joinGroup(address: string, iface?: string): void;
  leaveGroup(address: string, iface?: string): void;
  setTTL(ttl: number): void;
  setLoopbackMode(enabled: boolean): void;
  setOutgoingInterface(iface: string): void;
}
