import { UnsupportedTransportFeature } from '../errors/connection.js';
import { formatAddress } from '../address/address.js';
import type { IHalfCloseableProtocol, IProtocol } from '../interfaces/protocol.js';
import type {
  IHalfCloseableTransport,
  ISSLTransport,
  ITLSTransport,
  ITransport,
  TransportCapability,
} from '../interfaces/transport.js';

export function isTLSTransport(transport: ITransport): transport is ITLSTransport {
  return typeof (transport as Partial<ITLSTransport>).startTLS === 'function';
}

/**
 * True when `transport` runs over TLS now: it has the TLS session methods *and* its handshake
 * completed. (Socket transports carry the methods from the start, because a plain connection can
 * become TLS through startTLS, so the methods alone do not mean the connection is encrypted.)
 */
export function isSSLTransport(transport: ITransport): transport is ISSLTransport {
  const candidate = transport as Partial<ISSLTransport>;
  return typeof candidate.getPeerCertificate === 'function' && candidate.tlsEstablished === true;
}

/** True when `protocol` wants readConnectionLost() instead of being dropped on the peer's EOF. */
export function isHalfCloseableProtocol(protocol: IProtocol): protocol is IHalfCloseableProtocol {
  return typeof (protocol as Partial<IHalfCloseableProtocol>).readConnectionLost === 'function';
}

export function isHalfCloseableTransport(
  transport: ITransport,
): transport is IHalfCloseableTransport {
  return typeof (transport as Partial<IHalfCloseableTransport>).writeEOF === 'function';
}

interface CapabilityMap {
  startTLS: ITLSTransport;
  writeEOF: IHalfCloseableTransport;
  getPeerCertificate: ISSLTransport;
}

/**
 * Return `transport` typed as having `capability`, or throw UnsupportedTransportFeature naming
 * the feature and the transport — the clear error a protocol gives on the wrong transport.
 */
export function requireCapability<C extends TransportCapability>(
  transport: ITransport,
  capability: C,
): CapabilityMap[C] {
  if (typeof (transport as unknown as Record<string, unknown>)[capability] !== 'function') {
    let description = transport.constructor.name;
    try {
      description += ` to ${formatAddress(transport.getPeer())}`;
    } catch {
      // An address is a nicety in the message; a transport that cannot give one is still named.
    }
    throw new UnsupportedTransportFeature(capability, description);
  }
  return transport as CapabilityMap[C];
}
