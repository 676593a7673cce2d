import { afterEach, describe, expect, it } from 'vitest';

import type { Address } from '../../src/interfaces/address.js';
import type { IMulticastTransport, IUDPTransport } from '../../src/interfaces/protocol.js';
import { DatagramProtocol } from '../../src/protocol/datagram.js';
import { encode, portOf, signal, startReactor, stopReactors } from './harness.js';

afterEach(stopReactors);

const decode = (data: Uint8Array): string => new TextDecoder().decode(data);

class UDPEcho extends DatagramProtocol {
  override datagramReceived(data: Uint8Array, addr: Address): void {
    if (addr.family !== 'IPv4' && addr.family !== 'IPv6') throw new Error('not an IP peer');
    this.transport.write(data, { host: addr.host, port: addr.port });
  }
}

class Listener<T extends IUDPTransport = IUDPTransport> extends DatagramProtocol<T> {
  readonly received = signal<{ data: string; from: Address }>();
  readonly started = signal();
  readonly stopped = signal();
  refused = signal();
  override startProtocol(): void {
    this.started.resolve();
  }
  override stopProtocol(): void {
    this.stopped.resolve();
  }
  override datagramReceived(data: Uint8Array, from: Address): void {
    this.received.resolve({ data: decode(data), from });
  }
  override connectionRefused(): void {
    this.refused.resolve();
  }
}

describe('NodeReactor UDP', () => {
  for (const [family, host] of [
    ['IPv4', '127.0.0.1'],
    ['IPv6', '::1'],
  ] as const) {
    it(`round-trips a datagram over ${family}`, async () => {
      const reactor = startReactor();
      const server = await reactor.listenUDP(0, new UDPEcho(), { interface: host });
      expect(server.getHost()).toMatchObject({ family, type: 'UDP', host });
      const listener = new Listener();
      const client = await reactor.listenUDP(0, listener, { interface: host });
      await listener.started.promise;
      client.write(encode('ping'), { host, port: portOf(server.getHost()) });
      const { data, from } = await listener.received.promise;
      expect(data).toBe('ping');
      expect(from).toEqual({ family, type: 'UDP', host, port: portOf(server.getHost()) });
      await client.stopListening();
      await listener.stopped.promise;
    });
  }

  it('truncates datagrams longer than maxPacketSize', async () => {
    const reactor = startReactor();
    const listener = new Listener();
    const port = await reactor.listenUDP(0, listener, { interface: '127.0.0.1', maxPacketSize: 4 });
    expect(port.maxPacketSize).toBe(4);
    const sender = await reactor.listenUDP(0, new Listener(), { interface: '127.0.0.1' });
    sender.write(encode('abcdefgh'), { host: '127.0.0.1', port: portOf(port.getHost()) });
    expect((await listener.received.promise).data).toBe('abcd');
  });

  it('a connected port hears connectionRefused() when nobody listens at the peer', async () => {
    const reactor = startReactor();
    const closed = await reactor.listenUDP(0, new Listener(), { interface: '127.0.0.1' });
    const deadPort = portOf(closed.getHost());
    await closed.stopListening();
    const listener = new Listener();
    const port = await reactor.listenUDP(0, listener, { interface: '127.0.0.1' });
    port.connect('127.0.0.1', deadPort);
    // The ICMP answer can take a moment; send a few datagrams (bounded) until it is reported.
    for (let i = 0; i < 20 && !listener.refused.fired; i++) {
      port.write(encode('anyone?'));
      await new Promise((resolve) => reactor.callLater(0.01, () => resolve(undefined)));
    }
    await listener.refused.promise;
  });

  it('multicast: a member of 228.0.0.7 on the loopback interface receives a group datagram', async () => {
    const reactor = startReactor();
    const group = '228.0.0.7';
    const receiver = new Listener<IMulticastTransport>();
    // Bound to the group address itself: only that group's datagrams reach it, nothing else.
    const member = await reactor.listenMulticast(0, receiver, {
      interface: group,
      listenMultiple: true,
    });
    member.joinGroup(group, '127.0.0.1');
    const sender = await reactor.listenMulticast(0, new Listener<IMulticastTransport>(), {
      interface: '127.0.0.1',
    });
    sender.setOutgoingInterface('127.0.0.1');
    sender.setLoopbackMode(true);
    sender.setTTL(1);
    sender.write(encode('to the group'), { host: group, port: portOf(member.getHost()) });
    const { data, from } = await receiver.received.promise;
    expect(data).toBe('to the group');
    expect(from).toMatchObject({
      family: 'IPv4',
      host: '127.0.0.1',
      port: portOf(sender.getHost()),
    });
    member.leaveGroup(group, '127.0.0.1');
  });
});
