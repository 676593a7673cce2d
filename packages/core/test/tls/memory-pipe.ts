/**
 * A tiny in-memory connection for the TLS layer tests: two transports whose writes reach the
 * other side's protocol on a later turn of the event loop (node:tls is asynchronous anyway).
 * Each side can startTLS() through startTLSOn(), the way a non-socket transport gets STARTTLS.
 * `split` cuts every delivered chunk at the given points, to show TLS records may arrive in any
 * pieces.
 */
import { ConnectionDone, ConnectionLost } from '../../src/errors/connection.js';
import { Failure } from '../../src/defer/failure.js';
import type { Address } from '../../src/interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../../src/interfaces/producer.js';
import type { IProtocol } from '../../src/interfaces/protocol.js';
import type { TLSOptions } from '../../src/interfaces/tls.js';
import type { ITLSTransport } from '../../src/interfaces/transport.js';
import { startTLSOn } from '../../src/tls/tls-layer.js';

export interface MemoryPipeOptions {
  /** Cut each delivered chunk into pieces; returns the piece lengths' cut points. */
  readonly split?: (length: number) => number[];
  /** Ask a registered streaming producer to pause when this many bytes are in flight. */
  readonly highWaterMark?: number;
}

export class MemoryPipeTransport implements ITLSTransport {
  disconnecting = false;
  protocol: IProtocol;
  peer!: MemoryPipeTransport;
  /** Every chunk this side wrote to the wire (plaintext or ciphertext), in order. */
  readonly wire: Uint8Array[] = [];
  readingPaused = false;
  producer: IPushProducer | IPullProducer | null = null;
  lost: Failure | null = null;

  private readonly inbox: Uint8Array[] = [];
  /** Who sent what is in the inbox, so their in-flight count drops once it is delivered. */
  private readonly inboxSenders: Array<[number, MemoryPipeTransport]> = [];
  private inFlight = 0;
  private producerPaused = false;
  private flushScheduled = false;
  private closeWhenFlushed: 'clean' | null = null;

  constructor(
    readonly name: string,
    readonly side: 'client' | 'server',
    protocol: IProtocol,
    private readonly options: MemoryPipeOptions,
  ) {
    this.protocol = protocol;
  }

  write(data: Uint8Array): void {
    if (this.disconnecting || this.lost !== null) return;
    this.wire.push(data.slice());
    this.inFlight += data.byteLength;
    this.peer.enqueue(data.slice(), this);
    if (
      this.producer !== null &&
      this.inFlight > (this.options.highWaterMark ?? Infinity) &&
      !this.producerPaused
    ) {
      this.producerPaused = true;
      (this.producer as IPushProducer).pauseProducing();
    }
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) this.write(chunk);
  }

  loseConnection(): void {
    if (this.disconnecting) return;
    this.disconnecting = true;
    // Closed once everything written so far has been delivered.
    this.peer.enqueueClose();
  }

  abortConnection(): void {
    this.disconnecting = true;
    const reason = new Failure(new ConnectionLost('memory pipe aborted'));
    this.endWith(reason);
    this.peer.endWith(new Failure(new ConnectionLost('memory pipe aborted by the peer')));
  }

  getPeer(): Address {
    return { family: 'memory', name: this.peer.name };
  }

  getHost(): Address {
    return { family: 'memory', name: this.name };
  }

  registerProducer(producer: IPushProducer | IPullProducer): void {
    if (this.producer !== null) throw new Error('A producer is already registered.');
    this.producer = producer;
    this.producerPaused = false;
  }

  unregisterProducer(): void {
    this.producer = null;
  }

  pauseProducing(): void {
    this.readingPaused = true;
  }

  resumeProducing(): void {
    this.readingPaused = false;
    this.scheduleFlush();
  }

  stopProducing(): void {
    this.abortConnection();
  }

  startTLS(options: TLSOptions): void {
    this.protocol = startTLSOn(this, this.protocol, options, this.side);
  }

  private enqueue(data: Uint8Array, from: MemoryPipeTransport): void {
    const cuts = this.options.split?.(data.byteLength) ?? [];
    let start = 0;
    for (const cut of [
      ...cuts.filter((c) => c > 0 && c < data.byteLength).sort((a, b) => a - b),
      data.byteLength,
    ]) {
      if (cut > start) this.inbox.push(data.subarray(start, cut));
      start = cut;
    }
    this.inboxSenders.push([data.byteLength, from]);
    this.scheduleFlush();
  }

  private enqueueClose(): void {
    this.closeWhenFlushed = 'clean';
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inbox.length > 0 && !this.readingPaused && this.lost === null) {
      const chunk = this.inbox.shift()!;
      this.protocol.dataReceived(chunk);
    }
    if (this.inbox.length === 0) {
      for (const [bytes, sender] of this.inboxSenders.splice(0)) sender.delivered(bytes);
      if (this.closeWhenFlushed === 'clean' && this.lost === null) {
        this.closeWhenFlushed = null;
        const done = new Failure(new ConnectionDone());
        this.peer.endWith(done);
        this.endWith(new Failure(new ConnectionDone()));
      }
    }
  }

  private delivered(bytes: number): void {
    this.inFlight -= bytes;
    if (
      this.producer !== null &&
      this.producerPaused &&
      this.inFlight <= (this.options.highWaterMark ?? Infinity)
    ) {
      this.producerPaused = false;
      this.producer.resumeProducing();
    }
  }

  private endWith(reason: Failure): void {
    if (this.lost !== null) return;
    this.lost = reason;
    this.disconnecting = true;
    this.inbox.length = 0;
    this.protocol.connectionLost(reason);
  }
}

/** Connect `server` and `client` protocols through a memory pipe; both get makeConnection now. */
export function connectedPipe(
  server: IProtocol,
  client: IProtocol,
  options: MemoryPipeOptions = {},
): { server: MemoryPipeTransport; client: MemoryPipeTransport } {
  const serverTransport = new MemoryPipeTransport('server', 'server', server, options);
  const clientTransport = new MemoryPipeTransport('client', 'client', client, options);
  serverTransport.peer = clientTransport;
  clientTransport.peer = serverTransport;
  server.makeConnection(serverTransport);
  client.makeConnection(clientTransport);
  return { server: serverTransport, client: clientTransport };
}
