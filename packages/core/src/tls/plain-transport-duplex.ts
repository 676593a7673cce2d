import { Duplex } from 'node:stream';

/** Where the Duplex sends the TLS records node:tls produces: the plain transport underneath. */
export interface CiphertextSink {
  /** Send TLS records to the peer. */
  write(data: Uint8Array): void;
  /** node:tls has finished writing (close_notify sent): close the plain transport cleanly. */
  close(): void;
  /** node:tls wants more ciphertext after its buffer filled: let the plain transport read again. */
  readWanted(): void;
}

/**
 * The stream node:tls runs over when TLS is layered on an @tw transport. Ciphertext from the
 * peer is pushed in with `receive()`; ciphertext node:tls writes goes straight to the sink.
 * node:tls wraps any Duplex (through its JS stream adapter), which is what lets TLS run over a
 * memory pipe or an SSH channel exactly as over TCP.
 */
export class PlainTransportDuplex extends Duplex {
  private readonly sink: CiphertextSink;

  constructor(sink: CiphertextSink) {
    // node:tls copies allowHalfOpen from the stream it wraps. false: when the peer's close_notify
    // (or end of stream) arrives, node:tls answers with its own close_notify and ends, which
    // closes the plain transport — a TLS close is a whole-connection close.
    super({ allowHalfOpen: false });
    this.sink = sink;
  }

  /**
   * Hand node:tls ciphertext that arrived from the peer. Returns false when its buffer is full:
   * the caller should pause the plain transport until `readWanted()` is called.
   */
  receive(data: Uint8Array): boolean {
    return this.push(data);
  }

  /** The peer closed cleanly: node:tls sees end-of-stream after the data already received. */
  receiveEnd(): void {
    this.push(null);
  }

  override _read(): void {
    this.sink.readWanted();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.sink.write(chunk);
    callback();
  }

  override _writev(
    chunks: Array<{ chunk: Buffer }>,
    callback: (error?: Error | null) => void,
  ): void {
    for (const { chunk } of chunks) this.sink.write(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sink.close();
    callback();
  }
}
