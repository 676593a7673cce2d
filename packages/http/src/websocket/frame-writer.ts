import type { ITransport } from '@tw/core';

import { Opcode, frameHeaderSize, writeFrameHeader } from './frame.js';
import { MaskKeySource, applyMask } from './mask.js';

/** Payloads up to this size are copied into the header's buffer: one write beats two. */
const COALESCE_LIMIT = 16 * 1024;

/**
 * Turns messages and control payloads into frames on a transport. A client masks every frame
 * with a fresh random key (RFC 6455 §5.3) — which needs a copy of the payload anyway, so header
 * and masked payload share one buffer. A server sends small frames as one buffer and large ones
 * as header + the caller's payload, uncopied, through writeSequence().
 */
export class FrameWriter {
  private readonly keys: MaskKeySource | null;

  constructor(
    masking: boolean,
    /** Split messages into frames of at most this many bytes (0: one frame per message). */
    private readonly fragmentSize: number,
  ) {
    this.keys = masking ? new MaskKeySource() : null;
  }

  /** Send a data message; `compressed` sets RSV1 on its first frame (permessage-deflate). */
  writeMessage(
    transport: ITransport,
    opcode: number,
    payload: Uint8Array,
    compressed: boolean,
  ): void {
    const size = this.fragmentSize;
    if (size <= 0 || payload.length <= size) {
      this.writeFrame(transport, true, compressed, opcode, payload);
      return;
    }
    for (let offset = 0; offset < payload.length; offset += size) {
      const end = Math.min(offset + size, payload.length);
      const first = offset === 0;
      this.writeFrame(
        transport,
        end === payload.length,
        first && compressed,
        first ? opcode : Opcode.CONTINUATION,
        payload.subarray(offset, end),
      );
    }
  }

  /** Send a control frame (close, ping, pong); the payload is at most 125 bytes. */
  writeControl(transport: ITransport, opcode: number, payload: Uint8Array): void {
    this.writeFrame(transport, true, false, opcode, payload);
  }

  private writeFrame(
    transport: ITransport,
    fin: boolean,
    rsv1: boolean,
    opcode: number,
    payload: Uint8Array,
  ): void {
    const maskKey = this.keys?.next();
    const headerSize = frameHeaderSize(payload.length, maskKey !== undefined);
    const fields = { fin, rsv1, opcode, length: payload.length, maskKey };
    if (maskKey !== undefined) {
      const out = new Uint8Array(headerSize + payload.length);
      writeFrameHeader(out, 0, fields);
      applyMask(payload, maskKey, 0, out, headerSize);
      transport.write(out);
    } else if (payload.length <= COALESCE_LIMIT) {
      const out = new Uint8Array(headerSize + payload.length);
      writeFrameHeader(out, 0, fields);
      out.set(payload, headerSize);
      transport.write(out);
    } else {
      const header = new Uint8Array(headerSize);
      writeFrameHeader(header, 0, fields);
      transport.writeSequence([header, payload]);
    }
  }
}
