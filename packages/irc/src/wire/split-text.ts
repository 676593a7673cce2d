/**
 * Splitting message text into pieces that each fit a byte budget, never cutting a UTF-8
 * sequence, preferring to cut after a space and never inside a grapheme (an emoji with its
 * modifiers, a letter with its combining marks) unless one grapheme alone is over budget.
 */
import { InvalidIRCOptionError } from './errors.js';

/** The UTF-8 length of `text` (a lone surrogate counts as U+FFFD, 3 bytes, as TextEncoder sends it). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

type Segmenter = { segment(text: string): Iterable<{ segment: string }> };
let graphemes: Segmenter | null | undefined;

/**
 * mIRC colour codes: \x03 with up to two digits and an optional ",bg"; \x04 with a hex
 * colour. Kept whole, so a cut never turns "\x0304" into a colour reset followed by "04".
 */
// eslint-disable-next-line no-control-regex -- colour codes are control bytes
const COLOUR = /\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9A-Fa-f]{6}(?:,[0-9A-Fa-f]{6})?)?/g;

function segmenter(): Segmenter | null {
  if (graphemes === undefined) {
    const Ctor = (Intl as { Segmenter?: new (locale?: string, options?: object) => Segmenter })
      .Segmenter;
    graphemes = Ctor === undefined ? null : new Ctor(undefined, { granularity: 'grapheme' });
  }
  return graphemes;
}

/** Grapheme clusters (code points without Intl.Segmenter), with colour codes as one unit. */
function* units(text: string): Generator<string> {
  const seg = segmenter();
  const plain = function* (part: string): Generator<string> {
    if (seg === null) yield* part;
    else for (const { segment } of seg.segment(part)) yield segment;
  };
  let last = 0;
  for (const match of text.matchAll(COLOUR)) {
    yield* plain(text.slice(last, match.index));
    yield match[0];
    last = match.index + match[0].length;
  }
  yield* plain(text.slice(last));
}

/**
 * Split `text` into pieces of at most `maxBytes` UTF-8 bytes each. Line breaks (CR LF, LF, CR)
 * always split and are dropped, as are empty lines; within a line, concatenating the pieces
 * gives the line back (a space where a piece was cut stays at the end of that piece).
 *
 * @param maxBytes at least 4, so any one character fits (use maxTextBytes to compute it).
 */
export function splitText(text: string, maxBytes: number): string[] {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 4) {
    throw new InvalidIRCOptionError(`splitText needs maxBytes of at least 4, got ${maxBytes}`);
  }
  const pieces: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line !== '') splitLine(line, maxBytes, pieces);
  }
  return pieces;
}

function splitLine(line: string, maxBytes: number, pieces: string[]): void {
  if (utf8ByteLength(line) <= maxBytes) {
    pieces.push(line);
    return;
  }
  let piece = '';
  let pieceBytes = 0;
  // The piece up to and including its last space, for a word-boundary cut.
  let atSpace = -1;
  let bytesAtSpace = 0;

  const add = (unit: string, bytes: number): void => {
    // A loop: after a cut at a space, the words left over may still not leave room.
    while (pieceBytes > 0 && pieceBytes + bytes > maxBytes) {
      if (atSpace > 0) {
        pieces.push(piece.slice(0, atSpace));
        piece = piece.slice(atSpace);
        pieceBytes -= bytesAtSpace;
      } else {
        pieces.push(piece);
        piece = '';
        pieceBytes = 0;
      }
      atSpace = -1;
      bytesAtSpace = 0;
    }
    piece += unit;
    pieceBytes += bytes;
    if (unit === ' ') {
      atSpace = piece.length;
      bytesAtSpace = pieceBytes;
    }
  };

  for (const unit of units(line)) {
    const bytes = utf8ByteLength(unit);
    if (bytes <= maxBytes) {
      add(unit, bytes);
      continue;
    }
    // One grapheme over budget (a long run of combining marks): fall back to code points.
    for (const codePoint of unit) add(codePoint, utf8ByteLength(codePoint));
  }
  if (piece !== '') pieces.push(piece);
}
