import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';

import { CloseCode } from './close-codes.js';
import { WebSocketMessageTooBigError, WebSocketProtocolError } from './errors.js';
import type { NegotiatedDeflate } from './deflate-negotiation.js';

/** The empty stored block a Z_SYNC_FLUSH ends with; RFC 7692 §7.2.1 strips it on the wire. */
const SYNC_FLUSH_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** The largest LZ77 window deflate can refer back into (2^15). */
const MAX_WINDOW = 32 * 1024;

export interface PerMessageDeflateCodecOptions {
  /** The largest decompressed message (bytes); beyond it decompress() throws (close 1009). */
  readonly maxMessageSize: number;
  /** Messages shorter than this are sent uncompressed (default 1024). */
  readonly threshold?: number;
  /** zlib level 0–9 (default 1). */
  readonly level?: number;
}

/**
 * The permessage-deflate codec of one connection (RFC 7692 §7), on node:zlib's synchronous raw
 * deflate, so a message is (de)compressed in the same turn it arrives and messages can never be
 * reordered.
 *
 * Context takeover without a long-lived zlib stream: for a raw stream the LZ77 window *is* the
 * last 32 KiB of output, so inflating message n with the previous output as the preset
 * dictionary gives exactly what one long stream would. When the peer promised
 * no_context_takeover the window is dropped after every message. Our own compressor always
 * starts fresh for each message — always valid, since context takeover is a permission for the
 * sender, never an obligation — which keeps no deflate state (~256 KiB in zlib) per connection.
 */
export class PerMessageDeflateCodec {
  private window: Buffer | null = null;
  private readonly threshold: number;
  private readonly level: number;

  constructor(
    readonly negotiated: NegotiatedDeflate,
    private readonly options: PerMessageDeflateCodecOptions,
  ) {
    this.threshold = options.threshold ?? 1024;
    this.level = options.level ?? 1;
  }

  /** Whether a message of this size is worth compressing. */
  shouldCompress(length: number): boolean {
    return length >= this.threshold;
  }

  /** Compress one message; the result goes out with RSV1 set on its first frame. */
  compress(data: Uint8Array): Uint8Array {
    let windowBits = this.negotiated.ownMaxWindowBits;
    let level = this.level;
    if (windowBits < 9) {
      // zlib cannot deflate raw with a 256-byte window (it silently uses 512). A message that
      // fits in 256 bytes cannot refer further back than that; a longer one is sent as stored
      // blocks, which refer back nowhere, so the peer's 256-byte window always suffices.
      windowBits = 9;
      if (data.length > 256) level = 0;
    }
    const out = deflateRawSync(data, {
      windowBits,
      level,
      memLevel: 8,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    return endsWithTail(out) ? out.subarray(0, out.length - 4) : out;
  }

  /**
   * Decompress one message from its frames' payloads. Throws WebSocketMessageTooBigError past
   * maxMessageSize (close 1009) and WebSocketProtocolError for corrupt data (close 1007).
   */
  decompress(fragments: readonly Uint8Array[]): Uint8Array {
    const input = Buffer.concat([...fragments, SYNC_FLUSH_TAIL]);
    let output: Buffer;
    try {
      output = inflateRawSync(input, {
        windowBits: 15,
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: Math.max(1, this.options.maxMessageSize),
        ...(this.window === null ? {} : { dictionary: this.window }),
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new WebSocketMessageTooBigError(
          this.options.maxMessageSize + 1,
          this.options.maxMessageSize,
        );
      }
      throw new WebSocketProtocolError(
        CloseCode.INVALID_PAYLOAD,
        `A compressed message could not be inflated: ${(error as Error).message}`,
      );
    }
    if (output.length > this.options.maxMessageSize) {
      throw new WebSocketMessageTooBigError(output.length, this.options.maxMessageSize);
    }
    if (!this.negotiated.peerNoContextTakeover) this.remember(output);
    return output;
  }

  /** Keep the last 32 KiB of decompressed output as the next message's dictionary. */
  private remember(output: Buffer): void {
    if (output.length >= MAX_WINDOW) {
      this.window = Buffer.from(output.subarray(output.length - MAX_WINDOW));
      return;
    }
    if (output.length === 0) return;
    const previous = this.window ?? Buffer.alloc(0);
    const keep = Math.min(previous.length, MAX_WINDOW - output.length);
    this.window = Buffer.concat([previous.subarray(previous.length - keep), output]);
  }
}

function endsWithTail(data: Uint8Array): boolean {
  const n = data.length;
  return (
    n >= 4 && data[n - 4] === 0 && data[n - 3] === 0 && data[n - 2] === 0xff && data[n - 1] === 0xff
  );
}
