import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ProxyHeaderParser,
  ProxyTLVType,
  formatProxyHeaderV1,
  formatProxyHeaderV2,
  ipv4Address,
  ipv6Address,
  parseProxyHeader,
  unixAddress,
  type ProxyHeaderParserOptions,
  type ProxyParseEvent,
} from '../../src/index.js';
import { canonicalIPv6 } from '../../src/policies/ip-address-text.js';
import { anyCuts, concat, decode, encode, splitAt } from '../framing/split-chunks.js';

const hex = (text: string): Uint8Array =>
  new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const SIG = '0d0a0d0a000d0a515549540a';

function parsed(bytes: Uint8Array, options?: ProxyHeaderParserOptions) {
  const event = parseProxyHeader(bytes, options);
  if (event.type !== 'header') throw new Error(`expected a header, got ${JSON.stringify(event)}`);
  return { ...event.header, rest: decode(event.rest) };
}

/** Feed the chunks one by one; the first non-incomplete answer, or the last one. */
function feedAll(chunks: Uint8Array[], options?: ProxyHeaderParserOptions): ProxyParseEvent {
  const parser = new ProxyHeaderParser(options);
  let event: ProxyParseEvent = { type: 'incomplete' };
  for (const chunk of chunks) {
    event = parser.feed(chunk);
    if (event.type !== 'incomplete') return event;
  }
  return event;
}

function errorOf(bytes: Uint8Array, options?: ProxyHeaderParserOptions): string {
  const event = parseProxyHeader(bytes, options);
  if (event.type !== 'error') throw new Error(`expected an error, got ${event.type}`);
  expect(event.error.code).toBe('TW_PROXY_INVALID_HEADER');
  return event.error.message;
}

describe('PROXY protocol v1', () => {
  it('parses the specification TCP4 example and leaves the data after it', () => {
    const header = parsed(
      encode('PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n'),
    );
    expect(header).toMatchObject({
      version: 1,
      command: 'PROXY',
      addressFamily: 'INET',
      transportProtocol: 'STREAM',
      source: ipv4Address('TCP', '192.168.0.1', 56324),
      destination: ipv4Address('TCP', '192.168.0.11', 443),
      tlvs: [],
      headerLength: 47,
      rest: 'GET / HTTP/1.1\r\n',
    });
  });

  it('parses TCP6 and puts the addresses in canonical form', () => {
    const header = parsed(encode('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::ffff:10.0.0.1 65535 0\r\n'));
    expect(header.source).toEqual(ipv6Address('TCP', '2001:db8::1', 65535));
    expect(header.destination).toEqual(ipv6Address('TCP', '::ffff:10.0.0.1', 0));
  });

  it('accepts UNKNOWN with or without addresses, up to the 107-byte worst case', () => {
    expect(parsed(encode('PROXY UNKNOWN\r\nx'))).toMatchObject({
      source: null,
      destination: null,
      rest: 'x',
    });
    const f = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    const worst = encode(`PROXY UNKNOWN ${f} ${f} 65535 65535\r\n`);
    expect(worst.length).toBe(107);
    expect(parsed(worst)).toMatchObject({
      addressFamily: 'UNSPEC',
      source: null,
      headerLength: 107,
    });
  });

  it.each([
    ['no PROXY header at all', 'GET / HTTP/1.1\r\n\r\n', 'did not start with a PROXY protocol'],
    ['lower-case keyword', 'proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n', 'did not start'],
    ['an unknown protocol', 'PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n', 'expected TCP4'],
    ['a missing field', 'PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', '6 fields'],
    ['double spaces', 'PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n', '6 fields'],
    ['a bad IPv4 address', 'PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n', 'invalid IPv4'],
    ['an IPv4 address with a leading zero', 'PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n', 'invalid IPv4'],
    ['an IPv6 address under TCP4', 'PROXY TCP4 ::1 ::1 1 2\r\n', 'invalid IPv4'],
    ['an IPv4 address under TCP6', 'PROXY TCP6 1.2.3.4 ::1 1 2\r\n', 'invalid IPv6'],
    ['a port above 65535', 'PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n', 'invalid port'],
    ['a port with a leading zero', 'PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n', 'invalid port'],
    ['a bare LF', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n', 'bare LF'],
    ['no CRLF within 107 bytes', `PROXY UNKNOWN ${'a'.repeat(100)}\r\n`, 'no CRLF within 107'],
  ])('rejects %s', (_what, input, message) => {
    expect(errorOf(encode(input))).toContain(message);
  });

  it('rejects a header that is not PROXY after its first byte, without waiting for more', () => {
    expect(new ProxyHeaderParser().feed(encode('PRX')).type).toBe('error');
    expect(new ProxyHeaderParser().feed(encode('PRO')).type).toBe('incomplete');
  });
});

describe('PROXY protocol v2', () => {
  it('parses a TCP over IPv4 header as HAProxy sends it, with the request behind it', () => {
    const bytes = concat([
      hex(`${SIG} 21 11 000c ac130001 ac130003 a652 0050`),
      encode('GET / HTTP/1.1\r\n'),
    ]);
    expect(parsed(bytes)).toMatchObject({
      version: 2,
      command: 'PROXY',
      addressFamily: 'INET',
      transportProtocol: 'STREAM',
      source: ipv4Address('TCP', '172.19.0.1', 42578),
      destination: ipv4Address('TCP', '172.19.0.3', 80),
      headerLength: 28,
      rest: 'GET / HTTP/1.1\r\n',
    });
  });

  it('parses TCP over IPv6 and UDP over IPv4', () => {
    const v6 = parsed(
      hex(
        `${SIG} 21 21 0024 20010db8000000000000000000000001 20010db8000000000000000000000002 1f90 01bb`,
      ),
    );
    expect(v6.source).toEqual(ipv6Address('TCP', '2001:db8::1', 8080));
    expect(v6.destination).toEqual(ipv6Address('TCP', '2001:db8::2', 443));
    const udp = parsed(hex(`${SIG} 21 12 000c 0a000001 0a000002 0035 0035`));
    expect(udp.transportProtocol).toBe('DGRAM');
    expect(udp.source).toEqual(ipv4Address('UDP', '10.0.0.1', 53));
  });

  it('parses Unix socket addresses', () => {
    const bytes = formatProxyHeaderV2({
      source: unixAddress('/run/client.sock'),
      destination: unixAddress('/run/srv.sock'),
    });
    expect(bytes.length).toBe(16 + 216);
    expect(parsed(bytes)).toMatchObject({
      addressFamily: 'UNIX',
      source: unixAddress('/run/client.sock'),
      destination: unixAddress('/run/srv.sock'),
    });
  });

  it('skips past TLVs by their lengths and exposes them', () => {
    const tlvs = '01 0002 6832' + '02 000b 6578616d706c652e636f6d' + '04 0000' + 'ea 0003 766163';
    const header = parsed(
      concat([hex(`${SIG} 21 11 0028 7f000001 7f000002 3039 0050 ${tlvs}`), encode('after')]),
    );
    expect(header.rest).toBe('after');
    expect(header.headerLength).toBe(16 + 0x28);
    expect(header.tlvs.map((t) => [t.type, decode(t.value)])).toEqual([
      [ProxyTLVType.ALPN, 'h2'],
      [ProxyTLVType.AUTHORITY, 'example.com'],
      [ProxyTLVType.NOOP, ''],
      [0xea, 'vac'],
    ]);
  });

  it('reports no addresses for LOCAL (health checks), whatever the family says', () => {
    expect(parsed(hex(`${SIG} 20 00 0000`))).toMatchObject({
      command: 'LOCAL',
      source: null,
      destination: null,
    });
    const withAddresses = parsed(hex(`${SIG} 20 11 000c 01020304 05060708 0001 0002`));
    expect(withAddresses).toMatchObject({ command: 'LOCAL', source: null, destination: null });
    expect(parsed(hex(`${SIG} 20 ff 0000`))).toMatchObject({ command: 'LOCAL', source: null });
  });

  it('reports no addresses for PROXY with AF_UNSPEC', () => {
    expect(parsed(hex(`${SIG} 21 00 0000 `))).toMatchObject({
      command: 'PROXY',
      addressFamily: 'UNSPEC',
      source: null,
    });
  });

  it.each([
    [
      'version 1 in the binary header',
      `${SIG} 11 11 000c 01020304 05060708 0001 0002`,
      'version 1',
    ],
    ['an unknown command', `${SIG} 22 11 000c 01020304 05060708 0001 0002`, 'command 2'],
    ['an unknown family', `${SIG} 21 41 0000`, 'unknown address family'],
    [
      'an unknown transport',
      `${SIG} 21 13 000c 01020304 05060708 0001 0002`,
      'unknown address family',
    ],
    [
      'a length too short for the family',
      `${SIG} 21 21 000c 01020304 05060708 0001 0002`,
      'at least 36',
    ],
    [
      'a TLV running past the header',
      `${SIG} 21 11 0010 01020304 05060708 0001 0002 01 0005 6832`,
      'past the end',
    ],
    [
      'a truncated TLV header',
      `${SIG} 21 11 000e 01020304 05060708 0001 0002 01 00`,
      'inside a TLV',
    ],
  ])('rejects %s', (_what, input, message) => {
    expect(errorOf(hex(input))).toContain(message);
  });

  it('rejects a header larger than maxHeaderBytes as soon as its length is known', () => {
    const parser = new ProxyHeaderParser({ maxHeaderBytes: 64 });
    const event = parser.feed(hex(`${SIG} 21 11 0100`));
    expect(event.type).toBe('error');
    if (event.type === 'error') expect(event.error.message).toContain('maxHeaderBytes (64)');
  });
});

describe('versions option', () => {
  const v1 = encode('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n');
  const v2 = hex(`${SIG} 21 11 000c 01020304 05060708 0001 0002`);

  it('accepts only the chosen version', () => {
    expect(parseProxyHeader(v1, { versions: 'v1' }).type).toBe('header');
    expect(parseProxyHeader(v2, { versions: 'v1' }).type).toBe('error');
    expect(parseProxyHeader(v2, { versions: 'v2' }).type).toBe('header');
    expect(parseProxyHeader(v1, { versions: 'v2' }).type).toBe('error');
    expect(parseProxyHeader(v1).type).toBe('header');
    expect(parseProxyHeader(v2).type).toBe('header');
  });
});

const ipv4Pair = fc
  .tuple(fc.ipV4(), fc.ipV4(), fc.nat(65535), fc.nat(65535))
  .map(([a, b, p, q]) => ({
    source: ipv4Address('TCP', a, p),
    destination: ipv4Address('TCP', b, q),
  }));
const ipv6Pair = fc
  .tuple(fc.ipV6(), fc.ipV6(), fc.nat(65535), fc.nat(65535))
  .map(([a, b, p, q]) => ({
    source: ipv6Address('TCP', a, p),
    destination: ipv6Address('TCP', b, q),
  }));
const tlvList = fc.array(
  fc.record({ type: fc.nat(255), value: fc.uint8Array({ maxLength: 20 }) }),
  { maxLength: 4 },
);
const anyHeader = fc.oneof(
  fc.oneof(ipv4Pair, ipv6Pair).map((pair) => formatProxyHeaderV1(pair)),
  fc.constant(formatProxyHeaderV1({ source: null, destination: null })),
  fc
    .tuple(fc.oneof(ipv4Pair, ipv6Pair), tlvList)
    .map(([pair, tlvs]) => formatProxyHeaderV2({ ...pair, tlvs })),
  tlvList.map((tlvs) =>
    formatProxyHeaderV2({ command: 'LOCAL', source: null, destination: null, tlvs }),
  ),
);

describe('incremental parsing', () => {
  it('gives the same header and the same following data for any split of the stream', () => {
    fc.assert(
      fc.property(anyHeader, fc.uint8Array({ maxLength: 30 }), anyCuts, (header, data, cuts) => {
        const stream = concat([header, data]);
        const whole = parseProxyHeader(stream);
        expect(whole.type).toBe('header');
        const event = feedAll(splitAt(stream, cuts));
        expect(event.type).toBe('header');
        if (event.type !== 'header' || whole.type !== 'header') return;
        expect(event.header).toEqual(whole.header);
        // Data after the header may come in later chunks; what arrived with the header is a prefix.
        expect([...event.rest]).toEqual([...data.subarray(0, event.rest.length)]);
      }),
    );
  });

  it('round-trips addresses through the writer, in canonical form', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4Pair, ipv6Pair), tlvList, fc.boolean(), (pair, tlvs, useV2) => {
        const bytes = useV2 ? formatProxyHeaderV2({ ...pair, tlvs }) : formatProxyHeaderV1(pair);
        const header = parsed(bytes);
        const canonical = (host: string) => (host.includes(':') ? canonicalIPv6(host) : host);
        expect(header.source).toEqual({ ...pair.source, host: canonical(pair.source.host) });
        expect(header.destination).toEqual({
          ...pair.destination,
          host: canonical(pair.destination.host),
        });
        if (useV2)
          expect(header.tlvs.map((t) => [t.type, [...t.value]])).toEqual(
            tlvs.map((t) => [t.type, [...t.value]]),
          );
      }),
    );
  });

  it('rejects a stream that is not a PROXY header for any split', () => {
    const garbage = fc
      .uint8Array({ minLength: 1, maxLength: 40 })
      .filter((b) => b[0] !== 0x50 && b[0] !== 0x0d);
    fc.assert(
      fc.property(garbage, anyCuts, (bytes, cuts) => {
        expect(feedAll(splitAt(bytes, cuts)).type).toBe('error');
      }),
    );
  });
});
