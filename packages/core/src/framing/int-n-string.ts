import { Buffer } from 'node:buffer';
import { ByteBuffer, toBytes } from './byte-buffer.js';
import { StringTooLongError } from './errors.js';
import { PauseableProtocol } from './pauseable-protocol.js';

/**
 * A protocol that receives strings, each prefixed by its length as an N-byte big-endian unsigned
 * integer (Twisted's `basic.IntNStringReceiver`). Subclasses pick N: Int8StringReceiver,
 * Int16StringReceiver, Int32StringReceiver.
 *
 * Limits: a prefix announcing more than `MAX_LENGTH` bytes calls `lengthLimitExceeded()` (default:
 * close the connection) before any of the string is buffered; the framing is lost then, so the
 * rest of the input is dropped.
 *
 * Strings may share memory with the chunk given to `dataReceived()`; copy one to keep it if the
 * transport reuses its buffers.
 */
export abstract class IntNStringReceiver extends PauseableProtocol {
  /** The largest string accepted from the peer, in bytes. */
  MAX_LENGTH = 99999;
  /** Size of the length prefix, in bytes. */
  abstract readonly prefixLength: 1 | 2 | 4;

  private readonly buffer = new ByteBuffer();
  private busyReceiving = false;
  /** Set once a length limit was breached: the byte stream can no longer be framed. */
  private framingLost = false;

  override dataReceived(data: Uint8Array): void {
    if (this.framingLost) return;
    this.buffer.push(data);
    if (this.busyReceiving) return;
    this.busyReceiving = true;
    try {
      this.deliver();
    } finally {
      this.busyReceiving = false;
      this.buffer.settle();
    }
  }

  /** Override: called with each complete string. */
  stringReceived(_data: Uint8Array): void {
    throw new Error(`${this.constructor.name} must override stringReceived().`);
  }

  /**
   * Send `data` with its length prefix. A string is sent as UTF-8. Throws StringTooLongError when
   * the length does not fit in the prefix.
   */
  sendString(data: Uint8Array | string): void {
    const bytes = toBytes(data);
    const maximum = 2 ** (8 * this.prefixLength) - 1;
    if (bytes.byteLength > maximum) {
      throw new StringTooLongError(bytes.byteLength, maximum, this.prefixLength);
    }
    const framed = Buffer.allocUnsafe(this.prefixLength + bytes.byteLength);
    framed.writeUIntBE(bytes.byteLength, 0, this.prefixLength);
    framed.set(bytes, this.prefixLength);
    this.transport.write(framed);
  }

  /** Called when the peer announces a string longer than MAX_LENGTH. Default: close. */
  lengthLimitExceeded(_length: number): void {
    this.transport.loseConnection();
  }

  private deliver(): void {
    const buffer = this.buffer;
    const prefixLength = this.prefixLength;
    while (!this.paused && buffer.length >= prefixLength) {
      const length = buffer.peek().readUIntBE(0, prefixLength);
      if (length > this.MAX_LENGTH) {
        this.framingLost = true;
        buffer.clear();
        this.lengthLimitExceeded(length);
        return;
      }
      if (buffer.length < prefixLength + length) return;
      buffer.skip(prefixLength);
      this.stringReceived(buffer.take(length));
    }
  }
}

/** Strings with a 1-byte length prefix (at most 255 bytes each). */
export class Int8StringReceiver extends IntNStringReceiver {
  readonly prefixLength = 1;
}

/** Strings with a 2-byte big-endian length prefix (at most 65535 bytes each). */
export class Int16StringReceiver extends IntNStringReceiver {
  readonly prefixLength = 2;
}

/** Strings with a 4-byte big-endian length prefix. */
export class Int32StringReceiver extends IntNStringReceiver {
  readonly prefixLength = 4;
}
