import { Buffer } from 'node:buffer';
import { ByteBuffer, toBytes } from './byte-buffer.js';
import { NetstringParseError } from './errors.js';
import { PauseableProtocol } from './pauseable-protocol.js';

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * A protocol that receives djb netstrings, `<length>:<bytes>,` (Twisted's
 * `basic.NetstringReceiver`), e.g. `12:hello world!,`.
 *
 * Parsing is strict: the length is `0` or a decimal number without leading zeros, followed by
 * `:`; the payload must be followed by `,`. A length above `MAX_LENGTH` is rejected as soon as its
 * digits show it, before the payload is buffered. Any violation calls `handleParseError()`
 * (default: close the connection) and the rest of the input is ignored (`brokenPeer`).
 *
 * Strings may share memory with the chunk given to `dataReceived()`; copy one to keep it if the
 * transport reuses its buffers.
 */
export class NetstringReceiver extends PauseableProtocol {
  /** The largest string accepted from the peer, in bytes. */
  MAX_LENGTH = 99999;
  /** True once the peer sent something that is not a netstring; later input is ignored. */
  brokenPeer = false;

  private readonly buffer = new ByteBuffer();
  private busyReceiving = false;
  /** The payload length once its `:` was seen, or -1 while the length is being read. */
  private payloadLength = -1;
  private lengthValue = 0;
  private lengthDigits = 0;
  private lengthStartsWithZero = false;

  override dataReceived(data: Uint8Array): void {
    if (this.brokenPeer) return;
    this.buffer.push(data);
    if (this.busyReceiving) return;
    this.busyReceiving = true;
    try {
      this.deliver();
    } catch (error) {
      if (!(error instanceof NetstringParseError)) throw error;
      this.brokenPeer = true;
      this.buffer.clear();
      this.handleParseError(error);
    } finally {
      this.busyReceiving = false;
      this.buffer.settle();
    }
  }

  /** Override: called with each complete string. */
  stringReceived(_data: Uint8Array): void {
    throw new Error(`${this.constructor.name} must override stringReceived().`);
  }

  /** Send `data` as a netstring. A string is sent as UTF-8. */
  sendString(data: Uint8Array | string): void {
    const bytes = toBytes(data);
    const prefix = `${bytes.byteLength}:`;
    const framed = Buffer.allocUnsafe(prefix.length + bytes.byteLength + 1);
    framed.write(prefix, 0, 'latin1');
    framed.set(bytes, prefix.length);
    framed[framed.length - 1] = COMMA;
    this.transport.write(framed);
  }

  /** Called when the peer sent an invalid or too long netstring. Default: close the connection. */
  handleParseError(_error: NetstringParseError): void {
    this.transport.loseConnection();
  }

  private deliver(): void {
    const buffer = this.buffer;
    while (!this.paused && buffer.length > 0) {
      if (this.payloadLength < 0) {
        if (!this.readLength()) return;
        continue;
      }
      const length = this.payloadLength;
      if (buffer.length <= length) return;
      if (buffer.byteAt(length) !== COMMA) {
        throw new NetstringParseError(
          `A netstring's ${length}-byte payload was not followed by ",": the peer does not speak netstrings.`,
        );
      }
      const payload = buffer.take(length);
      buffer.skip(1);
      this.payloadLength = -1;
      this.stringReceived(payload);
    }
  }

  /**
   * Consume length digits up to and including the `:`. Returns true once the length is known.
   * At most a few bytes are looked at: MAX_LENGTH bounds the number of digits.
   */
  private readLength(): boolean {
    const buffer = this.buffer;
    while (buffer.length > 0) {
      const byte = buffer.byteAt(0);
      buffer.skip(1);
      if (byte === COLON) {
        if (this.lengthDigits === 0) {
          throw new NetstringParseError('A netstring has no length before ":".');
        }
        this.payloadLength = this.lengthValue;
        this.lengthValue = 0;
        this.lengthDigits = 0;
        this.lengthStartsWithZero = false;
        return true;
      }
      if (byte < DIGIT_0 || byte > DIGIT_9) {
        throw new NetstringParseError(
          `A netstring length contains byte 0x${byte.toString(16).padStart(2, '0')}; only digits and ":" are allowed.`,
        );
      }
      if (this.lengthStartsWithZero) {
        throw new NetstringParseError('A netstring length has a leading zero.');
      }
      if (this.lengthDigits === 0 && byte === DIGIT_0) this.lengthStartsWithZero = true;
      this.lengthDigits++;
      this.lengthValue = this.lengthValue * 10 + (byte - DIGIT_0);
      if (this.lengthValue > this.MAX_LENGTH) {
        throw new NetstringParseError(
          `A netstring announces more than ${this.MAX_LENGTH} bytes (MAX_LENGTH); raise MAX_LENGTH to accept it.`,
        );
      }
    }
    return false;
  }
}
