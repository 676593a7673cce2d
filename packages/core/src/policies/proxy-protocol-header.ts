import type { Address } from '../interfaces/address.js';

/**
 * What a PROXY protocol header says about the connection (HAProxy's proxy-protocol.txt).
 * `source`/`destination` are null when the header carries no usable address (v1 `UNKNOWN`,
 * v2 `LOCAL` or `AF_UNSPEC`): the connection's own addresses stand then.
 */
export interface ProxyHeader {
  readonly version: 1 | 2;
  /** `LOCAL` (v2 only): the proxy speaks for itself, e.g. a health check. */
  readonly command: 'PROXY' | 'LOCAL';
  readonly addressFamily: 'INET' | 'INET6' | 'UNIX' | 'UNSPEC';
  readonly transportProtocol: 'STREAM' | 'DGRAM' | 'UNSPEC';
  /** The client as the proxy saw it. */
  readonly source: Address | null;
  /** The address the client connected to on the proxy. */
  readonly destination: Address | null;
  /** v2 type-length-value extensions, in order (empty for v1). */
  readonly tlvs: readonly ProxyTLV[];
  /** How many bytes of the stream the header took. */
  readonly headerLength: number;
}

/** One v2 TLV extension; `type` is one of ProxyTLVType or a vendor's own. */
export interface ProxyTLV {
  readonly type: number;
  readonly value: Uint8Array;
}

/** The TLV types the specification names (PP2_TYPE_*). */
export const ProxyTLVType = {
  ALPN: 0x01,
  AUTHORITY: 0x02,
  CRC32C: 0x03,
  NOOP: 0x04,
  UNIQUE_ID: 0x05,
  SSL: 0x20,
  NETNS: 0x30,
} as const;

/** The 12 bytes every v2 header starts with. */
export const PROXY_V2_SIGNATURE = new Uint8Array([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);

/** A v1 header is at most 107 bytes, CRLF included (the specification's worst case). */
export const PROXY_V1_MAX_LENGTH = 107;
