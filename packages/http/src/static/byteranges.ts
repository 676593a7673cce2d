/**
 * The framing of a multipart/byteranges body (RFC 9110 §14.6): each part is a boundary line,
 * Content-Type and Content-Range headers, a blank line and the bytes; a closing boundary ends
 * it. Pure: the caller streams each part's bytes between the framing computed here, and can send
 * an exact Content-Length because every piece's size is known up front.
 */
import { randomBytes } from 'node:crypto';

import { type ByteRange, formatContentRange, rangeLength } from './range.js';

export interface ByteRangesPart {
  readonly range: ByteRange;
  /** Everything that precedes this part's bytes: CRLF, boundary, part headers, blank line. */
  readonly head: Uint8Array;
}

export interface ByteRangesLayout {
  readonly boundary: string;
  /** The response's Content-Type: `multipart/byteranges; boundary=…`. */
  readonly contentType: string;
  readonly parts: readonly ByteRangesPart[];
  /** The closing delimiter, written after the last part's bytes. */
  readonly tail: Uint8Array;
  /** The whole body's length: every head, every range and the tail. */
  readonly contentLength: number;
}

const latin1 = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/**
 * A boundary that cannot occur in the content by accident: 24 random bytes in hex. RFC 2046
 * allows up to 70 characters of bchars; hex needs no quoting in the Content-Type parameter.
 */
export function makeBoundary(): string {
  return randomBytes(24).toString('hex');
}

/**
 * Lay out a multipart/byteranges body for `ranges` of a representation of `length` bytes whose
 * own type is `partContentType`. The first delimiter is preceded by CRLF like every other one
 * (twisted.web.static does the same; a leading CRLF is a valid, empty preamble).
 */
export function layoutByteRanges(
  ranges: readonly ByteRange[],
  length: number,
  partContentType: string,
  boundary: string = makeBoundary(),
): ByteRangesLayout {
  let contentLength = 0;
  const parts = ranges.map((range) => {
    const head = latin1(
      `\r\n--${boundary}\r\n` +
        `Content-Type: ${partContentType}\r\n` +
        `Content-Range: ${formatContentRange(range, length)}\r\n\r\n`,
    );
    contentLength += head.length + rangeLength(range);
    return { range, head };
  });
  const tail = latin1(`\r\n--${boundary}--\r\n`);
  contentLength += tail.length;
  return {
    boundary,
    contentType: `multipart/byteranges; boundary=${boundary}`,
    parts,
    tail,
    contentLength,
  };
}
