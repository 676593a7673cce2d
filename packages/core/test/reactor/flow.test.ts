import { afterEach, describe, expect, it } from 'vitest';

import type { Failure } from '../../src/defer/failure.js';
import { ConnectionDone, ConnectionLost } from '../../src/errors/connection.js';
import type { IPullProducer, IPushProducer } from '../../src/interfaces/producer.js';
import type { IHalfCloseableProtocol } from '../../src/interfaces/protocol.js';
import type { IHalfCloseableTransport } from '../../src/interfaces/transport.js';
import { Protocol } from '../../src/protocol/protocol.js';
import type { NodeReactor } from '../../src/reactor/node/node-reactor.js';
import {
  RecordingClientFactory,
  Recorder,
  encode,
  portOf,
  serverFactory,
  signal,
  startReactor,
  stopReactors,
  type Signal,
} from './harness.js';

afterEach(stopReactors);

const MiB = 1024 * 1024;

/** Listen with `makeServer`, connect a Recorder client; resolve both protocols once connected. */
async function pair<S extends Protocol, C extends Protocol>(
  reactor: NodeReactor,
  makeServer: () => S,
  makeClient: () => C,
): Promise<{ server: S; client: C }> {
  const server = serverFactory(makeServer);
  const serverMade = signal<S>();
  const originalBuild = server.buildProtocol.bind(server);
  server.buildProtocol = (addr) => {
    const protocol = originalBuild(addr)!;
    serverMade.resolve(protocol);
    return protocol;
  };
  const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
  const clientMade = signal<C>();
  const client = new RecordingClientFactory(() => {
    const protocol = makeClient();
    clientMade.resolve(protocol);
    return protocol;
  });
  reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
  return { server: await serverMade.promise, client: await clientMade.promise };
}

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

describe('socket transport flow control', () => {
  it('loseConnection() sends all of a large buffered write before closing', async () => {
    const reactor = startReactor();
    const payload = pattern(8 * MiB);
    class Sender extends Recorder {
      override connectionMade(): void {
        this.transport.write(payload);
        this.transport.loseConnection();
      }
    }
    const { client } = await pair(
      reactor,
      () => new Sender(),
      () => new Recorder(),
    );
    const reason = await client.lost.promise;
    expect(reason.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.received).toBe(payload.byteLength);
    // Compared as a Buffer: a deep toEqual over 8 MiB element by element takes minutes.
    expect(Buffer.from(concat(client.chunks)).equals(payload)).toBe(true);
  });

  it('abortConnection() closes at once with ConnectionLost, discarding unsent data', async () => {
    const reactor = startReactor();
    const payload = pattern(8 * MiB);
    class Aborter extends Recorder {
      override connectionMade(): void {
        this.transport.write(payload);
        this.transport.abortConnection();
      }
    }
    const { server, client } = await pair(
      reactor,
      () => new Aborter(),
      () => new Recorder(),
    );
    expect((await server.lost.promise).check(ConnectionLost)).toBe(ConnectionLost);
    await client.lost.promise;
    expect(client.received).toBeLessThan(payload.byteLength);
  });

  it('pauses a streaming producer while the reader is paused and resumes it when it reads again', async () => {
    const reactor = startReactor();
    const chunk = pattern(64 * 1024);
    const total = 256; // 16 MiB: far beyond what the socket buffers hold
    const calls: string[] = [];
    const paused = signal();
    class Streamer extends Recorder implements IPushProducer {
      sent = 0;
      producing = true;
      override connectionMade(): void {
        this.transport.registerProducer(this, true);
        this.pump();
      }
      pump(): void {
        while (this.producing && this.sent < total) {
          this.sent++;
          this.transport.write(chunk);
        }
        if (this.sent === total) {
          this.transport.unregisterProducer();
          this.transport.loseConnection();
        }
      }
      pauseProducing(): void {
        calls.push('pause');
        this.producing = false;
        paused.resolve();
      }
      resumeProducing(): void {
        calls.push('resume');
        this.producing = true;
        setImmediate(() => this.pump());
      }
      stopProducing(): void {
        calls.push('stop');
      }
    }
    class SlowReader extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        this.transport.pauseProducing(); // stop reading: the sender's buffers fill up
      }
    }
    const { server, client } = await pair(
      reactor,
      () => new Streamer(),
      () => new SlowReader(),
    );
    await paused.promise;
    expect(server.sent).toBeLessThan(total);
    client.transport.resumeProducing();
    const reason = await client.lost.promise;
    expect(reason.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.received).toBe(chunk.byteLength * total);
    expect(calls[0]).toBe('pause');
    expect(calls).toContain('resume');
    expect(calls).not.toContain('stop');
  });

  it('asks a pull producer for a chunk each time the socket can take more', async () => {
    const reactor = startReactor();
    const chunks = Array.from({ length: 50 }, (_, i) => encode(`chunk ${i};`));
    class Puller extends Protocol implements IPullProducer {
      next = 0;
      override connectionMade(): void {
        this.transport.registerProducer(this, false);
      }
      resumeProducing(): void {
        const chunk = chunks[this.next++];
        if (chunk !== undefined) this.transport.write(chunk);
        if (this.next === chunks.length) {
          this.transport.unregisterProducer();
          this.transport.loseConnection();
        }
      }
      stopProducing(): void {}
    }
    const { server, client } = await pair(
      reactor,
      () => new Puller(),
      () => new Recorder(),
    );
    await client.lost.promise;
    expect(server.next).toBe(chunks.length);
    expect(client.text()).toBe(chunks.map((c) => new TextDecoder().decode(c)).join(''));
  });

  it('loseConnection() waits for a registered streaming producer to finish and unregister', async () => {
    const reactor = startReactor();
    let producer: IPushProducer | null = null;
    class Late extends Protocol implements IPushProducer {
      override connectionMade(): void {
        this.transport.registerProducer(this, true);
        this.transport.write(encode('first;'));
        this.transport.loseConnection();
        // eslint-disable-next-line @typescript-eslint/no-this-alias -- the test inspects the producer later
        producer = this;
        reactor.callLater(0.01, () => {
          this.transport.write(encode('last'));
          this.transport.unregisterProducer();
        });
      }
      pauseProducing(): void {}
      resumeProducing(): void {}
      stopProducing(): void {}
    }
    const { client } = await pair(
      reactor,
      () => new Late(),
      () => new Recorder(),
    );
    expect((await client.lost.promise).check(ConnectionDone)).toBe(ConnectionDone);
    expect(producer).not.toBeNull();
    expect(client.text()).toBe('first;last');
  });

  it('half-close: writeEOF() reaches readConnectionLost() and the other side can still answer', async () => {
    const reactor = startReactor();
    const events: string[] = [];
    class HalfCloser extends Recorder implements IHalfCloseableProtocol {
      constructor(
        readonly name: string,
        readonly peerEOF: Signal<void>,
      ) {
        super();
      }
      readConnectionLost(): void {
        events.push(`${this.name}: read closed after "${this.text()}"`);
        this.peerEOF.resolve();
      }
      writeConnectionLost(): void {
        events.push(`${this.name}: write closed`);
      }
    }
    const serverEOF = signal();
    const clientEOF = signal();
    const { server, client } = await pair(
      reactor,
      () => new HalfCloser('server', serverEOF),
      () => new HalfCloser('client', clientEOF),
    );
    await client.made.promise;
    const transport = client.transport as IHalfCloseableTransport;
    transport.write(encode('question'));
    transport.writeEOF();
    await serverEOF.promise;
    server.transport.write(encode('answer'));
    (server.transport as IHalfCloseableTransport).writeEOF();
    await clientEOF.promise;
    const [serverReason, clientReason] = await Promise.all([
      server.lost.promise,
      client.lost.promise,
    ]);
    expect(serverReason.check(ConnectionDone)).toBe(ConnectionDone);
    expect(clientReason.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.text()).toBe('answer');
    expect(events).toContain('server: read closed after "question"');
    expect(events).toContain('client: read closed after "answer"');
    expect(events).toContain('client: write closed');
    expect(events).toContain('server: write closed');
  });

  it('a protocol that cannot half-close is closed cleanly by the peer’s EOF', async () => {
    const reactor = startReactor();
    const { server, client } = await pair(
      reactor,
      () => new Recorder(),
      () => new Recorder(),
    );
    await client.made.promise;
    client.transport.write(encode('only this'));
    (client.transport as IHalfCloseableTransport).writeEOF();
    const reason: Failure = await server.lost.promise;
    expect(reason.check(ConnectionDone)).toBe(ConnectionDone);
    expect(server.text()).toBe('only this');
    await client.lost.promise;
  });
});
