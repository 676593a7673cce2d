import type { Address } from '../interfaces/address.js';
import type { IProtocolFactory } from '../interfaces/protocol.js';
import type { IDelayedCall, IReactorTime } from '../interfaces/reactor.js';
import type { ITransport } from '../interfaces/transport.js';
import type { Failure } from '../defer/failure.js';
import { ProxyHeaderTimeout, type InvalidProxyHeader } from './errors.js';
import type { ProxyHeader } from './proxy-protocol-header.js';
import { ProxyHeaderParser, type ProxyProtocolVersions } from './proxy-protocol-parser.js';
import { ProtocolWrapper, WrappingFactory } from './wrapping-factory.js';

export interface ProxyProtocolOptions {
  /** The reactor (or Clock) that times the header. */
  readonly clock: IReactorTime;
  /** Which header versions are accepted. Default 'both'. */
  readonly versions?: ProxyProtocolVersions;
  /** Seconds the whole header may take to arrive; null for no limit. Default 10. */
  readonly timeout?: number | null;
  /** The largest v2 header accepted, TLVs included. Default 4096 (v1 is 107 by the spec). */
  readonly maxHeaderBytes?: number;
  /** Told about each connection dropped for a missing, malformed or late header (for logs). */
  readonly onRejected?: (error: InvalidProxyHeader | ProxyHeaderTimeout, peer: Address) => void;
}

type WrapperState = 'reading-header' | 'relaying' | 'rejected';

/**
 * Reads the PROXY protocol header at the start of a connection, then builds the wrapped
 * factory's protocol *for the client's real address* and relays the rest of the stream to it.
 * As the wrapped protocol's transport, `getPeer()` returns the client address the proxy reported
 * and `getHost()` the address the client connected to (the connection's own addresses when the
 * header has none: v1 UNKNOWN, v2 LOCAL or AF_UNSPEC). Built by ProxyProtocolWrappingFactory.
 */
export class ProxyProtocolWrapper extends ProtocolWrapper {
  /** The header, once it has arrived. */
  proxyHeader: ProxyHeader | null = null;
  private state: WrapperState = 'reading-header';
  private readonly parser: ProxyHeaderParser;
  private readonly options: ProxyProtocolOptions;
  private headerTimer: IDelayedCall | null = null;
  private peer: Address | null = null;
  private host: Address | null = null;

  constructor(factory: ProxyProtocolWrappingFactory) {
    super(factory, null);
    this.options = factory.options;
    this.parser = new ProxyHeaderParser({
      versions: factory.options.versions ?? 'both',
      maxHeaderBytes: factory.options.maxHeaderBytes ?? 4096,
    });
  }

  override makeConnection(transport: ITransport): void {
    super.makeConnection(transport);
    const timeout = this.options.timeout === undefined ? 10 : this.options.timeout;
    if (timeout !== null && this.state === 'reading-header') {
      this.headerTimer = this.options.clock.callLater(timeout, () => {
        this.headerTimer = null;
        this.reject(new ProxyHeaderTimeout(timeout));
      });
    }
  }

  override dataReceived(data: Uint8Array): void {
    if (this.state === 'relaying') {
      super.dataReceived(data);
      return;
    }
    if (this.state === 'rejected') return;
    const event = this.parser.feed(data);
    switch (event.type) {
      case 'incomplete':
        return;
      case 'error':
        this.reject(event.error);
        return;
      case 'header':
        this.accept(event.header, event.rest);
        return;
    }
  }

  override connectionLost(reason: Failure): void {
    this.cancelHeaderTimer();
    super.connectionLost(reason);
  }

  override getPeer(): Address {
    return this.peer ?? this.transport.getPeer();
  }

  override getHost(): Address {
    return this.host ?? this.transport.getHost();
  }

  private accept(header: ProxyHeader, rest: Uint8Array): void {
    this.cancelHeaderTimer();
    this.proxyHeader = header;
    this.peer = header.source;
    this.host = header.destination;
    this.state = 'relaying';
    const wrapped = this.wrappingFactory.wrappedFactory.buildProtocol(this.getPeer());
    if (wrapped === null) {
      // Refused by the wrapped factory (a per-peer limit, say): close as a port would.
      this.state = 'rejected';
      this.transport.loseConnection();
      return;
    }
    this.wrappedProtocol = wrapped;
    wrapped.makeConnection(this);
    if (rest.byteLength > 0 && !this.disconnecting) wrapped.dataReceived(rest);
  }

  private reject(error: InvalidProxyHeader | ProxyHeaderTimeout): void {
    this.cancelHeaderTimer();
    this.state = 'rejected';
    this.options.onRejected?.(error, this.transport.getPeer());
    this.transport.loseConnection();
  }

  private cancelHeaderTimer(): void {
    if (this.headerTimer !== null && this.headerTimer.active()) this.headerTimer.cancel();
    this.headerTimer = null;
  }
}

/**
 * Lets a server run behind HAProxy or a cloud load balancer that speaks the PROXY protocol
 * (v1 and/or v2) and still see each client's real address. Every connection must start with a
 * header; one that is missing, malformed, larger than `maxHeaderBytes` or later than `timeout`
 * closes the connection before the wrapped factory sees it. Data after the header, even in the
 * same chunk, goes to the wrapped protocol.
 *
 * ```ts
 * const factory = new ProxyProtocolWrappingFactory(
 *   new LimitConnectionsByPeer(myFactory), // limits apply to the real client addresses
 *   { clock: reactor, versions: 'v2' },
 * );
 * ```
 *
 * Only put this on a port that nothing but the proxy can reach: whoever connects can claim any
 * address in the header.
 */
export class ProxyProtocolWrappingFactory extends WrappingFactory {
  readonly options: ProxyProtocolOptions;

  constructor(wrappedFactory: IProtocolFactory, options: ProxyProtocolOptions) {
    super(wrappedFactory);
    this.options = options;
  }

  /** The wrapped protocol is built later, once the header names the client. */
  override buildProtocol(_addr: Address): ProxyProtocolWrapper {
    return new ProxyProtocolWrapper(this);
  }
}

/**
 * The PROXY header of the connection under `transport` (seen through any wrappers), or null when
 * the connection did not come through a ProxyProtocolWrappingFactory. Use it to read v2 TLVs.
 */
export function getProxyHeader(transport: ITransport): ProxyHeader | null {
  let current: ITransport = transport;
  for (let depth = 0; depth < 64 && current instanceof ProtocolWrapper; depth++) {
    if (current instanceof ProxyProtocolWrapper) return current.proxyHeader;
    if (!current.hasTransport) return null;
    current = current.transport;
  }
  return null;
}
