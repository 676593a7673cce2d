import type { Address } from '../interfaces/address.js';
import type { IProtocolFactory } from '../interfaces/protocol.js';
import { formatAddress } from '../address/address.js';
import { refuseConnection, type RefusalMessage } from './refused-connection.js';
import { ProtocolWrapper, WrappingFactory } from './wrapping-factory.js';

export interface LimitConnectionsByPeerOptions {
  /** The most connections open at once from one peer. Default 5 (as in Twisted). */
  readonly maxConnectionsPerPeer?: number;
  /** Sent to a refused connection before it is closed; default: closed without a word. */
  readonly refusalMessage?: RefusalMessage;
  /**
   * What counts as "one peer". Default: the IP address (an IPv4-mapped IPv6 address counts as
   * its IPv4 address), the socket path for Unix sockets. Return e.g. a /64 prefix to group IPv6
   * clients that own a whole subnet.
   */
  readonly peerKey?: (addr: Address) => string;
}

/** The default peer key: the host, without the port. */
export function defaultPeerKey(addr: Address): string {
  switch (addr.family) {
    case 'IPv4':
      return addr.host;
    case 'IPv6': {
      const host = addr.host.toLowerCase();
      // One client reached over a dual-stack socket must not get a second quota.
      return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
    }
    case 'UNIX':
      return `unix:${addr.path ?? ''}`;
    case 'memory':
    case 'process':
    case 'custom':
      return formatAddress(addr);
  }
}

/**
 * Caps the connections open at once from each peer address (Twisted's
 * `policies.LimitConnectionsByPeer`). Over the cap, the connection is refused at once — the
 * wrapped factory never builds a protocol for it — and closed, after the refusal message when one
 * is set. Behind a load balancer, put this *inside* ProxyProtocolWrappingFactory so the cap applies
 * to the real client addresses.
 */
export class LimitConnectionsByPeer extends WrappingFactory {
  maxConnectionsPerPeer: number;
  refusalMessage: RefusalMessage | undefined;
  /** Open connections per peer key; peers with none are absent. */
  readonly peerConnections = new Map<string, number>();
  private readonly peerKey: (addr: Address) => string;
  private readonly keyOfWrapper = new WeakMap<ProtocolWrapper, string>();

  constructor(wrappedFactory: IProtocolFactory, options: LimitConnectionsByPeerOptions = {}) {
    super(wrappedFactory);
    this.maxConnectionsPerPeer = options.maxConnectionsPerPeer ?? 5;
    this.refusalMessage = options.refusalMessage;
    this.peerKey = options.peerKey ?? defaultPeerKey;
  }

  override buildProtocol(addr: Address): ProtocolWrapper | null {
    const key = this.peerKey(addr);
    const count = this.peerConnections.get(key) ?? 0;
    if (count >= this.maxConnectionsPerPeer) {
      const refused = refuseConnection(addr, this.refusalMessage);
      return refused === null ? null : new ProtocolWrapper(this, refused);
    }
    const wrapper = super.buildProtocol(addr);
    if (wrapper !== null) {
      this.peerConnections.set(key, count + 1);
      this.keyOfWrapper.set(wrapper, key);
    }
    return wrapper;
  }

  override unregisterProtocol(protocol: ProtocolWrapper): void {
    super.unregisterProtocol(protocol);
    const key = this.keyOfWrapper.get(protocol);
    if (key === undefined) return;
    this.keyOfWrapper.delete(protocol);
    const count = (this.peerConnections.get(key) ?? 1) - 1;
    if (count > 0) this.peerConnections.set(key, count);
    else this.peerConnections.delete(key);
  }
}
