import { applyMask } from './mask.js';

/** Frame opcodes (RFC 6455 §5.2). 3–7 and 11–15 are reserved: receiving one fails the connection. */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export type OpcodeValue = (typeof Opcode)[keyof typeof Opcode];

/** Control frames (close, ping, pong) have the high opcode bit set. */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** The most payload a control frame may carry (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** The fixed part of a frame, as the parser reports it before the payload arrives. */
export interface FrameHeader {
  readonly fin: boolean;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
  readonly opcode: number;
  readonly masked: boolean;
  /** Payload length in bytes (≤ 2^53 − 1; larger lengths are refused by the parser). */
  readonly length: number;
}

/** A whole frame with its (unmasked) payload. */
export interface Frame {
  readonly fin: boolean;
  readonly rsv1?: boolean;
  readonly rsv2?: boolean;
  readonly rsv3?: boolean;
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/** What encodeFrameHeader needs: the frame's flags, its payload length and the masking key if any. */
export interface FrameHeaderFields {
  readonly fin: boolean;
  readonly rsv1?: boolean;
  readonly rsv2?: boolean;
  readonly rsv3?: boolean;
  readonly opcode: number;
  readonly length: number;
  /** 4 bytes: clients mask every frame, servers never do. */
  readonly maskKey?: Uint8Array | undefined;
}

/** The size of the header encodeFrameHeader writes for this payload length. */
export function frameHeaderSize(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Write a frame header into `target` at `offset` (which must have frameHeaderSize bytes free)
 * and return where the payload starts. Lengths use the shortest form, as §5.2 requires.
 */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  fields: FrameHeaderFields,
): number {
  const { length, maskKey } = fields;
  target[offset] =
    (fields.fin ? 0x80 : 0) |
    (fields.rsv1 === true ? 0x40 : 0) |
    (fields.rsv2 === true ? 0x20 : 0) |
    (fields.rsv3 === true ? 0x10 : 0) |
    (fields.opcode & 0x0f);
  const maskBit = maskKey === undefined ? 0 : 0x80;
  let position = offset + 2;
  if (length < 126) {
    target[offset + 1] = maskBit | length;
  } else if (length < 0x10000) {
    target[offset + 1] = maskBit | 126;
    target[offset + 2] = length >>> 8;
    target[offset + 3] = length & 0xff;
    position = offset + 4;
  } else {
    target[offset + 1] = maskBit | 127;
    const high = Math.floor(length / 0x1_0000_0000);
    const low = length >>> 0;
    target[offset + 2] = 0;
    target[offset + 3] = 0;
    target[offset + 4] = (high >>> 8) & 0xff;
    target[offset + 5] = high & 0xff;
    target[offset + 6] = low >>> 24;
    target[offset + 7] = (low >>> 16) & 0xff;
    target[offset + 8] = (low >>> 8) & 0xff;
    target[offset + 9] = low & 0xff;
    position = offset + 10;
  }
  if (maskKey !== undefined) {
    target.set(maskKey.subarray(0, 4), position);
    position += 4;
  }
  return position;
}

/** A frame header on its own (for writeSequence([header, payload]) without copying the payload). */
export function encodeFrameHeader(fields: FrameHeaderFields): Uint8Array {
  const header = new Uint8Array(frameHeaderSize(fields.length, fields.maskKey !== undefined));
  writeFrameHeader(header, 0, fields);
  return header;
}

/**
 * A whole frame in one buffer: header, then the payload (masked with `maskKey` when given).
 * `payload` is never modified.
 */
export function encodeFrame(frame: Frame, maskKey?: Uint8Array): Uint8Array {
  const { payload } = frame;
  const fields: FrameHeaderFields = {
    fin: frame.fin,
    rsv1: frame.rsv1 ?? false,
    rsv2: frame.rsv2 ?? false,
    rsv3: frame.rsv3 ?? false,
    opcode: frame.opcode,
    length: payload.length,
    maskKey,
  };
  const headerSize = frameHeaderSize(payload.length, maskKey !== undefined);
  const out = new Uint8Array(headerSize + payload.length);
  writeFrameHeader(out, 0, fields);
  if (maskKey === undefined) out.set(payload, headerSize);
  else applyMask(payload, maskKey, 0, out, headerSize);
  return out;
}
