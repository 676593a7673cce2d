import { describe, expect, it } from 'vitest';
import {
  Factory,
  ipv4Address,
  isTLSTransport,
  isHalfCloseableTransport,
  isSSLTransport,
  ProtocolWrapper,
  WrappingFactory,
  type IPushProducer,
} from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';
import { Probe, accept, probeFactory } from './connections.js';

const peer = ipv4Address('TCP', '203.0.113.7', 40000);

describe('WrappingFactory / ProtocolWrapper', () => {
  it('wraps the protocol the wrapped factory builds and relays data both ways', () => {
    const inner = probeFactory();
    const factory = new WrappingFactory(inner);
    const { protocol, transport } = accept(factory, peer);
    expect(protocol).toBeInstanceOf(ProtocolWrapper);
    const probe = inner.built[0]!;
    expect(probe.transport).toBe(protocol);
    expect(probe.peerAtConnect).toEqual(peer);
    protocol!.dataReceived(new TextEncoder().encode('ping'));
    expect(probe.text()).toBe('ping');
    probe.transport.write(new TextEncoder().encode('pong'));
    probe.transport.writeSequence([new TextEncoder().encode('!')]);
    expect(transport.text()).toBe('pong!');
  });

  it('tracks open connections and tells the wrapped protocol when one is lost', () => {
    const inner = probeFactory();
    const factory = new WrappingFactory(inner);
    const { protocol, transport } = accept(factory, peer);
    expect(factory.protocols.has(protocol as ProtocolWrapper)).toBe(true);
    inner.built[0]!.transport.loseConnection();
    expect(transport.disconnecting).toBe(true);
    expect(inner.built[0]!.transport.disconnecting).toBe(true);
    expect(inner.built[0]!.lost).toBe(true);
    expect(factory.protocols.size).toBe(0);
  });

  it('returns null when the wrapped factory refuses', () => {
    const factory = new WrappingFactory(Factory.forProtocol(() => null));
    expect(factory.buildProtocol(peer)).toBeNull();
  });

  it('starts and stops the wrapped factory with itself', () => {
    const events: string[] = [];
    class Inner extends Factory<Probe> {
      override startFactory(): void {
        events.push('start');
      }
      override stopFactory(): void {
        events.push('stop');
      }
    }
    const factory = new WrappingFactory(new Inner(Probe));
    factory.doStart();
    factory.doStop();
    expect(events).toEqual(['start', 'stop']);
  });

  it('relays producers, pausing, and the optional capabilities its transport has', () => {
    const inner = probeFactory();
    const { transport } = accept(new WrappingFactory(inner), peer);
    const wrapper = inner.built[0]!.transport;
    const producer: IPushProducer = {
      pauseProducing() {},
      resumeProducing() {},
      stopProducing() {},
    };
    wrapper.registerProducer(producer, true);
    expect(transport.producer).toBe(producer);
    wrapper.pauseProducing();
    expect(transport.producerState).toBe('paused');
    expect(isTLSTransport(wrapper)).toBe(true);
    expect(isHalfCloseableTransport(wrapper)).toBe(true);
    expect(isSSLTransport(wrapper)).toBe(false);
    if (isTLSTransport(wrapper)) wrapper.startTLS({ serverName: 'example.org' });
    expect(transport.tlsOptions).toEqual({ serverName: 'example.org' });
  });

  it('does not claim capabilities its transport lacks', () => {
    const inner = probeFactory();
    const plain = new StringTransport();
    const bare = {
      write: (d: Uint8Array) => plain.write(d),
      writeSequence: (c: Iterable<Uint8Array>) => plain.writeSequence(c),
      loseConnection: () => plain.loseConnection(),
      abortConnection: () => plain.abortConnection(),
      getPeer: () => peer,
      getHost: () => peer,
      registerProducer: () => {},
      unregisterProducer: () => {},
      pauseProducing: () => {},
      resumeProducing: () => {},
      stopProducing: () => {},
      disconnecting: false,
    };
    new WrappingFactory(inner).buildProtocol(peer)!.makeConnection(bare);
    expect(isTLSTransport(inner.built[0]!.transport)).toBe(false);
  });
});
