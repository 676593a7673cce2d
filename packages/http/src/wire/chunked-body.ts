import { HTTPParseError } from './errors.js';
import { badRequest } from './field-section.js';
import type { HTTPLimits } from './limits.js';
import type { HTTPParserHandler } from './parser-handler.js';
import { FIELD_VALUE_BYTES } from './tokens.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const SEMICOLON = 0x3b;

/** step() needs more bytes. */
export const CHUNKED_NEED_MORE = -1;
/** step() failed: `error` says why. */
export const CHUNKED_FAILED = -2;

const enum Phase {
  SizeLine,
  Data,
  DataEnd,
  Done,
}

/**
 * The chunks of one chunked body (RFC 9112 §7.1), up to and including the last-chunk line;
 * the trailer section after it is the parser's (it is a field section). Strict: framing lines
 * end in CRLF only, the size has no whitespace before it and no `0x`, whitespace after it only
 * before a `;`, because lenient chunk parsing is what lets two parsers disagree on where a body
 * ends ("funky chunks"). The sum of the sizes is bounded by the body limit and the extension
 * bytes by maxChunkExtensionBytes (CVE-2024-22019).
 */
export class ChunkedBody {
  /** Why the last step() returned CHUNKED_FAILED. */
  error: HTTPParseError | null = null;
  private phase = Phase.SizeLine;
  private remaining = 0;
  private received = 0;
  private extensionBytes = 0;

  constructor(
    private readonly limits: HTTPLimits,
    private readonly handler: HTTPParserHandler,
  ) {}

  /** The last-chunk line has been read: the trailer section follows. */
  get done(): boolean {
    return this.phase === Phase.Done;
  }

  /** Waiting for the end of a chunk-size line (so bytes without LF need not be parsed). */
  get inSizeLine(): boolean {
    return this.phase === Phase.SizeLine;
  }

  /**
   * Consume from `pos`: a size line, chunk data (reported to onBody, not copied) or the CRLF
   * after it. Returns the new position, CHUNKED_NEED_MORE, or CHUNKED_FAILED.
   */
  step(data: Buffer, pos: number, bodyLimit: number): number {
    switch (this.phase) {
      case Phase.SizeLine:
        return this.sizeLine(data, pos, bodyLimit);
      case Phase.Data: {
        const available = data.length - pos;
        const take = available < this.remaining ? available : this.remaining;
        this.remaining -= take;
        const end = pos + take;
        if (this.remaining === 0) this.phase = Phase.DataEnd;
        this.handler.onBody(data.subarray(pos, end));
        return end;
      }
      case Phase.DataEnd:
        if (data[pos] !== CR) return this.fail(badRequest('Chunk data not followed by CRLF.'));
        if (pos + 1 >= data.length) return CHUNKED_NEED_MORE;
        if (data[pos + 1] !== LF) return this.fail(badRequest('Chunk data not followed by CRLF.'));
        this.phase = Phase.SizeLine;
        return pos + 2;
      case Phase.Done:
        return CHUNKED_NEED_MORE;
    }
  }

  /** An incomplete size line of `length` bytes: the error once it is too long, else null. */
  partialLineError(length: number): HTTPParseError | null {
    return this.phase === Phase.SizeLine && length > this.limits.maxChunkSizeLine
      ? sizeLineTooLong()
      : null;
  }

  /** Ready for the next message's body. */
  reset(): void {
    this.phase = Phase.SizeLine;
    this.remaining = 0;
    this.received = 0;
    this.extensionBytes = 0;
    this.error = null;
  }

  private sizeLine(data: Buffer, pos: number, bodyLimit: number): number {
    const lf = data.indexOf(LF, pos);
    if (lf < 0) {
      if (data.length - pos > this.limits.maxChunkSizeLine) return this.fail(sizeLineTooLong());
      return CHUNKED_NEED_MORE;
    }
    if (lf === pos || data[lf - 1] !== CR) return this.fail(loneLF());
    const end = lf - 1;
    if (end - pos > this.limits.maxChunkSizeLine) return this.fail(sizeLineTooLong());
    let i = pos;
    while (i < end && data[i] === 0x30) i++; // leading zeros do not count towards the size limit
    let size = 0;
    let digits = 0;
    for (; i < end; i++) {
      const value = hexValue(data[i]!);
      if (value < 0) break;
      size = size * 16 + value;
      digits++;
    }
    if (i === pos) return this.fail(badRequest('Invalid chunk size.'));
    if (digits > 12) return this.fail(bodyTooLarge(bodyLimit));
    if (i < end) {
      const error = this.checkExtensions(data, i, end);
      if (error !== null) return this.fail(error);
    }
    if (size === 0) {
      this.phase = Phase.Done;
      return lf + 1;
    }
    this.received += size;
    if (this.received > bodyLimit) return this.fail(bodyTooLarge(bodyLimit));
    this.remaining = size;
    this.phase = Phase.Data;
    return lf + 1;
  }

  /** `data[start, end)` follows the size: optional whitespace, then `;` extensions. */
  private checkExtensions(data: Buffer, start: number, end: number): HTTPParseError | null {
    let semicolon = start;
    while (semicolon < end && (data[semicolon] === SP || data[semicolon] === HTAB)) semicolon++;
    if (semicolon === end || data[semicolon] !== SEMICOLON) {
      return badRequest('Invalid chunk size.');
    }
    for (let j = semicolon; j < end; j++) {
      if (FIELD_VALUE_BYTES[data[j]!] !== 1) {
        return badRequest('Invalid character in a chunk extension.');
      }
    }
    this.extensionBytes += end - start;
    if (this.extensionBytes > this.limits.maxChunkExtensionBytes) {
      return new HTTPParseError('TW_HTTP_BODY_TOO_LARGE', 413, 'Too many chunk extension bytes.');
    }
    return null;
  }

  private fail(error: HTTPParseError): number {
    this.error = error;
    return CHUNKED_FAILED;
  }
}

/** Chunked framing lines (and the trailer section's) must end in CRLF. */
export function loneLF(): HTTPParseError {
  return badRequest('Chunked framing lines must end in CRLF.');
}

function sizeLineTooLong(): HTTPParseError {
  return badRequest('Chunk size line too long.');
}

export function bodyTooLarge(limit: number): HTTPParseError {
  return new HTTPParseError(
    'TW_HTTP_BODY_TOO_LARGE',
    413,
    `Body larger than the limit of ${limit} bytes.`,
  );
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x57;
  return -1;
}
