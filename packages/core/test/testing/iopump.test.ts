import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import {
  Clock,
  ConnectionDone,
  ConnectionLost,
  Factory,
  LoopingCall,
  Protocol,
  type IPullProducer,
  type IPushProducer,
} from '../../src/index.js';
import { arbitraryChunkSplitter } from '../../src/testing/split-feeder.js';
import {
  concatBytes,
  connectedPair,
  connectedServerAndClient,
  type FakeTransport,
} from '../../src/testing/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Records every chunk it receives and how its connection ended. */
class Recorder extends Protocol {
  readonly chunks: Uint8Array[] = [];
  lostReason: Failure | null = null;
  lostCount = 0;

  override dataReceived(data: Uint8Array): void {
    this.chunks.push(data.slice());
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lostReason = reason;
    this.lostCount++;
  }

  received(): string {
    return decode(concatBytes(this.chunks));
  }
}

/** Writes back everything it receives. */
class Echo extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    this.transport.write(data);
  }
}

/** Sends a greeting as soon as it is connected. */
class Greeter extends Recorder {
  override connectionMade(): void {
    this.transport.write(encode('220 ready\r\n'));
  }
}

describe('IOPump', () => {
  it('exchanges greetings on connect and moves bytes both ways on flush()', () => {
    const { server, client, pump } = connectedPair(new Greeter(), new Recorder());
    expect(client.received()).toBe('220 ready\r\n');
    client.transport.write(encode('HELO x\r\n'));
    expect(server.received()).toBe('');
    expect(pump.flush()).toBe(true);
    expect(server.received()).toBe('HELO x\r\n');
    expect(pump.flush()).toBe(false);
  });

  it('holds bytes until flush() when greet is false', () => {
    const { client, pump } = connectedPair(new Greeter(), new Recorder(), { greet: false });
    expect(client.chunks).toEqual([]);
    pump.pump();
    expect(client.received()).toBe('220 ready\r\n');
  });

  it('delivers the same bytes in the same order for any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
        arbitraryChunkSplitter(7),
        (writes, split) => {
          const { server, client, pump } = connectedPair(new Echo(), new Recorder(), { split });
          for (const data of writes) client.transport.write(data);
          pump.flush();
          const sent = concatBytes(writes);
          expect(concatBytes(server.chunks)).toEqual(sent);
          expect(concatBytes(client.chunks)).toEqual(sent);
        },
      ),
    );
  });

  it('cuts deliveries to chunkSize bytes', () => {
    const { server, client, pump } = connectedPair(new Recorder(), new Recorder(), {
      chunkSize: 3,
    });
    client.transport.write(encode('abcdefgh'));
    pump.flush();
    expect(server.chunks.map(decode)).toEqual(['abc', 'def', 'gh']);
  });

  it('builds both protocols with their factories in connectedServerAndClient', () => {
    const { server, client } = connectedServerAndClient(
      new Factory(Greeter),
      new Factory(Recorder),
    );
    expect(server).toBeInstanceOf(Greeter);
    expect(server.factory).not.toBeNull();
    expect(client.received()).toBe('220 ready\r\n');
  });

  it('advances the clock on every step', () => {
    const clock = new Clock();
    const { server, client, pump } = connectedPair(new Recorder(), new Recorder(), {
      clock,
      clockStep: 1,
    });
    const loop = new LoopingCall(clock, () => client.transport.write(encode('.')));
    loop.start(1, false);
    for (let i = 0; i < 3; i++) pump.pump();
    loop.stop();
    pump.flush();
    // The greeting flush took one quiet step (to 1 s); the loop started then, so the next
    // three steps ran its calls at 2, 3 and 4 s; the last flush ran after stop().
    expect(server.received()).toBe('...');
  });

  it('gives up flushing a conversation that never ends', () => {
    class PingPong extends Recorder {
      override dataReceived(data: Uint8Array): void {
        this.transport.write(data);
      }
    }
    const { client, pump } = connectedPair(new PingPong(), new PingPong(), { maxSteps: 50 });
    client.transport.write(encode('ping'));
    expect(() => pump.flush()).toThrow(/50 steps/);
  });
});

describe('IOPump closing', () => {
  it('loseConnection() delivers buffered bytes first, then ConnectionDone to both sides', () => {
    const { server, client, pump } = connectedPair(new Recorder(), new Recorder());
    server.transport.write(encode('bye\r\n'));
    server.transport.loseConnection();
    server.transport.write(encode('dropped'));
    pump.flush();
    expect(client.received()).toBe('bye\r\n');
    expect(server.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect([server.lostCount, client.lostCount]).toEqual([1, 1]);
  });

  it('abortConnection() discards unsent bytes and gives both sides ConnectionLost', () => {
    const { server, client, pump } = connectedPair(new Recorder(), new Recorder());
    client.transport.write(encode('never arrives'));
    client.transport.abortConnection();
    pump.flush();
    expect(server.chunks).toEqual([]);
    expect(client.lostReason?.check(ConnectionLost)).toBe(ConnectionLost);
    expect(server.lostReason?.check(ConnectionLost)).toBe(ConnectionLost);
    expect(server.lostReason?.check(ConnectionDone)).toBeNull();
  });

  it('writeEOF() half-closes: a half-closeable peer reads EOF and may still answer', () => {
    class HalfCloser extends Recorder {
      readonly events: string[] = [];
      readConnectionLost(): void {
        this.events.push('read lost');
        this.transport.write(encode('answer after EOF'));
        (this.transport as FakeTransport).writeEOF();
      }
      writeConnectionLost(): void {
        this.events.push('write lost');
      }
    }
    const { server, client, clientTransport, pump } = connectedPair(
      new HalfCloser(),
      new HalfCloser(),
    );
    client.transport.write(encode('request'));
    clientTransport.writeEOF();
    pump.flush();
    expect(server.received()).toBe('request');
    expect(client.received()).toBe('answer after EOF');
    expect(client.events).toEqual(['write lost', 'read lost']);
    expect(server.events).toEqual(['read lost', 'write lost']);
    expect(server.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('writeEOF() to a protocol that cannot half-close drops the connection cleanly', () => {
    const { server, client, clientTransport, pump } = connectedPair(new Recorder(), new Recorder());
    clientTransport.writeEOF();
    pump.flush();
    expect(server.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
  });
});

/** Writes `chunk` repeatedly while not paused, `total` times in all. */
class StreamingProducer implements IPushProducer {
  readonly events: string[] = [];
  written = 0;
  paused = false;
  constructor(
    private readonly transport: FakeTransport,
    private readonly chunk: Uint8Array,
    private readonly total: number,
  ) {}
  resumeProducing(): void {
    this.events.push('resume');
    this.paused = false;
    this.produce();
  }
  pauseProducing(): void {
    this.events.push('pause');
    this.paused = true;
  }
  stopProducing(): void {
    this.events.push('stop');
  }
  produce(): void {
    while (!this.paused && this.written < this.total) {
      this.written++;
      this.transport.write(this.chunk);
    }
    if (this.written === this.total) this.transport.unregisterProducer();
  }
}

describe('IOPump flow control', () => {
  it('pauses a push producer when the buffer passes bufferSize and resumes it once drained', () => {
    const { server, client, serverTransport, pump } = connectedPair(
      new Recorder(),
      new Recorder(),
      {
        bufferSize: 4096,
      },
    );
    const producer = new StreamingProducer(serverTransport, new Uint8Array(1024).fill(7), 20);
    serverTransport.registerProducer(producer, true);
    producer.produce();
    expect(producer.events).toEqual(['pause']);
    expect(producer.written).toBe(5); // the write that crossed 4 KiB paused it
    pump.flush();
    expect(concatBytes(client.chunks).byteLength).toBe(20 * 1024);
    // Rounds of five 1 KiB writes: each fills the buffer past 4 KiB, each drain resumes it.
    expect(producer.events).toEqual([
      'pause',
      'resume',
      'pause',
      'resume',
      'pause',
      'resume',
      'pause',
    ]);
    expect(serverTransport.producer).toBeNull();
    expect(server.connected).toBe(true);
  });

  it("holds bytes back while the reader is paused, so the writer's producer stays paused", () => {
    const { client, serverTransport, clientTransport, pump } = connectedPair(
      new Recorder(),
      new Recorder(),
      {
        bufferSize: 2048,
      },
    );
    const producer = new StreamingProducer(serverTransport, new Uint8Array(1024), 10);
    serverTransport.registerProducer(producer, true);
    clientTransport.pauseProducing();
    producer.produce();
    pump.flush();
    expect(client.chunks).toEqual([]);
    expect(producer.paused).toBe(true);
    expect(serverTransport.bufferedBytes).toBe(3 * 1024);
    clientTransport.resumeProducing();
    pump.flush();
    expect(concatBytes(client.chunks).byteLength).toBe(10 * 1024);
  });

  it('keeps the rest of a delivery when the receiver pauses part-way', () => {
    class PausesAfterFirstChunk extends Recorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        this.transport.pauseProducing();
      }
    }
    const { server, client, serverTransport, pump } = connectedPair(
      new PausesAfterFirstChunk(),
      new Recorder(),
      {
        chunkSize: 2,
      },
    );
    client.transport.write(encode('abcdef'));
    pump.flush();
    expect(server.received()).toBe('ab');
    serverTransport.resumeProducing();
    pump.flush();
    expect(server.received()).toBe('abcd');
  });

  it('asks a pull producer for a chunk whenever the buffer is empty', () => {
    const { server, clientTransport, pump } = connectedPair(new Recorder(), new Recorder());
    let left = 3;
    const producer: IPullProducer = {
      resumeProducing() {
        clientTransport.write(encode(`chunk${left}.`));
        if (--left === 0) clientTransport.unregisterProducer();
      },
      stopProducing() {},
    };
    clientTransport.registerProducer(producer, false);
    pump.flush();
    expect(server.received()).toBe('chunk3.chunk2.chunk1.');
  });

  it('closes only after the registered producer unregisters, and stops a producer on connection loss', () => {
    const { server, client, serverTransport, clientTransport, pump } = connectedPair(
      new Recorder(),
      new Recorder(),
      {
        bufferSize: 1024,
      },
    );
    const producer = new StreamingProducer(serverTransport, new Uint8Array(600), 4);
    serverTransport.registerProducer(producer, true);
    serverTransport.loseConnection();
    pump.flush();
    expect(server.lostCount).toBe(0); // still producing: no close yet
    producer.produce();
    pump.flush();
    expect(concatBytes(client.chunks).byteLength).toBe(2400);
    expect(client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);

    const other = connectedPair(new Recorder(), new Recorder());
    const stuck = new StreamingProducer(other.serverTransport, new Uint8Array(1), 1);
    other.serverTransport.registerProducer(stuck, true);
    other.clientTransport.abortConnection();
    other.pump.flush();
    expect(stuck.events).toEqual(['stop']);
    expect(other.serverTransport.disconnected).toBe(true);
    expect(clientTransport.disconnected).toBe(true);
  });
});
