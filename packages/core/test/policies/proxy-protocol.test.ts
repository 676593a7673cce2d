import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidProxyHeader,
  LimitConnectionsByPeer,
  ProxyHeaderTimeout,
  ProxyProtocolWrappingFactory,
  formatProxyHeaderV1,
  formatProxyHeaderV2,
  getProxyHeader,
  ipv4Address,
  ipv6Address,
  type Address,
  type ProxyProtocolOptions,
} from '../../src/index.js';
import { Clock } from '../../src/testing/index.js';
import { anyCuts, concat, encode, splitAt } from '../framing/split-chunks.js';
import { accept, probeFactory } from './connections.js';

const balancer = ipv4Address('TCP', '10.1.2.3', 50000);
const client = ipv4Address('TCP', '198.51.100.20', 61000);
const frontend = ipv4Address('TCP', '203.0.113.80', 443);

function setup(options: Partial<ProxyProtocolOptions> = {}) {
  const clock = new Clock();
  const inner = probeFactory();
  const rejected: Array<{ error: unknown; peer: Address }> = [];
  const factory = new ProxyProtocolWrappingFactory(inner, {
    clock,
    onRejected: (error, peer) => rejected.push({ error, peer }),
    ...options,
  });
  return { clock, inner, factory, rejected };
}

describe('ProxyProtocolWrappingFactory', () => {
  it('shows the wrapped protocol the client address from a v1 header, and relays data after it', () => {
    const { inner, factory } = setup();
    const { protocol, transport } = accept(factory, balancer);
    expect(inner.built).toEqual([]);
    protocol!.dataReceived(
      concat([formatProxyHeaderV1({ source: client, destination: frontend }), encode('HELO')]),
    );
    expect(inner.addresses).toEqual([client]);
    const probe = inner.built[0]!;
    expect(probe.peerAtConnect).toEqual(client);
    expect(probe.hostAtConnect).toEqual(frontend);
    expect(probe.text()).toBe('HELO');
    protocol!.dataReceived(encode(' world'));
    expect(probe.text()).toBe('HELO world');
    probe.transport.write(encode('250 ok'));
    expect(transport.text()).toBe('250 ok');
  });

  it('reads v2 headers over IPv6 and exposes the TLVs through getProxyHeader()', () => {
    const { inner, factory } = setup({ versions: 'v2' });
    const { protocol } = accept(factory, balancer);
    const source = ipv6Address('TCP', '2001:db8::20', 1234);
    const header = formatProxyHeaderV2({
      source,
      destination: ipv6Address('TCP', '2001:db8::80', 443),
      tlvs: [{ type: 0x02, value: encode('example.org') }],
    });
    protocol!.dataReceived(header);
    const probe = inner.built[0]!;
    expect(probe.transport.getPeer()).toEqual(source);
    expect(getProxyHeader(probe.transport)?.tlvs[0]?.value).toEqual(encode('example.org'));
  });

  it('keeps the connection addresses for a v2 LOCAL header (health checks) and v1 UNKNOWN', () => {
    for (const header of [
      formatProxyHeaderV2({ command: 'LOCAL', source: null, destination: null }),
      formatProxyHeaderV1({ source: null, destination: null }),
    ]) {
      const { inner, factory } = setup();
      const { protocol, transport } = accept(factory, balancer);
      protocol!.dataReceived(header);
      expect(inner.built[0]!.peerAtConnect).toEqual(balancer);
      expect(inner.built[0]!.hostAtConnect).toEqual(transport.getHost());
    }
  });

  it('gives the wrapped protocol the same address and data for any split of the stream', () => {
    const headers = fc.oneof(
      fc.constant(formatProxyHeaderV1({ source: client, destination: frontend })),
      fc.constant(
        formatProxyHeaderV2({
          source: client,
          destination: frontend,
          tlvs: [{ type: 1, value: encode('h2') }],
        }),
      ),
    );
    fc.assert(
      fc.property(headers, fc.string({ maxLength: 30 }), anyCuts, (header, text, cuts) => {
        const { inner, factory } = setup();
        const { protocol } = accept(factory, balancer);
        for (const chunk of splitAt(concat([header, encode(text)]), cuts))
          protocol!.dataReceived(chunk);
        expect(inner.built).toHaveLength(1);
        expect(inner.built[0]!.peerAtConnect).toEqual(client);
        expect(inner.built[0]!.text()).toBe(text);
      }),
    );
  });

  it('closes a connection whose header is missing or malformed, before the wrapped factory sees it', () => {
    const { inner, factory, rejected } = setup();
    const { protocol, transport } = accept(factory, balancer);
    protocol!.dataReceived(encode('GET / HTTP/1.1\r\n\r\n'));
    expect(transport.disconnecting).toBe(true);
    expect(inner.addresses).toEqual([]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.error).toBeInstanceOf(InvalidProxyHeader);
    expect(rejected[0]!.peer).toEqual(balancer);
    protocol!.dataReceived(encode('more'));
    expect(inner.addresses).toEqual([]);
  });

  it('closes a connection whose v1 line runs past 107 bytes', () => {
    const { factory } = setup();
    const { protocol, transport } = accept(factory, balancer);
    protocol!.dataReceived(encode(`PROXY TCP4 ${'1'.repeat(95)}`));
    expect(transport.disconnecting).toBe(false);
    protocol!.dataReceived(encode('1'));
    expect(transport.disconnecting).toBe(true);
  });

  it('closes a connection whose header does not arrive within the timeout', () => {
    const { clock, factory, rejected, inner } = setup({ timeout: 5 });
    const { protocol, transport } = accept(factory, balancer);
    protocol!.dataReceived(encode('PROXY TCP4 '));
    clock.advance(4.9);
    expect(transport.disconnecting).toBe(false);
    clock.advance(0.1);
    expect(transport.disconnecting).toBe(true);
    expect(rejected[0]!.error).toBeInstanceOf(ProxyHeaderTimeout);
    expect(inner.built).toEqual([]);
  });

  it('stops the header timer once the header arrives, and defaults it to 10 seconds', () => {
    const { clock, factory } = setup();
    const { protocol, transport } = accept(factory, balancer);
    expect(clock.getDelayedCalls().map((c) => c.getTime())).toEqual([10]);
    protocol!.dataReceived(formatProxyHeaderV1({ source: client, destination: frontend }));
    expect(clock.getDelayedCalls()).toEqual([]);
    clock.advance(60);
    expect(transport.disconnecting).toBe(false);
  });

  it('applies per-peer limits to the real client addresses when the limiter is inside it', () => {
    const clock = new Clock();
    const inner = probeFactory();
    const factory = new ProxyProtocolWrappingFactory(
      new LimitConnectionsByPeer(inner, { maxConnectionsPerPeer: 1 }),
      {
        clock,
      },
    );
    const connect = (source: Address) => {
      const connection = accept(factory, balancer);
      connection.protocol!.dataReceived(formatProxyHeaderV1({ source, destination: frontend }));
      return connection.transport;
    };
    const first = connect(client);
    expect(connect(client).disconnecting).toBe(true);
    expect(connect(ipv4Address('TCP', '198.51.100.21', 1)).disconnecting).toBe(false);
    expect(inner.addresses).toEqual([client, ipv4Address('TCP', '198.51.100.21', 1)]);
    expect(getProxyHeader(inner.built[0]!.transport)?.source).toEqual(client);
    first.reportDisconnect();
    expect(inner.built[0]!.lost).toBe(true);
    expect(connect(client).disconnecting).toBe(false);
  });

  it('tells the wrapped protocol when the connection is lost', () => {
    const { factory, inner } = setup();
    const { protocol, transport } = accept(factory, balancer);
    protocol!.dataReceived(formatProxyHeaderV1({ source: client, destination: frontend }));
    transport.reportDisconnect();
    expect(inner.built[0]!.lost).toBe(true);
  });
});
