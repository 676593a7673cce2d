import { Buffer } from 'node:buffer';
import { Protocol } from '../protocol/protocol.js';
import { ByteBuffer, toBytes } from './byte-buffer.js';

const CRLF = new Uint8Array([13, 10]);

/**
 * A protocol that receives only lines (Twisted's `basic.LineOnlyReceiver`): simpler and a little
 * faster than LineReceiver, with no raw mode and no pausing. A line longer than `MAX_LENGTH`
 * bytes goes to `lineLengthExceeded()`, which closes the connection by default.
 *
 * Lines may share memory with the chunk given to `dataReceived()`; copy one to keep it if the
 * transport reuses its buffers.
 */
export class LineOnlyReceiver extends Protocol {
  /** The line delimiter, as bytes. */
  delimiter: Uint8Array = CRLF;
  /** The longest line accepted, in bytes, delimiter excluded. */
  MAX_LENGTH = 16384;

  private readonly buffer = new ByteBuffer();
  private searchFrom = 0;

  override dataReceived(data: Uint8Array): void {
    const buffer = this.buffer;
    buffer.push(data);
    const delimiter = this.delimiter;
    try {
      for (;;) {
        const end = buffer.indexOf(delimiter, this.searchFrom);
        if (end < 0) break;
        this.searchFrom = 0;
        if (this.hasTransport && this.transport.disconnecting) return;
        if (end > this.MAX_LENGTH) {
          this.lineLengthExceeded(buffer.takeAll());
          return;
        }
        const line = buffer.take(end);
        buffer.skip(delimiter.byteLength);
        this.lineReceived(line);
      }
      if (buffer.length > this.MAX_LENGTH + delimiter.byteLength - 1) {
        this.searchFrom = 0;
        this.lineLengthExceeded(buffer.takeAll());
        return;
      }
      this.searchFrom = Math.max(0, buffer.length - delimiter.byteLength + 1);
    } finally {
      buffer.settle();
    }
  }

  /** Override: called with each complete line, delimiter stripped. */
  lineReceived(_line: Uint8Array): void {
    throw new Error(`${this.constructor.name} must override lineReceived().`);
  }

  /** Write `line` followed by the delimiter. A string is sent as UTF-8. */
  sendLine(line: Uint8Array | string): void {
    const bytes = toBytes(line);
    const framed = Buffer.allocUnsafe(bytes.byteLength + this.delimiter.byteLength);
    framed.set(bytes, 0);
    framed.set(this.delimiter, bytes.byteLength);
    this.transport.write(framed);
  }

  /** Called with the over-long line (and what followed it). Default: close the connection. */
  lineLengthExceeded(_line: Uint8Array): void {
    this.transport.loseConnection();
  }
}
