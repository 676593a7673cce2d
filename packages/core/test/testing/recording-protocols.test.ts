import { afterEach, describe, expect, it } from 'vitest';

import { ConnectionDone } from '../../src/errors/connection.js';
import { ClientFactory, Factory } from '../../src/protocol/factory.js';
import {
  Echo,
  NodeReactorHarness,
  Recorder,
  StringTransport,
  connectedPair,
} from '../../src/testing/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('Recorder', () => {
  it('keeps chunks, counts bytes and decodes a character split across chunks', () => {
    const recorder = new Recorder();
    recorder.makeConnection(new StringTransport());
    expect(recorder.made.fired).toBe(true);
    expect(recorder.lostReason).toBeNull();
    const euro = encode('€');
    recorder.dataReceived(encode('a'));
    recorder.dataReceived(euro.subarray(0, 1));
    recorder.dataReceived(euro.subarray(1));
    expect(recorder.chunks).toHaveLength(3);
    expect(recorder.received).toBe(4);
    expect(recorder.text()).toBe('a€');
    expect(recorder.bytes()).toEqual(encode('a€'));
  });

  it('resolves waitForBytes and waitForText once enough has arrived', async () => {
    const recorder = new Recorder();
    recorder.makeConnection(new StringTransport());
    const bytes = recorder.waitForBytes(5);
    const text = recorder.waitForText(/wor\w+/);
    let done = false;
    void bytes.then(() => (done = true));
    recorder.dataReceived(encode('hell'));
    await Promise.resolve();
    expect(done).toBe(false);
    recorder.dataReceived(encode('o world'));
    await bytes;
    await expect(text).resolves.toBe('world');
    await expect(recorder.waitForBytes(3)).resolves.toBeUndefined();
  });
});

describe('Echo', () => {
  it('writes back what it receives and records it, in memory', async () => {
    const { client, server, pump } = connectedPair(new Echo(), new Recorder());
    client.transport.write(encode('ping'));
    pump.flush();
    expect(server.text()).toBe('ping');
    expect(client.text()).toBe('ping');
    client.transport.loseConnection();
    pump.flush();
    expect((await client.waitForLost()).check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect(server.lostReason).not.toBeNull();
  });
});

describe('NodeReactorHarness', () => {
  const reactors = new NodeReactorHarness();
  afterEach(() => reactors.stopAll());

  it('runs a reactor for the test; cleanups run before it stops', async () => {
    const reactor = reactors.start();
    expect(reactor.running).toBe(true);
    const port = await reactor.listenTCP(
      0,
      Factory.forProtocol(() => new Echo()),
      { interface: '127.0.0.1' },
    );
    const order: string[] = [];
    reactors.addCleanup(async () => {
      order.push(`stop listening while running=${String(reactor.running)}`);
      await port.stopListening();
    });
    const address = port.getHost();
    if (address.family !== 'IPv4') throw new Error('expected IPv4');
    const client = new Recorder();
    const clientFactory = new ClientFactory<Recorder>();
    clientFactory.buildProtocol = () => client;
    reactor.connectTCP('127.0.0.1', address.port, clientFactory);
    await client.made.promise;
    client.transport.write(encode('over tcp'));
    await client.waitForText('over tcp');
    client.transport.loseConnection();
    await client.waitForLost();
    await reactors.stopAll();
    expect(order).toEqual(['stop listening while running=true']);
    expect(reactor.running).toBe(false);
  });

  it('stops every reactor even when a cleanup throws, then rethrows', async () => {
    const reactor = reactors.start();
    reactors.addCleanup(() => {
      throw new Error('cleanup failed');
    });
    await expect(reactors.stopAll()).rejects.toThrow('cleanup failed');
    expect(reactor.running).toBe(false);
  });
});
