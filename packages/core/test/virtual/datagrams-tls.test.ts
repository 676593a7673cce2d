import { describe, expect, it } from 'vitest';
import {
  DatagramProtocol,
  Deferred,
  generateSelfSignedCertificate,
  isSSLTransport,
  type Address,
} from '@tw/core';
import { NotSimulatedError, SimulatedNetwork } from '@tw/core/virtual';
import { Echo, Recorder, clientFactoryOf, encode, factoryOf } from './helpers.js';

class Collector extends DatagramProtocol {
  readonly received: Array<{ text: string; from: Address; at: number }> = [];
  refusals = 0;
  constructor(private readonly now: () => number) {
    super();
  }
  override datagramReceived(data: Uint8Array, from: Address): void {
    this.received.push({ text: new TextDecoder().decode(data), from, at: this.now() });
  }
  override connectionRefused(): void {
    this.refusals++;
  }
}

describe('datagrams on the simulated network', () => {
  it('delivers after the latency, with the sender address', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false, latency: 0.03 });
    const a = network.addHost('a');
    const b = network.addHost('b');
    const receiver = new Collector(() => network.seconds());
    await b.listenUDP(5353, receiver);
    const sender = new Collector(() => network.seconds());
    const port = await a.listenUDP(0, sender);
    port.write(encode('hello'), { host: 'b', port: 5353 });
    await network.advance(1);
    const sourcePort = (port.getHost() as { port: number }).port;
    expect(receiver.received).toEqual([
      {
        text: 'hello',
        from: { family: 'IPv4', type: 'UDP', host: '10.0.0.1', port: sourcePort },
        at: 0.03,
      },
    ]);
    network.shutdown();
  });

  it('loses datagrams at the configured rate, the same ones for the same seed', async () => {
    const lost = async (seed: number) => {
      const network = new SimulatedNetwork({ autoAdvance: false, loss: 0.25, seed });
      const a = network.addHost('a');
      const b = network.addHost('b');
      const receiver = new Collector(() => network.seconds());
      await b.listenUDP(9, receiver);
      const port = await a.listenUDP(0, new Collector(() => 0));
      for (let i = 0; i < 400; i++) port.write(encode(String(i)), { host: 'b', port: 9 });
      await network.advance(1);
      network.shutdown();
      return receiver.received.map((datagram) => datagram.text);
    };
    const first = await lost(5);
    expect(first.length).toBeGreaterThan(250);
    expect(first.length).toBeLessThan(350);
    expect(await lost(5)).toEqual(first);
  });

  it('drops datagrams across a partition; a connected port hears connectionRefused from a closed port', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const a = network.addHost('a');
    const b = network.addHost('b');
    const receiver = new Collector(() => network.seconds());
    await b.listenUDP(9, receiver);
    const sender = new Collector(() => network.seconds());
    const port = await a.listenUDP(0, sender);
    network.partition(['a'], ['b']);
    port.write(encode('lost'), { host: 'b', port: 9 });
    await network.advance(5);
    network.heal();
    port.write(encode('found'), { host: 'b', port: 9 });
    await network.advance(1);
    expect(receiver.received.map((d) => d.text)).toEqual(['found']);
    port.connect('b', 10);
    port.write(encode('nobody'));
    await network.advance(1);
    expect(sender.refusals).toBe(1);
    network.shutdown();
  });

  it('does not simulate multicast or child processes, and says so', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const a = network.addHost('a');
    await expect(
      network.runUntil(a.listenMulticast(9, new Collector(() => 0))),
    ).rejects.toBeInstanceOf(NotSimulatedError);
    expect(() => a.spawnProcess({} as never, '/bin/true')).toThrow(NotSimulatedError);
    network.shutdown();
  });
});

describe('TLS on the simulated network', () => {
  it('listenTLS/connectTLS run core TLS over simulated streams (auto-advance waits for node:tls)', async () => {
    const network = new SimulatedNetwork({ latency: 0.01 });
    const server = network.addHost('secure');
    const client = network.addHost('laptop');
    const certificate = generateSelfSignedCertificate({
      commonName: 'secure',
      altNames: ['secure'],
    });
    await server.listenTLS(
      443,
      factoryOf(() => new Echo()),
      { credentials: certificate },
    );
    const handshake = new Deferred<void>();
    class TLSRecorder extends Recorder {
      handshakeCompleted(): void {
        handshake.callback(undefined);
      }
    }
    const recorder = new TLSRecorder(() => network.seconds());
    client.connectTLS(
      'secure',
      443,
      clientFactoryOf(() => recorder),
      {
        ca: certificate.cert,
        serverName: 'secure',
      },
    );
    await handshake;
    expect(isSSLTransport(recorder.transport!)).toBe(true);
    recorder.transport!.write(encode('secret'));
    await network.runUntil(() => recorder.text === 'secret');
    network.shutdown();
  });
});

describe('STARTTLS on the simulated network', () => {
  it('switches a plain connection to TLS mid-stream on both sides', async () => {
    const network = new SimulatedNetwork({ latency: 0.005 });
    const server = network.addHost('mail');
    const client = network.addHost('laptop');
    const certificate = generateSelfSignedCertificate({ commonName: 'mail', altNames: ['mail'] });
    class ServerSide extends Recorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        if (this.text === 'STARTTLS\n') {
          this.transport!.write(encode('GO\n'));
          (this.transport as unknown as { startTLS(o: object): void }).startTLS({
            credentials: certificate,
          });
        } else if (this.text.endsWith('secret\n')) {
          this.transport!.write(encode('got it\n'));
        }
      }
    }
    const serverSide = new ServerSide(() => network.seconds());
    await server.listenTCP(
      25,
      factoryOf(() => serverSide),
    );
    const clientSide = new Recorder(() => network.seconds());
    client.connectTCP(
      'mail',
      25,
      clientFactoryOf(() => clientSide),
    );
    await network.runUntil(clientSide.made);
    clientSide.transport!.write(encode('STARTTLS\n'));
    await network.runUntil(() => clientSide.text === 'GO\n');
    (clientSide.transport as unknown as { startTLS(o: object): void }).startTLS({
      ca: certificate.cert,
      serverName: 'mail',
    });
    clientSide.transport!.write(encode('secret\n'));
    await network.runUntil(() => clientSide.text === 'GO\ngot it\n');
    expect(isSSLTransport(clientSide.transport!)).toBe(true);
    expect(serverSide.text).toBe('STARTTLS\nsecret\n');
    network.shutdown();
  });
});
