import { CloseCode } from './close-codes.js';
import { WebSocketMessageTooBigError, WebSocketProtocolError } from './errors.js';
import { MAX_CONTROL_PAYLOAD, isControlOpcode, type FrameHeader } from './frame.js';
import { applyMask } from './mask.js';

/**
 * Where the parser reports frames. A frame is reported as onFrameStart(header), then
 * onFramePayload(chunk) for each piece of (unmasked) payload as it arrives, then onFrameEnd();
 * streaming the payload lets a text message be UTF-8-checked byte by byte as it arrives and
 * keeps a large frame from being buffered twice. A violation is reported once with
 * onFrameError(); the parser ignores all input after it.
 */
export interface FrameSink {
  onFrameStart(header: FrameHeader): void;
  onFramePayload(chunk: Uint8Array): void;
  onFrameEnd(): void;
  onFrameError(error: WebSocketProtocolError): void;
}

export interface FrameParserOptions {
  /**
   * 'server' parses frames sent by a client (each must be masked); 'client' parses frames sent
   * by a server (none may be masked). RFC 6455 §5.1: either mistake fails the connection.
   */
  readonly role: 'server' | 'client';
  /** Whether RSV1 may be set (permessage-deflate was negotiated). RSV2/RSV3 never may. */
  readonly allowRsv1?: boolean;
  /** The largest payload one frame may declare (default: 2^53 − 1); beyond it: close 1009. */
  readonly maxPayloadLength?: number;
}

const enum State {
  HEADER,
  PAYLOAD,
  FAILED,
}

/**
 * An incremental RFC 6455 frame parser: feed() it bytes split anywhere and it reports the same
 * frames. It checks everything that can be checked from one frame alone — reserved opcodes,
 * RSV bits without an extension, control frames that are fragmented or longer than 125 bytes,
 * the masking rule for the side, 64-bit lengths with the top bit set, the payload limit — and
 * leaves message-level rules (continuations, UTF-8) to its owner.
 */
export class FrameParser {
  /** Whether RSV1 may be set on data frames (permessage-deflate was negotiated). */
  allowRsv1: boolean;
  private readonly expectMasked: boolean;
  private readonly maxPayloadLength: number;
  private state = State.HEADER;
  /** Header bytes gathered so far (at most 14: 2 + 8 length + 4 mask). */
  private readonly headerBytes = new Uint8Array(14);
  private headerFill = 0;
  private readonly maskKey = new Uint8Array(4);
  private masked = false;
  private remaining = 0;
  private maskOffset = 0;

  constructor(
    private readonly sink: FrameSink,
    options: FrameParserOptions,
  ) {
    this.expectMasked = options.role === 'server';
    this.allowRsv1 = options.allowRsv1 ?? false;
    this.maxPayloadLength = options.maxPayloadLength ?? Number.MAX_SAFE_INTEGER;
  }

  /** True once a violation was reported. */
  get failed(): boolean {
    return this.state === State.FAILED;
  }

  /** Stop parsing: everything fed from now on is ignored (the connection is closing). */
  stop(): void {
    this.state = State.FAILED;
  }

  feed(data: Uint8Array): void {
    let position = 0;
    const length = data.length;
    while (position < length) {
      if (this.state === State.HEADER) {
        position = this.readHeader(data, position);
      } else if (this.state === State.PAYLOAD) {
        const take = Math.min(this.remaining, length - position);
        const end = position + take;
        let chunk: Uint8Array;
        if (this.masked) {
          // A copy, not in place: the caller may still own `data` (and tests feed it twice).
          chunk = new Uint8Array(take);
          applyMask(data, this.maskKey, this.maskOffset, chunk, 0, position, end);
          this.maskOffset = (this.maskOffset + take) & 3;
        } else {
          chunk = data.subarray(position, end);
        }
        position = end;
        this.remaining -= take;
        this.sink.onFramePayload(chunk);
        if (this.remaining === 0 && this.state === State.PAYLOAD) this.endFrame();
      } else {
        return;
      }
    }
  }

  /** Gather header bytes from `data`; returns the new position. */
  private readHeader(data: Uint8Array, position: number): number {
    const header = this.headerBytes;
    // Take the first two bytes, then as many more as the length and mask fields need.
    while (position < data.length) {
      const needed = this.headerLength();
      if (this.headerFill >= needed) break;
      const take = Math.min(needed - this.headerFill, data.length - position);
      header.set(data.subarray(position, position + take), this.headerFill);
      this.headerFill += take;
      position += take;
      if (this.headerFill === 2 && !this.checkFirstTwoBytes()) return data.length;
    }
    if (this.headerFill < this.headerLength()) return position;
    this.startFrame();
    return position;
  }

  /** The full header length implied by the bytes gathered so far (2 until byte 2 is known). */
  private headerLength(): number {
    if (this.headerFill < 2) return 2;
    const lengthCode = this.headerBytes[1]! & 0x7f;
    const extended = lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0;
    return 2 + extended + ((this.headerBytes[1]! & 0x80) !== 0 ? 4 : 0);
  }

  /** Checks that need only the first two bytes, so a bad frame fails before its length arrives. */
  private checkFirstTwoBytes(): boolean {
    const first = this.headerBytes[0]!;
    const second = this.headerBytes[1]!;
    const opcode = first & 0x0f;
    const fin = (first & 0x80) !== 0;
    if ((first & 0x30) !== 0) {
      return this.fail(CloseCode.PROTOCOL_ERROR, 'RSV2/RSV3 set, but no extension defines them.');
    }
    if ((first & 0x40) !== 0 && (!this.allowRsv1 || isControlOpcode(opcode))) {
      return this.fail(
        CloseCode.PROTOCOL_ERROR,
        isControlOpcode(opcode)
          ? 'RSV1 set on a control frame.'
          : 'RSV1 set, but no extension (permessage-deflate) was negotiated.',
      );
    }
    if ((opcode > 0x2 && opcode < 0x8) || opcode > 0xa) {
      return this.fail(CloseCode.PROTOCOL_ERROR, `Reserved opcode 0x${opcode.toString(16)}.`);
    }
    if (isControlOpcode(opcode)) {
      if (!fin) return this.fail(CloseCode.PROTOCOL_ERROR, 'A control frame was fragmented.');
      if ((second & 0x7f) > MAX_CONTROL_PAYLOAD) {
        return this.fail(CloseCode.PROTOCOL_ERROR, 'A control frame is longer than 125 bytes.');
      }
    }
    const masked = (second & 0x80) !== 0;
    if (masked !== this.expectMasked) {
      return this.fail(
        CloseCode.PROTOCOL_ERROR,
        this.expectMasked
          ? 'A client sent an unmasked frame; clients must mask every frame.'
          : 'A server sent a masked frame; servers must not mask frames.',
      );
    }
    return true;
  }

  private startFrame(): void {
    const header = this.headerBytes;
    const first = header[0]!;
    const second = header[1]!;
    const lengthCode = second & 0x7f;
    let length = lengthCode;
    let position = 2;
    if (lengthCode === 126) {
      length = (header[2]! << 8) | header[3]!;
      position = 4;
    } else if (lengthCode === 127) {
      if ((header[2]! & 0x80) !== 0) {
        this.fail(CloseCode.PROTOCOL_ERROR, 'The 64-bit payload length has its top bit set.');
        return;
      }
      const high = ((header[2]! << 24) | (header[3]! << 16) | (header[4]! << 8) | header[5]!) >>> 0;
      const low = ((header[6]! << 24) | (header[7]! << 16) | (header[8]! << 8) | header[9]!) >>> 0;
      length = high * 0x1_0000_0000 + low;
      position = 10;
    }
    if (length > this.maxPayloadLength) {
      this.state = State.FAILED;
      this.sink.onFrameError(new WebSocketMessageTooBigError(length, this.maxPayloadLength));
      return;
    }
    this.masked = (second & 0x80) !== 0;
    if (this.masked) this.maskKey.set(header.subarray(position, position + 4));
    this.maskOffset = 0;
    this.remaining = length;
    this.headerFill = 0;
    this.state = State.PAYLOAD;
    this.sink.onFrameStart({
      fin: (first & 0x80) !== 0,
      rsv1: (first & 0x40) !== 0,
      rsv2: false,
      rsv3: false,
      opcode: first & 0x0f,
      masked: this.masked,
      length,
    });
    if (length === 0 && this.state === State.PAYLOAD) this.endFrame();
  }

  private endFrame(): void {
    this.state = State.HEADER;
    this.sink.onFrameEnd();
  }

  private fail(closeCode: number, message: string): false {
    this.state = State.FAILED;
    this.sink.onFrameError(new WebSocketProtocolError(closeCode, message));
    return false;
  }
}
