import type { Address } from './address.js';
import type { IConsumer, IPushProducer } from './producer.js';
import type { PeerCertificate, TLSOptions } from './tls.js';

/**
 * A bidirectional byte stream a Protocol writes to. Every stream transport is also a consumer
 * (a producer can be registered to write into it with back-pressure) and a push producer (the
 * protocol can pause the transport's *reading* with pauseProducing/resumeProducing).
 */
export interface ITransport extends IConsumer, IPushProducer {
  /** Queue bytes for sending. Never blocks; writes after loseConnection() are dropped. */
  write(data: Uint8Array): void;
  /** Same as write() on each chunk, in order, possibly in one system call. */
  writeSequence(chunks: Iterable<Uint8Array>): void;
  /**
   * Close after everything written so far (and any registered producer's output) is sent.
   * The protocol's connectionLost() follows with ConnectionDone.
   */
  loseConnection(): void;
  /** Close now, discarding unsent data. connectionLost() follows with ConnectionLost. */
  abortConnection(): void;
  getPeer(): Address;
  getHost(): Address;
  /** True once loseConnection() or abortConnection() has been called. */
  readonly disconnecting: boolean;
}

/** A transport that can close its writing side while still reading (TCP FIN, pipe EOF). */
export interface IHalfCloseableTransport extends ITransport {
  /** Send EOF after the buffered data; the peer sees readConnectionLost(); we keep reading. */
  writeEOF(): void;
}

/** A transport that can switch to TLS mid-stream (STARTTLS). */
export interface ITLSTransport extends ITransport {
  /**
   * Start TLS on this connection now. Data written before the call goes out in clear; data
   * written after goes through TLS. The side (client or server) is the side of the connection.
   */
  startTLS(options: TLSOptions): void;
}

/** A transport that runs over TLS and can tell about the session. */
export interface ISSLTransport extends ITransport {
  /** The peer's certificate, or null when it sent none. */
  getPeerCertificate(): PeerCertificate | null;
  /** The ALPN protocol both sides agreed on, or null. */
  getNegotiatedProtocol(): string | null;
  /** True once the handshake completed. */
  readonly tlsEstablished: boolean;
}

/** Names of the optional capabilities, as used by `requireCapability`. */
export type TransportCapability = 'startTLS' | 'writeEOF' | 'getPeerCertificate';
