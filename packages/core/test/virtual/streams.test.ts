import { describe, expect, it } from 'vitest';
import {
  ClientFactory,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  ConnectTimeoutError,
  DNSLookupError,
  Deferred,
  Protocol,
  ReconnectingClientFactory,
  clientFromString,
  serverFromString,
  type Failure,
  type IConnector,
  type IPushProducer,
} from '@tw/core';
import { SimulatedNetwork, type SimulatedNetworkOptions } from '@tw/core/virtual';
import { Echo, Recorder, encode, factoryOf } from './helpers.js';

async function echoPair(options: SimulatedNetworkOptions = {}) {
  const network = new SimulatedNetwork({ autoAdvance: false, ...options });
  const server = network.addHost('server');
  const client = network.addHost('client');
  await serverFromString(server, 'tcp:7').listen(factoryOf(() => new Echo()));
  const recorder = new Recorder(() => network.seconds());
  const connected = clientFromString(client, 'tcp:host=server:port=7').connect(
    factoryOf(() => recorder),
  );
  await network.runUntil(connected);
  return { network, server, client, recorder };
}

/** Records how a connection attempt failed. */
class FailureRecorder extends ClientFactory {
  /** Fires with the failure wrapped: a Failure itself would take the errback path. */
  readonly failed = new Deferred<{ value: unknown }>();
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    this.failed.callback({ value: reason.value });
  }
}

describe('streams on the simulated network', () => {
  it('connects by host name, with the hosts addresses, after one round trip', async () => {
    const { network, recorder } = await echoPair({ latency: 0.05 });
    // SYN + SYN-ACK: the client is connected after one round trip.
    expect(network.seconds()).toBeCloseTo(0.1, 9);
    const transport = recorder.transport!;
    expect(transport.getHost()).toMatchObject({ family: 'IPv4', type: 'TCP', host: '10.0.0.2' });
    expect(transport.getPeer()).toEqual({
      family: 'IPv4',
      type: 'TCP',
      host: '10.0.0.1',
      port: 7,
    });
    transport.write(encode('hello'));
    await network.runUntil(() => recorder.text === 'hello');
    network.shutdown();
  });

  it('delivers after the link latency each way', async () => {
    const { network, recorder } = await echoPair({ latency: 0.05 });
    const sentAt = network.seconds();
    recorder.transport!.write(encode('ping'));
    await network.advance(1);
    expect(recorder.arrivals).toHaveLength(1);
    expect(recorder.arrivals[0]!.at - sentAt).toBeCloseTo(0.1, 9);
    network.shutdown();
  });

  it('bandwidth adds serialisation delay: 100 kB at 10 kB/s take 10 s', async () => {
    const { network, recorder } = await echoPair({ latency: 0, bandwidth: 10_000 });
    const start = network.seconds();
    recorder.transport!.write(new Uint8Array(100_000).fill(97));
    await network.runUntil(() => recorder.text.length === 100_000, { timeout: 100 });
    // 10 s out, 10 s back: the echo starts as the first segment arrives, so ~10 s + one segment.
    const elapsed = network.seconds() - start;
    expect(elapsed).toBeGreaterThanOrEqual(10);
    expect(elapsed).toBeLessThan(12);
    network.shutdown();
  });

  it('loss slows a stream down but it stays complete and in order', async () => {
    const run = async (loss: number) => {
      const { network, recorder } = await echoPair({ loss, seed: 3, latency: 0.01 });
      const start = network.seconds();
      const transport = recorder.transport!;
      // 10 kB each: no two fit one 16 KiB segment, so every write is its own segment.
      const parts = Array.from({ length: 20 }, (_, i) => `<${i}>`.padEnd(10_000, '.'));
      for (const part of parts) transport.write(encode(part));
      await network.runUntil(() => recorder.text.length === parts.join('').length, {
        timeout: 600,
      });
      const result = { text: recorder.text, elapsed: network.seconds() - start };
      network.shutdown();
      return { ...result, expected: parts.join('') };
    };
    const clean = await run(0);
    const lossy = await run(0.2);
    expect(clean.text).toBe(clean.expected);
    expect(lossy.text).toBe(lossy.expected);
    expect(lossy.elapsed).toBeGreaterThan(clean.elapsed + 0.9); // at least one retransmission timeout
  });

  it('is deterministic for a seed: same jitter and loss, same arrival times', async () => {
    const trace = async (seed: number) => {
      const { network, recorder } = await echoPair({ seed, jitter: 0.05, loss: 0.2 });
      for (let i = 0; i < 20; i++) recorder.transport!.write(encode(`${i};`));
      await network.runUntil(() => recorder.text.split(';').length === 21, { timeout: 600 });
      network.shutdown();
      return recorder.arrivals.map((arrival) => `${arrival.at.toFixed(9)} ${arrival.text}`);
    };
    const first = await trace(42);
    expect(await trace(42)).toEqual(first);
    expect(await trace(43)).not.toEqual(first);
  });

  it('a closed port refuses after a round trip (ConnectionRefusedError)', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false, latency: 0.02 });
    network.addHost('server');
    const client = network.addHost('client');
    const factory = new FailureRecorder();
    client.connectTCP('server', 80, factory);
    const reason = await network.runUntil(factory.failed);
    expect(reason.value).toBeInstanceOf(ConnectionRefusedError);
    expect(network.seconds()).toBeCloseTo(0.04, 9);
    network.shutdown();
  });

  it('an unknown host name fails with DNSLookupError, through endpoints too', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const client = network.addHost('client');
    const factory = new FailureRecorder();
    client.connectTCP('nowhere', 80, factory);
    expect((await network.runUntil(factory.failed)).value).toBeInstanceOf(DNSLookupError);
    const viaEndpoint = clientFromString(client, 'tcp:host=nowhere:port=80').connect(
      factoryOf(() => new Protocol()),
    );
    await expect(network.runUntil(viaEndpoint)).rejects.toBeTruthy();
    network.shutdown();
  });

  it('connecting across a partition times out after the connect timeout', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const server = network.addHost('server');
    const client = network.addHost('client');
    await serverFromString(server, 'tcp:7').listen(factoryOf(() => new Echo()));
    network.partition(['server'], ['client']);
    const factory = new FailureRecorder();
    client.connectTCP('server', 7, factory, { timeout: 12 });
    expect((await network.runUntil(factory.failed)).value).toBeInstanceOf(ConnectTimeoutError);
    expect(network.seconds()).toBe(12);
    network.shutdown();
  });

  it('a partition delays segments until heal(), in order, and the RTO backs off meanwhile', async () => {
    const { network, recorder } = await echoPair({ retransmitTimeout: 1, userTimeout: 60 });
    network.partition(['server'], ['client']);
    const cutAt = network.seconds();
    recorder.transport!.write(encode('a'));
    recorder.transport!.write(encode('b'));
    await network.advance(20);
    expect(recorder.text).toBe('');
    network.heal();
    await network.runUntil(() => recorder.text === 'ab');
    expect(recorder.lost).toBeNull();
    // Tries at +1, +3, +7, +15 s met the cut (the RTO doubles each time); the one at +31 s,
    // eleven seconds after the heal, gets through: the echo is back one round trip later.
    expect(network.seconds() - cutAt).toBeCloseTo(31 + 2 * 0.001, 6);
    network.shutdown();
  });

  it('the retransmission timeout is capped by maxRetransmitTimeout', async () => {
    const { network, recorder } = await echoPair({ maxRetransmitTimeout: 4, userTimeout: 60 });
    network.partition(['server'], ['client']);
    const cutAt = network.seconds();
    recorder.transport!.write(encode('x'));
    await network.advance(20);
    network.heal();
    await network.runUntil(() => recorder.text === 'x');
    // Tries at +1, +3, +7, +11, +15, +19 (waits 1, 2, 4, 4, 4, 4), then +23 gets through.
    expect(network.seconds() - cutAt).toBeCloseTo(23 + 2 * 0.001, 6);
    network.shutdown();
  });

  it('a partition longer than the user timeout drops a connection that has data to send', async () => {
    const { network, recorder } = await echoPair({ userTimeout: 30 });
    network.partition(['server'], ['client']);
    const start = network.seconds();
    recorder.transport!.write(encode('stuck'));
    await network.runUntil(recorder.closed);
    expect(recorder.lost!.value).toBeInstanceOf(ConnectionLost);
    expect(network.seconds() - start).toBeCloseTo(30, 6);
    network.shutdown();
  });

  it('loseConnection() delivers the data, then both sides see ConnectionDone', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const server = network.addHost('server');
    const client = network.addHost('client');
    const serverSide = new Recorder();
    await serverFromString(server, 'tcp:7').listen(factoryOf(() => serverSide));
    class SendAndClose extends Recorder {
      override connectionMade(): void {
        this.transport!.write(encode('bye now'));
        this.transport!.loseConnection();
        this.transport!.write(encode('dropped'));
      }
    }
    const clientSide = new SendAndClose();
    client.connectTCP(
      'server',
      7,
      new (class extends ClientFactory {
        override buildProtocol() {
          return clientSide;
        }
      })(),
    );
    await network.runUntil(serverSide.closed);
    await network.runUntil(clientSide.closed);
    expect(serverSide.text).toBe('bye now');
    expect(serverSide.lost!.value).toBeInstanceOf(ConnectionDone);
    expect(clientSide.lost!.value).toBeInstanceOf(ConnectionDone);
    network.shutdown();
  });

  it('abortConnection() gives ConnectionLost on both sides', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const server = network.addHost('server');
    const client = network.addHost('client');
    const serverSide = new Recorder();
    await serverFromString(server, 'tcp:7').listen(factoryOf(() => serverSide));
    const clientSide = new Recorder();
    await network.runUntil(
      clientFromString(client, 'tcp:host=server:port=7').connect(factoryOf(() => clientSide)),
    );
    await network.runUntil(serverSide.made);
    clientSide.transport!.abortConnection();
    await network.runUntil(clientSide.closed);
    await network.runUntil(serverSide.closed);
    expect(clientSide.lost!.value).toBeInstanceOf(ConnectionLost);
    expect(serverSide.lost!.value).toBeInstanceOf(ConnectionLost);
    network.shutdown();
  });

  it('writeEOF() half-closes: the peer hears readConnectionLost and can still answer', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const server = network.addHost('server');
    const client = network.addHost('client');
    class UpperOnEOF extends Recorder {
      readConnectionLost(): void {
        this.transport!.write(encode(this.text.toUpperCase()));
        this.transport!.loseConnection();
      }
      writeConnectionLost(): void {}
    }
    const serverSide = new UpperOnEOF();
    await serverFromString(server, 'tcp:7').listen(factoryOf(() => serverSide));
    class HalfClose extends Recorder {
      writeClosed = false;
      override connectionMade(): void {
        this.transport!.write(encode('shout'));
        (this.transport as unknown as { writeEOF(): void }).writeEOF();
      }
      readConnectionLost(): void {}
      writeConnectionLost(): void {
        this.writeClosed = true;
      }
    }
    const clientSide = new HalfClose();
    await network.runUntil(
      clientFromString(client, 'tcp:host=server:port=7').connect(factoryOf(() => clientSide)),
    );
    await network.runUntil(clientSide.closed);
    expect(clientSide.text).toBe('SHOUT');
    expect(clientSide.writeClosed).toBe(true);
    expect(clientSide.lost!.value).toBeInstanceOf(ConnectionDone);
    network.shutdown();
  });

  it('back-pressure: a streaming producer is paused while the peer does not read', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false, sendBufferSize: 10_000 });
    const server = network.addHost('server');
    const client = network.addHost('client');
    const reader = new Recorder();
    await serverFromString(server, 'tcp:7').listen(factoryOf(() => reader));
    const writer = new Recorder();
    await network.runUntil(
      clientFromString(client, 'tcp:host=server:port=7').connect(factoryOf(() => writer)),
    );
    await network.runUntil(reader.made);
    reader.transport!.pauseProducing();
    const events: string[] = [];
    let produced = 0;
    const producer: IPushProducer = {
      pauseProducing: () => events.push('pause'),
      resumeProducing: () => events.push('resume'),
      stopProducing: () => events.push('stop'),
    };
    writer.transport!.registerProducer(producer, true);
    while (events.at(-1) !== 'pause' && produced < 100) {
      writer.transport!.write(new Uint8Array(1000));
      produced++;
    }
    expect(events).toEqual(['pause']);
    expect(produced).toBe(11); // 11 kB written > 10 kB buffer
    await network.advance(10);
    expect(reader.text).toBe('');
    expect(events).toEqual(['pause']);
    reader.transport!.resumeProducing();
    await network.advance(1);
    expect(reader.text.length).toBe(11_000);
    expect(events).toEqual(['pause', 'resume']);
    network.shutdown();
  });

  it('a pull producer is asked for more while the buffer has room', async () => {
    const { network, recorder } = await echoPair({ sendBufferSize: 5000 });
    let chunks = 0;
    const transport = recorder.transport!;
    transport.registerProducer(
      {
        resumeProducing: () => {
          chunks++;
          transport.write(encode('x'.repeat(1000)));
          if (chunks === 20) transport.unregisterProducer();
        },
        stopProducing: () => undefined,
      },
      false,
    );
    await network.runUntil(() => recorder.text.length === 20_000, { timeout: 60 });
    expect(chunks).toBe(20);
    network.shutdown();
  });

  it('listens and connects on localhost within a host, and over Unix sockets', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const host = network.addHost('box');
    await serverFromString(host, 'tcp:9:interface=127.0.0.1').listen(factoryOf(() => new Echo()));
    const local = new Recorder();
    await network.runUntil(
      clientFromString(host, 'tcp:host=127.0.0.1:port=9').connect(factoryOf(() => local)),
    );
    expect(local.transport!.getPeer()).toMatchObject({ host: '127.0.0.1', port: 9 });
    local.transport!.write(encode('loop'));
    await network.runUntil(() => local.text === 'loop');
    // A loopback-only port is not reachable from another host.
    const other = network.addHost('other');
    const refused = new FailureRecorder();
    other.connectTCP('box', 9, refused);
    expect((await network.runUntil(refused.failed)).value).toBeInstanceOf(ConnectionRefusedError);
    await host.listenUNIX(
      '/run/echo.sock',
      factoryOf(() => new Echo()),
    );
    const overUnix = new Recorder();
    await network.runUntil(
      clientFromString(host, 'unix:path=/run/echo.sock').connect(factoryOf(() => overUnix)),
    );
    overUnix.transport!.write(encode('unix'));
    await network.runUntil(() => overUnix.text === 'unix');
    expect(overUnix.transport!.getPeer()).toEqual({ family: 'UNIX', path: '/run/echo.sock' });
    network.shutdown();
  });

  it('a second listen on a used port fails with CannotListenError', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const host = network.addHost('box');
    await host.listenTCP(
      80,
      factoryOf(() => new Echo()),
    );
    await expect(
      network.runUntil(
        host.listenTCP(
          80,
          factoryOf(() => new Echo()),
        ),
      ),
    ).rejects.toThrow(/already in use/);
    const port = await host.listenTCP(
      0,
      factoryOf(() => new Echo()),
    );
    expect(port.getHost()).toMatchObject({ port: 49152 });
    network.shutdown();
  });
});

describe('stream details', () => {
  it('keeps order under jitter: later segments wait for earlier ones', async () => {
    const { network, recorder } = await echoPair({ jitter: 0.2, latency: 0.01, seed: 9 });
    const expected = Array.from({ length: 60 }, (_, i) => `${i},`).join('');
    for (let i = 0; i < 60; i++) recorder.transport!.write(encode(`${i},`));
    await network.runUntil(() => recorder.text.length === expected.length, { timeout: 60 });
    expect(recorder.text).toBe(expected);
    network.shutdown();
  });

  it('keeps order under jitter on a coarse time grid, and delivers only on the grid', async () => {
    const { network, server, recorder } = await echoPair({
      jitter: 0.2,
      latency: 0.01,
      seed: 9,
      timeResolution: 0.01,
    });
    const expected = Array.from({ length: 40 }, (_, i) => `${i},`).join('');
    // One segment each: written at instants of their own, so jitter reorders them in flight.
    for (let i = 0; i < 40; i++) {
      server.callLater(0.001 * i, () => recorder.transport!.write(encode(`${i},`)));
    }
    await network.runUntil(() => recorder.text.length === expected.length, { timeout: 60 });
    expect(recorder.text).toBe(expected);
    // The last segment arrived on the grid (the instant the condition held).
    const slot = network.seconds() / 0.01;
    expect(Math.abs(slot - Math.round(slot))).toBeLessThan(1e-6);
    network.shutdown();
  });

  it('copies written bytes: changing the buffer afterwards changes nothing', async () => {
    const { network, recorder } = await echoPair();
    const buffer = encode('original');
    recorder.transport!.write(buffer);
    buffer.fill(120);
    await network.runUntil(() => recorder.text.length === 8);
    expect(recorder.text).toBe('original');
    network.shutdown();
  });

  it('getDelayedCalls() lists only the calls of that host', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const a = network.addHost('a');
    const b = network.addHost('b');
    const call = a.callLater(5, () => undefined);
    b.callLater(7, () => undefined);
    expect(a.getDelayedCalls()).toEqual([call]);
    expect(b.getDelayedCalls()).toHaveLength(1);
    call.cancel();
    expect(a.getDelayedCalls()).toEqual([]);
    network.shutdown();
  });

  it('refuses bad host names and duplicate hosts', () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    network.addHost('a');
    expect(() => network.addHost('A')).toThrow(/already/);
    expect(() => network.addHost('localhost')).toThrow(/cannot name a host/);
    expect(() => network.addHost('10.0.0.9')).toThrow(/cannot name a host/);
    expect(() => network.host('nope')).toThrow(/addHost/);
    expect(() => new SimulatedNetwork({ loss: 1 })).toThrow(RangeError);
    network.shutdown();
  });

  it('shutdown() closes every connection: protocols see connectionLost', async () => {
    const { network, recorder } = await echoPair();
    network.shutdown();
    expect(recorder.lost).not.toBeNull();
  });
});

describe('per-link conditions', () => {
  it('setLink() changes one link and leaves the others at the defaults', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false, latency: 0.01 });
    const hub = network.addHost('hub');
    const near = network.addHost('near');
    const far = network.addHost('far');
    network.setLink('hub', 'far', { latency: 0.5 });
    await hub.listenTCP(
      7,
      factoryOf(() => new Echo()),
    );
    const connectedAt = async (host: typeof near): Promise<number> => {
      const start = network.seconds();
      const recorder = new Recorder();
      await network.runUntil(
        clientFromString(host, 'tcp:host=hub:port=7').connect(factoryOf(() => recorder)),
      );
      return network.seconds() - start;
    };
    expect(await connectedAt(near)).toBeCloseTo(0.02, 9);
    expect(await connectedAt(far)).toBeCloseTo(1.0, 9);
    expect(network.linkConditions(far, hub).latency).toBe(0.5);
    expect(network.linkConditions(near, far).latency).toBe(0.01);
    network.shutdown();
  });
});

describe('shared links', () => {
  it('connections on one link share its bandwidth', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false, latency: 0, bandwidth: 10_000 });
    const server = network.addHost('server');
    const client = network.addHost('client');
    const sinks: Recorder[] = [];
    await server.listenTCP(
      9,
      factoryOf(() => {
        const sink = new Recorder();
        sinks.push(sink);
        return sink;
      }),
    );
    const senders = [new Recorder(), new Recorder()];
    for (const sender of senders) {
      await network.runUntil(
        clientFromString(client, 'tcp:host=server:port=9').connect(factoryOf(() => sender)),
      );
    }
    await network.runUntil(() => sinks.length === 2 && sinks.every((sink) => sink.connected));
    const start = network.seconds();
    for (const sender of senders) sender.transport!.write(new Uint8Array(20_000).fill(98));
    await network.runUntil(() => sinks.every((sink) => sink.text.length === 20_000), {
      timeout: 60,
    });
    // 40 kB through one 10 kB/s link: 4 s, not the 2 s each would take alone.
    expect(network.seconds() - start).toBeCloseTo(4, 6);
    network.shutdown();
  });
});

describe('write coalescing', () => {
  it('writes of one instant reach the peer as one chunk, as corked Node writes do', async () => {
    const { network, recorder } = await echoPair();
    for (const word of ['one ', 'two ', 'three']) recorder.transport!.write(encode(word));
    await network.runUntil(() => recorder.text === 'one two three');
    expect(recorder.arrivals.map((arrival) => arrival.text)).toEqual(['one two three']);
    recorder.transport!.write(encode('!'));
    await network.advance(0.0005);
    recorder.transport!.write(encode('?'));
    await network.runUntil(() => recorder.text === 'one two three!?');
    expect(recorder.arrivals).toHaveLength(3);
    network.shutdown();
  });
});

describe('reconnecting and shutting down', () => {
  it('ReconnectingClientFactory retries through connector.connect() until the server is back', async () => {
    const network = new SimulatedNetwork({ seed: 4 });
    const server = network.addHost('server');
    const client = network.addHost('client');
    const made: number[] = [];
    class Counting extends Protocol {
      override connectionMade(): void {
        made.push(network.seconds());
      }
    }
    const factory = new ReconnectingClientFactory(Counting, {
      clock: client,
      random: () => 0.5,
    });
    factory.initialDelay = 1;
    client.connectTCP('server', 7, factory);
    await network.advance(10); // refused, again and again, with growing delays
    expect(made).toEqual([]);
    await server.listenTCP(
      7,
      factoryOf(() => new Echo()),
    );
    await network.runUntil(() => made.length === 1, { timeout: 120 });
    expect(made[0]).toBeGreaterThan(10);
    factory.stopTrying();
    network.shutdown();
  });

  it('stop() closes the host ports and connections, then fires run()s Deferred', async () => {
    const { network, server, recorder } = await echoPair();
    const done = server.run();
    server.stop();
    await network.runUntil(done);
    expect(server.running).toBe(false);
    await network.runUntil(recorder.closed);
    expect(recorder.lost).not.toBeNull();
    const refused = new FailureRecorder();
    network.host('client').connectTCP('server', 7, refused);
    expect((await network.runUntil(refused.failed)).value).toBeInstanceOf(ConnectionRefusedError);
    network.shutdown();
  });
});
