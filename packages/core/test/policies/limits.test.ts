import { describe, expect, it } from 'vitest';
import {
  LimitConnectionsByPeer,
  LimitTotalConnectionsFactory,
  defaultPeerKey,
  ipv4Address,
  ipv6Address,
  unixAddress,
} from '../../src/index.js';
import { accept, probeFactory } from './connections.js';

const alice = ipv4Address('TCP', '203.0.113.1', 1001);
const aliceAgain = ipv4Address('TCP', '203.0.113.1', 1002);
const bob = ipv4Address('TCP', '203.0.113.2', 1003);

describe('LimitConnectionsByPeer', () => {
  it('refuses a peer over its cap without building a protocol, and not other peers', () => {
    const inner = probeFactory();
    const factory = new LimitConnectionsByPeer(inner, { maxConnectionsPerPeer: 2 });
    expect(accept(factory, alice).protocol).not.toBeNull();
    expect(accept(factory, aliceAgain).protocol).not.toBeNull();
    expect(accept(factory, alice).protocol).toBeNull();
    expect(accept(factory, bob).protocol).not.toBeNull();
    expect(inner.addresses).toEqual([alice, aliceAgain, bob]);
    expect(factory.peerConnections.get('203.0.113.1')).toBe(2);
  });

  it('frees the slot when a connection is lost', () => {
    const inner = probeFactory();
    const factory = new LimitConnectionsByPeer(inner, { maxConnectionsPerPeer: 1 });
    const first = accept(factory, alice);
    expect(accept(factory, alice).protocol).toBeNull();
    first.transport.reportDisconnect();
    expect(inner.built[0]!.lost).toBe(true);
    expect(factory.peerConnections.has('203.0.113.1')).toBe(false);
    expect(accept(factory, alice).protocol).not.toBeNull();
  });

  it('defaults to 5 connections per peer', () => {
    const factory = new LimitConnectionsByPeer(probeFactory());
    const results = Array.from({ length: 6 }, () => accept(factory, alice).protocol);
    expect(results.filter((p) => p !== null)).toHaveLength(5);
  });

  it('writes the refusal message and closes the refused connection', () => {
    const inner = probeFactory();
    const factory = new LimitConnectionsByPeer(inner, {
      maxConnectionsPerPeer: 1,
      refusalMessage: '421 Too many connections from your address\r\n',
    });
    accept(factory, alice);
    const refused = accept(factory, alice);
    expect(refused.protocol).not.toBeNull();
    expect(refused.transport.text()).toBe('421 Too many connections from your address\r\n');
    expect(refused.transport.disconnecting).toBe(true);
    expect(inner.built).toHaveLength(1);
    // The refusal does not take or free a slot.
    expect(factory.peerConnections.get('203.0.113.1')).toBe(1);
    expect(accept(factory, alice).transport.disconnecting).toBe(true);
  });

  it('takes the refusal message from a function of the address, or none', () => {
    const factory = new LimitConnectionsByPeer(probeFactory(), {
      maxConnectionsPerPeer: 0,
      refusalMessage: (addr) => (addr.family === 'IPv4' ? new Uint8Array([0x21]) : null),
    });
    expect(accept(factory, alice).transport.value()).toEqual(new Uint8Array([0x21]));
    expect(accept(factory, ipv6Address('TCP', '2001:db8::1', 1)).protocol).toBeNull();
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, and groups by a custom key', () => {
    expect(defaultPeerKey(ipv6Address('TCP', '::FFFF:203.0.113.1', 1))).toBe('203.0.113.1');
    expect(defaultPeerKey(ipv6Address('TCP', '2001:DB8::1', 1))).toBe('2001:db8::1');
    expect(defaultPeerKey(unixAddress(null))).toBe('unix:');
    const factory = new LimitConnectionsByPeer(probeFactory(), {
      maxConnectionsPerPeer: 1,
      peerKey: (addr) =>
        addr.family === 'IPv6' ? addr.host.split(':').slice(0, 4).join(':') : 'other',
    });
    expect(accept(factory, ipv6Address('TCP', '2001:db8:1:2::10', 1)).protocol).not.toBeNull();
    expect(accept(factory, ipv6Address('TCP', '2001:db8:1:2::11', 1)).protocol).toBeNull();
    expect(accept(factory, ipv6Address('TCP', '2001:db8:1:3::10', 1)).protocol).not.toBeNull();
  });
});

describe('LimitTotalConnectionsFactory', () => {
  it('caps open connections across all peers and frees a slot on close', () => {
    const inner = probeFactory();
    const factory = new LimitTotalConnectionsFactory(inner, { connectionLimit: 2 });
    const first = accept(factory, alice);
    accept(factory, bob);
    expect(accept(factory, aliceAgain).protocol).toBeNull();
    expect(inner.built).toHaveLength(2);
    expect(factory.connectionCount).toBe(2);
    first.transport.reportDisconnect();
    expect(factory.connectionCount).toBe(1);
    expect(accept(factory, aliceAgain).protocol).not.toBeNull();
  });

  it('sends the refusal message to connections over the cap', () => {
    const inner = probeFactory();
    const factory = new LimitTotalConnectionsFactory(inner, {
      connectionLimit: 1,
      refusalMessage: new TextEncoder().encode('busy\r\n'),
    });
    accept(factory, alice);
    const refused = accept(factory, bob);
    expect(refused.transport.text()).toBe('busy\r\n');
    expect(refused.transport.disconnecting).toBe(true);
    refused.transport.reportDisconnect();
    expect(factory.connectionCount).toBe(1);
    expect(inner.built).toHaveLength(1);
  });
});
