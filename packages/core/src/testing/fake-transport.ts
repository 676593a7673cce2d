import { Failure } from '../defer/failure.js';
import type { Address } from '../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../interfaces/producer.js';
import type { IHalfCloseableProtocol, IProtocol } from '../interfaces/protocol.js';
import type { TLSOptions } from '../interfaces/tls.js';
import type { IHalfCloseableTransport, ITLSTransport } from '../interfaces/transport.js';
import { startTLSOn } from '../tls/tls-layer.js';
import { concatBytes, type ProducerState } from './string-transport.js';

/** Default outgoing buffer size above which a registered push producer is paused (64 KiB). */
export const DEFAULT_FAKE_BUFFER_SIZE = 64 * 1024;

export interface FakeTransportOptions {
  readonly host: Address;
  readonly peer: Address;
  /** Which end this is: decides the TLS side for startTLS(). */
  readonly isServer: boolean;
  /** Outgoing bytes above which a registered push producer is paused (default 64 KiB). */
  readonly bufferSize?: number;
}

/**
 * One end of an in-memory connection (Twisted's iosim.FakeTransport). Writes collect in an
 * outgoing buffer that an IOPump moves to the other end. It behaves as a real stream transport
 * does where tests can observe it:
 * - a push producer registered here is paused when more than `bufferSize` bytes are waiting and
 *   resumed once the buffer has drained; a pull producer is asked for more whenever it is empty;
 * - pauseProducing() (the protocol pausing its transport) holds incoming bytes back, so the
 *   peer's buffer fills and the peer's producer is paused in turn;
 * - loseConnection() closes after buffered data and once any producer unregistered;
 *   abortConnection() drops everything at the next pump; writeEOF() half-closes;
 * - startTLS() runs the TLS layer (tls/tls-layer.ts) over the pipe.
 * The IOPump decides when things happen; on its own, this transport only records.
 */
export class FakeTransport implements IHalfCloseableTransport, ITLSTransport {
  /** The protocol receiving this end's bytes (the TLS layer once startTLS() was called). */
  protocol: IProtocol;
  readonly isServer: boolean;
  readonly bufferSize: number;
  disconnecting = false;
  /** True once abortConnection() was called. */
  aborted = false;
  /** True once connectionLost() was delivered to this end's protocol. */
  disconnected = false;
  /** writeEOF() was called; the EOF goes out once the buffer drains. */
  eofRequested = false;
  /** The EOF went out: the peer saw readConnectionLost(). */
  eofSent = false;
  /** The peer's EOF arrived: this end's protocol saw readConnectionLost(). */
  eofReceived = false;
  /** Whether this end's protocol paused, resumed or stopped reading from the transport. */
  readingState: ProducerState = 'producing';
  producer: IPushProducer | IPullProducer | null = null;
  streaming: boolean | null = null;
  /** True while this transport holds the registered push producer paused for back-pressure. */
  producerPaused = false;
  /** How many bytes the protocol has written in all. */
  bytesWritten = 0;

  private readonly host: Address;
  private readonly peer: Address;
  private outgoing: Uint8Array[] = [];
  private outgoingBytes = 0;

  constructor(protocol: IProtocol, options: FakeTransportOptions) {
    this.protocol = protocol;
    this.isServer = options.isServer;
    this.host = options.host;
    this.peer = options.peer;
    this.bufferSize = options.bufferSize ?? DEFAULT_FAKE_BUFFER_SIZE;
  }

  /** Bytes written and not yet moved to the peer. */
  get bufferedBytes(): number {
    return this.outgoingBytes;
  }

  /**
   * Written bytes are dropped once closing or half-closed, as ITransport promises — except a
   * registered producer's, which loseConnection() waits for (as the Node transports do).
   */
  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    if (this.disconnected || this.aborted || this.eofRequested || data.byteLength === 0) return;
    if (this.disconnecting && this.producer === null) return;
    this.outgoing.push(data.slice());
    this.outgoingBytes += data.byteLength;
    this.bytesWritten += data.byteLength;
    this.pauseProducerIfFull();
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) this.write(chunk);
  }

  loseConnection(): void {
    this.disconnecting = true;
  }

  abortConnection(): void {
    if (this.disconnected) return;
    this.aborted = true;
    this.disconnecting = true;
  }

  writeEOF(): void {
    this.eofRequested = true;
  }

  startTLS(options: TLSOptions): void {
    this.protocol = startTLSOn(this, this.protocol, options, this.isServer ? 'server' : 'client');
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
    if (this.disconnected) {
      producer.stopProducing();
      return;
    }
    this.producer = producer;
    this.streaming = streaming;
    this.producerPaused = false;
    if (streaming) this.pauseProducerIfFull();
    else producer.resumeProducing();
  }

  unregisterProducer(): void {
    this.producer = null;
    this.streaming = null;
    this.producerPaused = false;
  }

  pauseProducing(): void {
    if (this.readingState === 'producing') this.readingState = 'paused';
  }

  resumeProducing(): void {
    if (this.readingState === 'paused') this.readingState = 'producing';
  }

  /** As on a real transport, a consumer that stops us for good closes the connection. */
  stopProducing(): void {
    this.readingState = 'stopped';
    this.loseConnection();
  }

  /** True when this end would take delivery of incoming bytes now. */
  get canReceive(): boolean {
    return !this.disconnected && !this.disconnecting && this.readingState === 'producing';
  }

  /** True when this end has closed its reading side for good (bytes sent to it are dropped). */
  get readingClosed(): boolean {
    return this.disconnected || this.disconnecting || this.readingState === 'stopped';
  }

  /** @internal IOPump: take every buffered byte, as one array. */
  takeOutgoing(): Uint8Array | null {
    if (this.outgoingBytes === 0) return null;
    const data = concatBytes(this.outgoing);
    this.outgoing = [];
    this.outgoingBytes = 0;
    return data;
  }

  /** @internal IOPump: bytes the peer could not take yet go back to the front of the buffer. */
  putBack(data: Uint8Array): void {
    if (data.byteLength === 0) return;
    this.outgoing.unshift(data);
    this.outgoingBytes += data.byteLength;
  }

  /** @internal IOPump: the buffer was (partly) drained; let producers write again. */
  drained(): void {
    const producer = this.producer;
    if (producer === null || this.disconnected || this.outgoingBytes > 0) return;
    if (this.streaming === false) {
      producer.resumeProducing();
    } else if (this.producerPaused) {
      this.producerPaused = false;
      (producer as IPushProducer).resumeProducing();
    }
  }

  /** @internal IOPump: drop everything buffered (the connection is gone). */
  discardOutgoing(): void {
    this.outgoing = [];
    this.outgoingBytes = 0;
  }

  /** @internal IOPump: the peer's EOF arrived. */
  deliverEOF(): void {
    this.eofReceived = true;
    (this.protocol as IHalfCloseableProtocol).readConnectionLost();
  }

  /** @internal IOPump: deliver connectionLost once; a registered producer is stopped first. */
  deliverConnectionLost(reason: unknown): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.disconnecting = true;
    this.discardOutgoing();
    const producer = this.producer;
    this.unregisterProducer();
    producer?.stopProducing();
    this.protocol.connectionLost(Failure.from(reason));
  }

  private pauseProducerIfFull(): void {
    if (this.streaming === true && !this.producerPaused && this.outgoingBytes > this.bufferSize) {
      this.producerPaused = true;
      (this.producer as IPushProducer).pauseProducing();
    }
  }
}

export { isHalfCloseableProtocol } from '../transport/capabilities.js';
