import { Buffer } from 'node:buffer';
import { ipv4Address, ipv6Address, unixAddress } from '../address/address.js';
import type { Address } from '../interfaces/address.js';
import { ByteBuffer } from '../framing/byte-buffer.js';
import { InvalidProxyHeader } from './errors.js';
import { canonicalIPv6, formatIPv4, formatIPv6, parseIPv4 } from './ip-address-text.js';
import {
  PROXY_V1_MAX_LENGTH,
  PROXY_V2_SIGNATURE,
  type ProxyHeader,
  type ProxyTLV,
} from './proxy-protocol-header.js';

/** Which header versions a server accepts. */
export type ProxyProtocolVersions = 'v1' | 'v2' | 'both';

export interface ProxyHeaderParserOptions {
  /** Default 'both'. */
  readonly versions?: ProxyProtocolVersions;
  /** The largest v2 header accepted, TLVs included (v1 is capped at 107 by the spec). Default 4096. */
  readonly maxHeaderBytes?: number;
}

/** What feeding bytes to the parser gave. `rest` is the stream's data after the header. */
export type ProxyParseEvent =
  | { readonly type: 'incomplete' }
  | { readonly type: 'header'; readonly header: ProxyHeader; readonly rest: Uint8Array }
  | { readonly type: 'error'; readonly error: InvalidProxyHeader };

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const LF = 0x0a;
const CR = 0x0d;
const V2_FIXED_LENGTH = 16;
const UNIX_PATH_LENGTH = 108;
const INCOMPLETE: ProxyParseEvent = { type: 'incomplete' };

/**
 * An incremental, pure parser for the PROXY protocol header at the start of a stream (v1 text
 * and v2 binary, HAProxy's proxy-protocol.txt). Feed it chunks as they arrive, split anywhere;
 * it answers 'incomplete' until the header is whole, then 'header' with the data after it, or
 * 'error' as soon as the bytes cannot be a valid header. It never buffers more than the header.
 */
export class ProxyHeaderParser {
  private readonly versions: ProxyProtocolVersions;
  private readonly maxHeaderBytes: number;
  private readonly buffer = new ByteBuffer();
  private version: 1 | 2 | null = null;
  /** v1: bytes already searched for LF. */
  private searchedTo = 0;
  private finished = false;

  constructor(options: ProxyHeaderParserOptions = {}) {
    this.versions = options.versions ?? 'both';
    this.maxHeaderBytes = options.maxHeaderBytes ?? 4096;
  }

  feed(chunk: Uint8Array): ProxyParseEvent {
    if (this.finished)
      throw new Error('ProxyHeaderParser.feed() called after the header was parsed.');
    this.buffer.push(chunk);
    let event: ProxyParseEvent;
    try {
      event = this.parse();
    } catch (error) {
      if (!(error instanceof InvalidProxyHeader)) throw error;
      event = { type: 'error', error };
    }
    if (event.type === 'incomplete') this.buffer.settle();
    else {
      this.finished = true;
      this.buffer.clear();
    }
    return event;
  }

  private parse(): ProxyParseEvent {
    if (this.version === null) {
      this.version = this.detectVersion();
      if (this.version === null) return INCOMPLETE;
    }
    return this.version === 1 ? this.parseV1() : this.parseV2();
  }

  private detectVersion(): 1 | 2 | null {
    const bytes = this.buffer.peek();
    const v1 = this.versions !== 'v2' && matchesPrefix(bytes, V1_PREFIX);
    const v2 = this.versions !== 'v1' && matchesPrefix(bytes, PROXY_V2_SIGNATURE);
    if (!v1 && !v2) {
      const accepted = this.versions === 'both' ? 'v1 or v2' : this.versions;
      throw new InvalidProxyHeader(
        `The connection did not start with a PROXY protocol ${accepted} header. Only a proxy that ` +
          `sends one (HAProxy "send-proxy", a load balancer with PROXY protocol on) may connect here.`,
      );
    }
    if (v1 && bytes.length >= V1_PREFIX.length) return 1;
    if (v2 && bytes.length >= PROXY_V2_SIGNATURE.length) return 2;
    return null;
  }

  private parseV1(): ProxyParseEvent {
    const buffer = this.buffer;
    const lf = buffer.peek().subarray(0, PROXY_V1_MAX_LENGTH).indexOf(LF, this.searchedTo);
    if (lf < 0) {
      if (buffer.length >= PROXY_V1_MAX_LENGTH) {
        throw new InvalidProxyHeader(
          `A PROXY v1 header has no CRLF within ${PROXY_V1_MAX_LENGTH} bytes.`,
        );
      }
      this.searchedTo = buffer.length;
      return INCOMPLETE;
    }
    if (lf === 0 || buffer.byteAt(lf - 1) !== CR) {
      throw new InvalidProxyHeader('A PROXY v1 header must end with CRLF, not a bare LF.');
    }
    const line = buffer.peek().toString('latin1', 0, lf - 1);
    const headerLength = lf + 1;
    buffer.skip(headerLength);
    return { type: 'header', header: parseV1Line(line, headerLength), rest: buffer.takeAll() };
  }

  private parseV2(): ProxyParseEvent {
    const buffer = this.buffer;
    if (buffer.length < V2_FIXED_LENGTH) return INCOMPLETE;
    const bytes = buffer.peek();
    const versionCommand = bytes[12]!;
    if (versionCommand >> 4 !== 2) {
      throw new InvalidProxyHeader(
        `A PROXY v2 header has version ${versionCommand >> 4}; only 2 is defined.`,
      );
    }
    const commandCode = versionCommand & 0x0f;
    if (commandCode > 1) {
      throw new InvalidProxyHeader(
        `A PROXY v2 header has command ${commandCode}; only LOCAL (0) and PROXY (1) exist.`,
      );
    }
    const headerLength = V2_FIXED_LENGTH + bytes.readUInt16BE(14);
    if (headerLength > this.maxHeaderBytes) {
      throw new InvalidProxyHeader(
        `A PROXY v2 header of ${headerLength} bytes exceeds maxHeaderBytes (${this.maxHeaderBytes}); ` +
          `raise that option if the proxy sends large TLVs.`,
      );
    }
    if (buffer.length < headerLength) return INCOMPLETE;
    const header = parseV2Header(buffer.take(headerLength), commandCode === 0 ? 'LOCAL' : 'PROXY');
    return { type: 'header', header, rest: buffer.takeAll() };
  }
}

/** Parse a whole header at the start of `bytes` in one go (a convenience over the parser). */
export function parseProxyHeader(
  bytes: Uint8Array,
  options?: ProxyHeaderParserOptions,
): ProxyParseEvent {
  return new ProxyHeaderParser(options).feed(bytes);
}

function matchesPrefix(bytes: Uint8Array, signature: Uint8Array): boolean {
  const length = Math.min(bytes.length, signature.length);
  for (let i = 0; i < length; i++) if (bytes[i] !== signature[i]) return false;
  return true;
}

function parseV1Line(line: string, headerLength: number): ProxyHeader {
  const fields = line.split(' ');
  const protocol = fields[1];
  if (protocol === 'UNKNOWN') {
    // The spec: a receiver must ignore whatever follows UNKNOWN and keep the real addresses.
    return v1Header('UNSPEC', null, null, headerLength);
  }
  if (protocol !== 'TCP4' && protocol !== 'TCP6') {
    throw new InvalidProxyHeader(
      `A PROXY v1 header names protocol "${protocol ?? ''}"; expected TCP4, TCP6 or UNKNOWN.`,
    );
  }
  if (fields.length !== 6) {
    throw new InvalidProxyHeader(
      `A PROXY v1 ${protocol} header must have 6 fields separated by single spaces; got "${line}".`,
    );
  }
  const sourcePort = parsePort(fields[4]!);
  const destinationPort = parsePort(fields[5]!);
  if (protocol === 'TCP4') {
    const source = fields[2]!;
    const destination = fields[3]!;
    if (parseIPv4(source) === null || parseIPv4(destination) === null) {
      throw new InvalidProxyHeader(
        `A PROXY v1 TCP4 header has an invalid IPv4 address: "${line}".`,
      );
    }
    return v1Header(
      'INET',
      ipv4Address('TCP', source, sourcePort),
      ipv4Address('TCP', destination, destinationPort),
      headerLength,
    );
  }
  const source = canonicalIPv6(fields[2]!);
  const destination = canonicalIPv6(fields[3]!);
  if (source === null || destination === null) {
    throw new InvalidProxyHeader(`A PROXY v1 TCP6 header has an invalid IPv6 address: "${line}".`);
  }
  return v1Header(
    'INET6',
    ipv6Address('TCP', source, sourcePort),
    ipv6Address('TCP', destination, destinationPort),
    headerLength,
  );
}

function v1Header(
  addressFamily: ProxyHeader['addressFamily'],
  source: Address | null,
  destination: Address | null,
  headerLength: number,
): ProxyHeader {
  return {
    version: 1,
    command: 'PROXY',
    addressFamily,
    transportProtocol: source === null ? 'UNSPEC' : 'STREAM',
    source,
    destination,
    tlvs: [],
    headerLength,
  };
}

function parsePort(text: string): number {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text) || Number(text) > 65535) {
    throw new InvalidProxyHeader(`A PROXY v1 header has an invalid port "${text}".`);
  }
  return Number(text);
}

const FAMILIES = ['UNSPEC', 'INET', 'INET6', 'UNIX'] as const;
const TRANSPORTS = ['UNSPEC', 'STREAM', 'DGRAM'] as const;
const ADDRESS_BLOCK_LENGTH = { UNSPEC: 0, INET: 12, INET6: 36, UNIX: 2 * UNIX_PATH_LENGTH };

function parseV2Header(bytes: Buffer, command: 'PROXY' | 'LOCAL'): ProxyHeader {
  const familyByte = bytes[13]!;
  const addressFamily = FAMILIES[familyByte >> 4];
  const transportProtocol = TRANSPORTS[familyByte & 0x0f];
  const body = bytes.subarray(V2_FIXED_LENGTH);
  if (addressFamily === undefined || transportProtocol === undefined) {
    if (command === 'LOCAL') {
      // LOCAL must be accepted whatever the family says; its addresses are ignored anyway.
      return v2Header(command, 'UNSPEC', 'UNSPEC', null, null, [], bytes.length);
    }
    throw new InvalidProxyHeader(
      `A PROXY v2 header has unknown address family/protocol byte 0x${familyByte.toString(16).padStart(2, '0')}.`,
    );
  }
  const addressLength = ADDRESS_BLOCK_LENGTH[addressFamily];
  if (body.length < addressLength) {
    if (command === 'LOCAL')
      return v2Header(command, addressFamily, transportProtocol, null, null, [], bytes.length);
    throw new InvalidProxyHeader(
      `A PROXY v2 ${addressFamily} header carries ${body.length} address bytes; at least ${addressLength} are needed.`,
    );
  }
  const tlvs = parseTLVs(body.subarray(addressLength));
  if (command === 'LOCAL' || addressFamily === 'UNSPEC' || transportProtocol === 'UNSPEC') {
    return v2Header(command, addressFamily, transportProtocol, null, null, tlvs, bytes.length);
  }
  const type = transportProtocol === 'STREAM' ? 'TCP' : 'UDP';
  let source: Address;
  let destination: Address;
  switch (addressFamily) {
    case 'INET':
      source = ipv4Address(type, formatIPv4(body, 0), body.readUInt16BE(8));
      destination = ipv4Address(type, formatIPv4(body, 4), body.readUInt16BE(10));
      break;
    case 'INET6':
      source = ipv6Address(type, formatIPv6(body, 0), body.readUInt16BE(32));
      destination = ipv6Address(type, formatIPv6(body, 16), body.readUInt16BE(34));
      break;
    case 'UNIX':
      source = unixAddress(readUnixPath(body.subarray(0, UNIX_PATH_LENGTH)));
      destination = unixAddress(
        readUnixPath(body.subarray(UNIX_PATH_LENGTH, 2 * UNIX_PATH_LENGTH)),
      );
      break;
  }
  return v2Header(
    command,
    addressFamily,
    transportProtocol,
    source,
    destination,
    tlvs,
    bytes.length,
  );
}

function v2Header(
  command: 'PROXY' | 'LOCAL',
  addressFamily: ProxyHeader['addressFamily'],
  transportProtocol: ProxyHeader['transportProtocol'],
  source: Address | null,
  destination: Address | null,
  tlvs: ProxyTLV[],
  headerLength: number,
): ProxyHeader {
  return {
    version: 2,
    command,
    addressFamily,
    transportProtocol,
    source,
    destination,
    tlvs,
    headerLength,
  };
}

/** The TLVs after the address block. A TLV running past the header's length is an error. */
function parseTLVs(bytes: Buffer): ProxyTLV[] {
  const tlvs: ProxyTLV[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 3 > bytes.length) {
      throw new InvalidProxyHeader('A PROXY v2 header ends inside a TLV type/length field.');
    }
    const type = bytes[offset]!;
    const length = bytes.readUInt16BE(offset + 1);
    const end = offset + 3 + length;
    if (end > bytes.length) {
      throw new InvalidProxyHeader(
        `A PROXY v2 TLV of type 0x${type.toString(16)} claims ${length} bytes, past the end of the header.`,
      );
    }
    // Copied: the TLV outlives the connection's first chunk, which the transport may reuse.
    tlvs.push({ type, value: new Uint8Array(bytes.subarray(offset + 3, end)) });
    offset = end;
  }
  return tlvs;
}

/** A sun_path: bytes up to the first NUL, as UTF-8; an empty path means unnamed. */
function readUnixPath(bytes: Buffer): string | null {
  const nul = bytes.indexOf(0);
  const path = bytes.toString('utf8', 0, nul < 0 ? bytes.length : nul);
  return path === '' ? null : path;
}
