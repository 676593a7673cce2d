import { ipv4Address } from '../address/address.js';
import { ConnectionDone, ConnectionLost } from '../errors/connection.js';
import { Failure } from '../defer/failure.js';
import type { Address } from '../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../interfaces/producer.js';
import type { IProtocol } from '../interfaces/protocol.js';
import type { IHalfCloseableTransport, ITLSTransport } from '../interfaces/transport.js';
import type { TLSOptions } from '../interfaces/tls.js';

export type ProducerState = 'producing' | 'paused' | 'stopped';

const textDecoder = new TextDecoder();

/**
 * A transport that records what the protocol writes, for unit tests (Twisted's StringTransport).
 * Nothing is sent anywhere: read `value()` / `text()`, then `clear()`. It tracks a registered
 * producer, whether the protocol paused the transport's reading, and close requests.
 *
 * By default closing only sets flags; pass `{ protocol }` (or call `connect(protocol)`) to have
 * loseConnection()/abortConnection() deliver connectionLost() to it, as a real transport would.
 */
export class StringTransport implements ITLSTransport, IHalfCloseableTransport {
  /** Every chunk written, in order. */
  readonly written: Uint8Array[] = [];
  disconnecting = false;
  /** True once abortConnection() was called. */
  aborted = false;
  /** True once writeEOF() was called. */
  eofWritten = false;
  /** The options of the last startTLS() call, or null. */
  tlsOptions: TLSOptions | null = null;
  producer: IPushProducer | IPullProducer | null = null;
  streaming: boolean | null = null;
  /** Whether the protocol paused, resumed or stopped the transport's own reading. */
  producerState: ProducerState = 'producing';
  protocol: IProtocol | null;

  private readonly peer: Address;
  private readonly host: Address;
  private lost = false;

  constructor(options: { peer?: Address; host?: Address; protocol?: IProtocol } = {}) {
    this.peer = options.peer ?? ipv4Address('TCP', '192.168.1.1', 54321);
    this.host = options.host ?? ipv4Address('TCP', '10.0.0.1', 12345);
    this.protocol = options.protocol ?? null;
  }

  /** Attach `protocol` to this transport (makeConnection) and remember it for close delivery. */
  connect(protocol: IProtocol): this {
    this.protocol = protocol;
    protocol.makeConnection(this);
    return this;
  }

  /** All bytes written so far, concatenated. */
  value(): Uint8Array {
    return concatBytes(this.written);
  }

  /** All bytes written so far, decoded as UTF-8. */
  text(): string {
    return textDecoder.decode(this.value());
  }

  /** Forget what was written so far. */
  clear(): void {
    this.written.length = 0;
  }

  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    this.written.push(data.slice());
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) this.write(chunk);
  }

  loseConnection(): void {
    if (this.disconnecting) return;
    this.disconnecting = true;
    this.deliverLost(new ConnectionDone());
  }

  abortConnection(): void {
    this.aborted = true;
    this.disconnecting = true;
    this.deliverLost(new ConnectionLost('Connection aborted.'));
  }

  writeEOF(): void {
    this.eofWritten = true;
  }

  startTLS(options: TLSOptions): void {
    this.tlsOptions = options;
  }

  getPeer(): Address {
    return this.peer;
  }

  getHost(): Address {
    return this.host;
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new Error('A producer is already registered; unregisterProducer() first.');
    }
    this.producer = producer;
    this.streaming = streaming;
    if (!streaming) producer.resumeProducing();
  }

  unregisterProducer(): void {
    this.producer = null;
    this.streaming = null;
  }

  pauseProducing(): void {
    this.producerState = 'paused';
  }

  resumeProducing(): void {
    this.producerState = 'producing';
  }

  stopProducing(): void {
    this.producerState = 'stopped';
  }

  /** Deliver connectionLost(reason) to the attached protocol, once (e.g. the peer went away). */
  reportDisconnect(reason: unknown = new ConnectionDone()): void {
    this.deliverLost(reason);
  }

  private deliverLost(reason: unknown): void {
    if (this.lost || this.protocol === null) return;
    this.lost = true;
    this.protocol.connectionLost(Failure.from(reason));
  }
}

/** Concatenate byte chunks into one Uint8Array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
