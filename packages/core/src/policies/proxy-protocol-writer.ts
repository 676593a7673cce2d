import { Buffer } from 'node:buffer';
import type { Address, IPv4Address, IPv6Address } from '../interfaces/address.js';
import { parseIPv4, parseIPv6 } from './ip-address-text.js';
import { PROXY_V2_SIGNATURE, type ProxyTLV } from './proxy-protocol-header.js';

/**
 * Serialise PROXY protocol headers, for a client or proxy that connects to a server expecting
 * one (and for tests). Both addresses must be of the same family, or both null (v1 `UNKNOWN`,
 * v2 `AF_UNSPEC`).
 */
export interface ProxyHeaderFields {
  /** Default 'PROXY'. 'LOCAL' (v2 only) sends no addresses. */
  readonly command?: 'PROXY' | 'LOCAL';
  readonly source: Address | null;
  readonly destination: Address | null;
  /** v2 only. */
  readonly tlvs?: readonly ProxyTLV[];
}

/** A v1 (text) header: `PROXY TCP4 <src> <dst> <sport> <dport>\r\n`, or `PROXY UNKNOWN\r\n`. */
export function formatProxyHeaderV1(fields: ProxyHeaderFields): Uint8Array {
  const { source, destination } = fields;
  if (source === null || destination === null) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  const [src, dst] = ipPair(source, destination);
  if (src.type !== 'TCP')
    throw new RangeError('A PROXY v1 header can only describe TCP connections.');
  const protocol = src.family === 'IPv4' ? 'TCP4' : 'TCP6';
  return Buffer.from(
    `PROXY ${protocol} ${src.host} ${dst.host} ${src.port} ${dst.port}\r\n`,
    'latin1',
  );
}

/** A v2 (binary) header. */
export function formatProxyHeaderV2(fields: ProxyHeaderFields): Uint8Array {
  const command = fields.command ?? 'PROXY';
  let familyByte = 0x00;
  let addresses = Buffer.alloc(0);
  const { source, destination } = fields;
  if (command === 'PROXY' && source !== null && destination !== null) {
    if (source.family === 'UNIX' && destination.family === 'UNIX') {
      familyByte = 0x31;
      addresses = Buffer.alloc(216);
      addresses.write(source.path ?? '', 0, 107, 'utf8');
      addresses.write(destination.path ?? '', 108, 107, 'utf8');
    } else {
      const [src, dst] = ipPair(source, destination);
      const v4 = src.family === 'IPv4';
      familyByte = (v4 ? 0x10 : 0x20) | (src.type === 'TCP' ? 0x01 : 0x02);
      const size = v4 ? 4 : 16;
      addresses = Buffer.alloc(2 * size + 4);
      addresses.set(ipBytes(src), 0);
      addresses.set(ipBytes(dst), size);
      addresses.writeUInt16BE(src.port, 2 * size);
      addresses.writeUInt16BE(dst.port, 2 * size + 2);
    }
  }
  const tlvChunks = (fields.tlvs ?? []).map((tlv) => {
    const chunk = Buffer.alloc(3 + tlv.value.byteLength);
    chunk[0] = tlv.type;
    chunk.writeUInt16BE(tlv.value.byteLength, 1);
    chunk.set(tlv.value, 3);
    return chunk;
  });
  const body = Buffer.concat([addresses, ...tlvChunks]);
  if (body.length > 0xffff)
    throw new RangeError('A PROXY v2 header cannot carry more than 65535 bytes.');
  const fixed = Buffer.alloc(16);
  fixed.set(PROXY_V2_SIGNATURE, 0);
  fixed[12] = command === 'PROXY' ? 0x21 : 0x20;
  fixed[13] = familyByte;
  fixed.writeUInt16BE(body.length, 14);
  return Buffer.concat([fixed, body]);
}

type IPAddress = IPv4Address | IPv6Address;

function ipPair(source: Address, destination: Address): [IPAddress, IPAddress] {
  if (
    (source.family === 'IPv4' && destination.family === 'IPv4') ||
    (source.family === 'IPv6' && destination.family === 'IPv6')
  ) {
    return [source, destination];
  }
  throw new RangeError(
    `A PROXY header needs two addresses of the same IP family; got ${source.family} and ${destination.family}.`,
  );
}

function ipBytes(address: IPAddress): Uint8Array {
  const bytes = address.family === 'IPv4' ? parseIPv4(address.host) : parseIPv6(address.host);
  if (bytes === null)
    throw new RangeError(`"${address.host}" is not a valid ${address.family} address.`);
  return bytes;
}
