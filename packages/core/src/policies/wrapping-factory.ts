import type { Failure } from '../defer/failure.js';
import type { Address } from '../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../interfaces/producer.js';
import type { IConnector, IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { ITransport } from '../interfaces/transport.js';
import { ClientFactory } from '../protocol/factory.js';
import { Protocol } from '../protocol/protocol.js';

/**
 * The optional transport capabilities a wrapper relays when (and only when) its own transport
 * has them, so capability checks such as `isTLSTransport(wrapper)` see through the wrapper.
 */
const RELAYED_CAPABILITIES = [
  'startTLS',
  'writeEOF',
  'getPeerCertificate',
  'getNegotiatedProtocol',
] as const;

/**
 * A protocol that sits between a transport and another protocol (Twisted's
 * `policies.ProtocolWrapper`): to the transport it is the protocol, to the wrapped protocol it is
 * the transport. Every call is passed through; subclasses override the ones they police
 * (dataReceived to watch input, getPeer/getHost to report other addresses, …).
 */
export class ProtocolWrapper extends Protocol implements ITransport {
  /**
   * The protocol being wrapped. Null only while a subclass has not built it yet
   * (ProxyProtocolWrapper builds it once the PROXY header has named the real peer).
   */
  wrappedProtocol: IProtocol | null;
  readonly wrappingFactory: WrappingFactory;
  private closeRequested = false;

  constructor(factory: WrappingFactory, wrappedProtocol: IProtocol | null) {
    super();
    this.wrappingFactory = factory;
    this.factory = factory;
    this.wrappedProtocol = wrappedProtocol;
  }

  override makeConnection(transport: ITransport): void {
    this.relayCapabilities(transport);
    super.makeConnection(transport);
    this.wrappingFactory.registerProtocol(this);
    this.wrappedProtocol?.makeConnection(this);
  }

  // ── protocol side: what the transport calls ──

  override dataReceived(data: Uint8Array): void {
    this.wrappedProtocol?.dataReceived(data);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.wrappingFactory.unregisterProtocol(this);
    this.wrappedProtocol?.connectionLost(reason);
  }

  // ── transport side: what the wrapped protocol calls ──

  get disconnecting(): boolean {
    return this.closeRequested || (this.hasTransport && this.transport.disconnecting);
  }

  write(data: Uint8Array): void {
    this.transport.write(data);
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    this.transport.writeSequence(chunks);
  }

  loseConnection(): void {
    this.closeRequested = true;
    this.transport.loseConnection();
  }

  abortConnection(): void {
    this.closeRequested = true;
    this.transport.abortConnection();
  }

  getPeer(): Address {
    return this.transport.getPeer();
  }

  getHost(): Address {
    return this.transport.getHost();
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    this.transport.registerProducer(producer, streaming);
  }

  unregisterProducer(): void {
    this.transport.unregisterProducer();
  }

  pauseProducing(): void {
    this.transport.pauseProducing();
  }

  resumeProducing(): void {
    this.transport.resumeProducing();
  }

  stopProducing(): void {
    this.transport.stopProducing();
  }

  private relayCapabilities(transport: ITransport): void {
    const source = transport as unknown as Record<string, unknown>;
    const self = this as unknown as Record<string, unknown>;
    for (const name of RELAYED_CAPABILITIES) {
      if (typeof source[name] === 'function') {
        self[name] = (...args: unknown[]) =>
          (source[name] as (...a: unknown[]) => unknown).apply(transport, args);
      }
    }
    if ('tlsEstablished' in transport) {
      Object.defineProperty(this, 'tlsEstablished', {
        configurable: true,
        get: () => (transport as { tlsEstablished: boolean }).tlsEstablished,
      });
    }
  }
}

/** A factory that may or may not have the client-side callbacks. */
type MaybeClientFactory = IProtocolFactory & {
  startedConnecting?(connector: IConnector): void;
  clientConnectionFailed?(connector: IConnector, reason: Failure): void;
  clientConnectionLost?(connector: IConnector, reason: Failure): void;
};

/**
 * Wraps every protocol another factory builds in a ProtocolWrapper (Twisted's
 * `policies.WrappingFactory`). Start/stop and client callbacks are passed to the wrapped factory.
 * The base of the policies: TimeoutFactory, LimitConnectionsByPeer,
 * LimitTotalConnectionsFactory, ProxyProtocolWrappingFactory.
 *
 * Subclasses change the wrapper by overriding `wrapProtocol()`, or refuse a connection by
 * returning null from `buildProtocol()`.
 */
export class WrappingFactory extends ClientFactory<ProtocolWrapper> {
  readonly wrappedFactory: IProtocolFactory;
  /** The wrappers whose connection is open. */
  readonly protocols = new Set<ProtocolWrapper>();

  constructor(wrappedFactory: IProtocolFactory) {
    super();
    this.wrappedFactory = wrappedFactory;
  }

  override doStart(): void {
    this.wrappedFactory.doStart();
    super.doStart();
  }

  override doStop(): void {
    this.wrappedFactory.doStop();
    super.doStop();
  }

  override startedConnecting(connector: IConnector): void {
    (this.wrappedFactory as MaybeClientFactory).startedConnecting?.(connector);
  }

  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as MaybeClientFactory).clientConnectionFailed?.(connector, reason);
  }

  override clientConnectionLost(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as MaybeClientFactory).clientConnectionLost?.(connector, reason);
  }

  /** Build the wrapped factory's protocol for `addr` and wrap it; null if that factory refuses. */
  override buildProtocol(addr: Address): ProtocolWrapper | null {
    const wrapped = this.wrappedFactory.buildProtocol(addr);
    return wrapped === null ? null : this.wrapProtocol(wrapped);
  }

  /** Make the wrapper for `wrapped`. Override to use a ProtocolWrapper subclass. */
  protected wrapProtocol(wrapped: IProtocol): ProtocolWrapper {
    return new ProtocolWrapper(this, wrapped);
  }

  /** Called by a wrapper once its connection is made. */
  registerProtocol(protocol: ProtocolWrapper): void {
    this.protocols.add(protocol);
  }

  /** Called by a wrapper once its connection is lost. */
  unregisterProtocol(protocol: ProtocolWrapper): void {
    this.protocols.delete(protocol);
  }
}
