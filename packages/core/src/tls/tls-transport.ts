import type * as tls from 'node:tls';

import type { Address } from '../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../interfaces/producer.js';
import type { PeerCertificate } from '../interfaces/tls.js';
import type { ISSLTransport, ITransport } from '../interfaces/transport.js';
import { peerCertificateOf } from './node-tls.js';

/** What the TLS transport needs from the layer that owns it (TLSProtocolWrapper). */
export interface TLSLayerControl {
  /** The plain transport the TLS records travel over. */
  readonly plainTransport: ITransport;
  readonly tlsEstablished: boolean;
  /** The application paused (true) or resumed (false) reading. */
  setApplicationReadingPaused(paused: boolean): void;
  /** Drop the connection now, unsent data discarded. */
  abort(): void;
}

/**
 * The transport an application protocol sees when it runs over the TLS layer: writes are
 * encrypted, reads are decrypted, and it tells about the TLS session (ISSLTransport).
 *
 * Flow control, both ways, as Twisted's TLSMemoryBIOProtocol does it:
 * - Writing: a producer registered here is paused when node:tls's write buffer is full or when
 *   the plain transport underneath asks its producer to pause (this transport registers a
 *   stand-in producer on it), and resumed when both have room again.
 * - Reading: pauseProducing() stops decrypted data and, through the plain transport, the
 *   ciphertext behind it.
 */
export class TLSTransport implements ITransport, ISSLTransport {
  disconnecting = false;

  private readonly layer: TLSLayerControl;
  private socket: tls.TLSSocket | null = null;
  private producer: IPushProducer | IPullProducer | null = null;
  private streamingProducer = false;
  /** Whether our stand-in producer is registered on the plain transport. */
  private membraneRegistered = false;
  private pausedByPlainTransport = false;
  private pausedByTLSBuffer = false;
  private producerPaused = false;
  /** loseConnection() came while a producer was registered: end when it unregisters. */
  private endWhenProducerLeaves = false;

  constructor(layer: TLSLayerControl) {
    this.layer = layer;
  }

  /** Called once by the layer when node:tls is running. */
  attach(socket: tls.TLSSocket): void {
    this.socket = socket;
    socket.on('drain', () => {
      this.pausedByTLSBuffer = false;
      this.updateProducer();
    });
  }

  get tlsEstablished(): boolean {
    return this.layer.tlsEstablished;
  }

  write(data: Uint8Array): void {
    const socket = this.socket;
    if (socket === null || socket.destroyed || socket.writableEnded) return;
    if (this.disconnecting && !this.endWhenProducerLeaves) return;
    if (!socket.write(data)) {
      this.pausedByTLSBuffer = true;
      this.updateProducer();
    }
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    this.socket?.cork();
    try {
      for (const chunk of chunks) this.write(chunk);
    } finally {
      this.socket?.uncork();
    }
  }

  /** Send what is buffered (and the producer's output), then close_notify, then close. */
  loseConnection(): void {
    if (this.disconnecting) return;
    this.disconnecting = true;
    if (this.producer !== null) {
      this.endWhenProducerLeaves = true;
      return;
    }
    this.socket?.end();
  }

  abortConnection(): void {
    this.disconnecting = true;
    this.layer.abort();
  }

  getPeer(): Address {
    return this.layer.plainTransport.getPeer();
  }

  getHost(): Address {
    return this.layer.plainTransport.getHost();
  }

  getPeerCertificate(): PeerCertificate | null {
    return this.socket === null || !this.layer.tlsEstablished
      ? null
      : peerCertificateOf(this.socket);
  }

  getNegotiatedProtocol(): string | null {
    const protocol = this.socket?.alpnProtocol;
    return typeof protocol === 'string' ? protocol : null;
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new Error(
        'A producer is already registered on this TLS transport; unregisterProducer() first.',
      );
    }
    this.producer = producer;
    this.streamingProducer = streaming;
    this.producerPaused = false;
    try {
      this.layer.plainTransport.registerProducer(this.membraneFor(producer, streaming), streaming);
      this.membraneRegistered = true;
    } catch {
      // The plain transport already has a producer (one registered before STARTTLS). We still
      // pause on node:tls's own buffer; the plain transport's back-pressure is not seen.
      this.membraneRegistered = false;
    }
    this.updateProducer();
  }

  unregisterProducer(): void {
    if (this.producer === null) return;
    this.producer = null;
    this.pausedByPlainTransport = false;
    if (this.membraneRegistered) {
      this.membraneRegistered = false;
      this.layer.plainTransport.unregisterProducer();
    }
    if (this.endWhenProducerLeaves) {
      this.endWhenProducerLeaves = false;
      this.socket?.end();
    }
  }

  pauseProducing(): void {
    this.layer.setApplicationReadingPaused(true);
  }

  resumeProducing(): void {
    this.layer.setApplicationReadingPaused(false);
  }

  stopProducing(): void {
    this.abortConnection();
  }

  /** The connection is over: a registered producer stops for good. */
  connectionEnded(): void {
    const producer = this.producer;
    if (producer === null) return;
    this.producer = null;
    this.membraneRegistered = false;
    producer.stopProducing();
  }

  /** Stands in for the application's producer on the plain transport, so its pauses reach us. */
  private membraneFor(
    producer: IPushProducer | IPullProducer,
    streaming: boolean,
  ): IPushProducer | IPullProducer {
    if (!streaming) {
      return {
        resumeProducing: () => producer.resumeProducing(),
        stopProducing: () => producer.stopProducing(),
      };
    }
    return {
      pauseProducing: () => {
        this.pausedByPlainTransport = true;
        this.updateProducer();
      },
      resumeProducing: () => {
        this.pausedByPlainTransport = false;
        this.updateProducer();
      },
      stopProducing: () => producer.stopProducing(),
    };
  }

  private updateProducer(): void {
    const producer = this.producer;
    if (producer === null || !this.streamingProducer) return;
    const shouldPause = this.pausedByPlainTransport || this.pausedByTLSBuffer;
    if (shouldPause === this.producerPaused) return;
    this.producerPaused = shouldPause;
    if (shouldPause) (producer as IPushProducer).pauseProducing();
    else producer.resumeProducing();
  }
}
