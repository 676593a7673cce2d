import { Buffer } from 'node:buffer';
import { ByteBuffer, toBytes } from './byte-buffer.js';
import { PauseableProtocol } from './pauseable-protocol.js';

const CRLF = new Uint8Array([13, 10]);

/**
 * A protocol that receives lines and/or raw data, depending on its mode (Twisted's
 * `basic.LineReceiver`). In line mode each complete line, without its delimiter, goes to
 * `lineReceived()`; in raw mode everything goes to `rawDataReceived()`. Switching inside
 * `lineReceived()` (`setRawMode()`) hands the rest of the already-received bytes to
 * `rawDataReceived()`; `setLineMode(extra)` switches back and parses `extra` as lines.
 *
 * Limits: a line longer than `MAX_LENGTH` bytes (delimiter excluded) goes to
 * `lineLengthExceeded()`, which closes the connection by default — the buffer never grows past
 * `MAX_LENGTH + delimiter.length` bytes.
 *
 * Lines are handed out without copying: a line may share memory with the chunk given to
 * `dataReceived()`. Copy it (`line.slice()`) if you keep it and the transport reuses its buffers.
 */
export class LineReceiver extends PauseableProtocol {
  /** The line delimiter, as bytes. Set it in a subclass (or before data arrives). */
  delimiter: Uint8Array = CRLF;
  /** The longest line accepted, in bytes, delimiter excluded. */
  MAX_LENGTH = 16384;
  /** True in line mode, false in raw mode. */
  lineMode = true;

  private readonly buffer = new ByteBuffer();
  /** Where the next delimiter search starts: bytes before it were already searched. */
  private searchFrom = 0;
  private searchedDelimiter: Uint8Array = CRLF;
  private busyReceiving = false;

  override dataReceived(data: Uint8Array): void {
    this.buffer.push(data);
    // A handler that switches modes (setLineMode(extra)) re-enters here: the bytes are queued
    // behind the ones still being parsed, and the running loop delivers them in order.
    if (this.busyReceiving) return;
    this.busyReceiving = true;
    try {
      this.deliver();
    } finally {
      this.busyReceiving = false;
      this.buffer.settle();
    }
  }

  /** Override: called with each complete line, delimiter stripped. */
  lineReceived(_line: Uint8Array): void {
    throw new Error(`${this.constructor.name} must override lineReceived().`);
  }

  /** Override when the protocol uses raw mode: called with the data received in raw mode. */
  rawDataReceived(_data: Uint8Array): void {
    throw new Error(`${this.constructor.name} uses raw mode and must override rawDataReceived().`);
  }

  /**
   * Switch to line mode. `extra` (bytes received some other way, e.g. left over from a raw-mode
   * parser) is parsed as lines, after anything already buffered.
   */
  setLineMode(extra?: Uint8Array): void {
    this.lineMode = true;
    if (extra !== undefined && extra.byteLength > 0) this.dataReceived(extra);
  }

  /** Switch to raw mode: the rest of the buffer and all further data go to rawDataReceived(). */
  setRawMode(): void {
    this.lineMode = false;
  }

  /** Write `line` followed by the delimiter. A string is sent as UTF-8. */
  sendLine(line: Uint8Array | string): void {
    const bytes = toBytes(line);
    const framed = Buffer.allocUnsafe(bytes.byteLength + this.delimiter.byteLength);
    framed.set(bytes, 0);
    framed.set(this.delimiter, bytes.byteLength);
    this.transport.write(framed);
  }

  /**
   * Called with the offending bytes (the over-long line, and everything buffered after it) when a
   * line exceeds MAX_LENGTH. The buffer has already been emptied. Default: close the connection.
   */
  lineLengthExceeded(_line: Uint8Array): void {
    this.transport.loseConnection();
  }

  /** Empty the buffer and return what it held (bytes not yet delivered). */
  clearLineBuffer(): Uint8Array {
    this.searchFrom = 0;
    return Buffer.from(this.buffer.takeAll());
  }

  private deliver(): void {
    const buffer = this.buffer;
    while (buffer.length > 0 && !this.paused) {
      if (!this.lineMode) {
        this.searchFrom = 0;
        this.rawDataReceived(buffer.takeAll());
        continue;
      }
      const delimiter = this.delimiter;
      if (delimiter !== this.searchedDelimiter) {
        this.searchFrom = 0;
        this.searchedDelimiter = delimiter;
      }
      const end = buffer.indexOf(delimiter, this.searchFrom);
      if (end < 0) {
        if (buffer.length >= this.MAX_LENGTH + delimiter.byteLength) {
          this.searchFrom = 0;
          this.lineLengthExceeded(buffer.takeAll());
          return;
        }
        // Only the tail that could hold the start of a split delimiter is searched again.
        this.searchFrom = Math.max(0, buffer.length - delimiter.byteLength + 1);
        return;
      }
      this.searchFrom = 0;
      if (end > this.MAX_LENGTH) {
        this.lineLengthExceeded(buffer.takeAll());
        return;
      }
      const line = buffer.take(end);
      buffer.skip(delimiter.byteLength);
      this.lineReceived(line);
      // Twisted stops delivering once the protocol asked to close.
      if (this.hasTransport && this.transport.disconnecting) return;
    }
  }
}
