/**
 * The Range request header (RFC 9110 §14): `bytes=` range sets, resolved against a
 * representation's length. Pure: no I/O.
 *
 * What to do with a Range header is one of three answers:
 * - `ignore`: serve the whole representation with 200 (no header, another unit, a syntax error —
 *   RFC 9110 §14.2 lets a server ignore a Range it cannot or will not honour);
 * - `satisfiable`: serve 206 with these ranges (one range → a single part, several →
 *   multipart/byteranges);
 * - `unsatisfiable`: serve 416 with `Content-Range: bytes *\/length`, either because no range
 *   overlaps the representation or because the request asked for more ranges than we allow
 *   (§15.5.17 names "an excessive number of small or overlapping ranges" as a reason).
 */

/** One byte range, both ends inclusive, as Content-Range writes them. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export type RangeDecision =
  | { readonly kind: 'ignore'; readonly reason: RangeIgnoreReason }
  | { readonly kind: 'satisfiable'; readonly ranges: readonly ByteRange[] }
  | { readonly kind: 'unsatisfiable'; readonly reason: 'no-overlap' | 'too-many-ranges' };

export type RangeIgnoreReason = 'absent' | 'other-unit' | 'invalid' | 'empty-representation';

export interface RangeOptions {
  /**
   * Most range-specs one request may carry (default 16). More is answered with 416: a client
   * asking for hundreds of one-byte parts costs the server far more than the bytes it gets.
   */
  readonly maxRanges?: number;
}

export const DEFAULT_MAX_RANGES = 16;

/** A range-spec as written: `first-last`, `first-` or `-suffix`. Numbers may exceed 2^53. */
export type RangeSpec =
  | { readonly kind: 'int'; readonly first: bigint; readonly last: bigint | null }
  | { readonly kind: 'suffix'; readonly length: bigint };

/**
 * Parse a ranges-specifier (`bytes=0-99,200-`) into its range-specs, or return why it cannot
 * be used. Accepts the list syntax of RFC 9110 §5.6.1: optional whitespace around commas and
 * empty elements. Numbers are kept as bigint so `bytes=99999999999999999999-` compares exactly.
 */
export function parseRangeSpecs(header: string): readonly RangeSpec[] | 'other-unit' | 'invalid' {
  const eq = header.indexOf('=');
  if (eq < 0) return 'invalid';
  // Range units compare case-insensitively (RFC 9110 §14.1).
  if (header.slice(0, eq).toLowerCase() !== 'bytes') {
    return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header.slice(0, eq)) ? 'other-unit' : 'invalid';
  }
  const specs: RangeSpec[] = [];
  for (const element of header.slice(eq + 1).split(',')) {
    const text = element.replace(/^[ \t]+|[ \t]+$/g, '');
    if (text === '') continue;
    const match = /^(\d*)-(\d*)$/.exec(text);
    if (match === null) return 'invalid';
    const [, first = '', last = ''] = match;
    if (first === '') {
      if (last === '') return 'invalid';
      specs.push({ kind: 'suffix', length: BigInt(last) });
    } else {
      const firstPos = BigInt(first);
      const lastPos = last === '' ? null : BigInt(last);
      // "A byte-range-spec is invalid if the last-pos value is present and less than the
      // first-pos" (§14.1.1); one invalid spec makes the whole ranges-specifier invalid.
      if (lastPos !== null && lastPos < firstPos) return 'invalid';
      specs.push({ kind: 'int', first: firstPos, last: lastPos });
    }
  }
  return specs.length === 0 ? 'invalid' : specs;
}

/**
 * Decide what a Range header asks of a representation `length` bytes long.
 *
 * Satisfiable ranges are clamped to the representation; unsatisfiable ones are dropped.
 * Overlapping or adjacent ranges are coalesced (sorted and merged, which §14.2 allows "regardless
 * of the order"), so the parts of a multipart response never repeat bytes and the response is
 * never larger than the representation plus part headers.
 */
export function decideRange(
  header: string | null | undefined,
  length: number,
  options: RangeOptions = {},
): RangeDecision {
  if (header === null || header === undefined) return { kind: 'ignore', reason: 'absent' };
  const parsed = parseRangeSpecs(header);
  if (parsed === 'invalid') return { kind: 'ignore', reason: 'invalid' };
  if (parsed === 'other-unit') return { kind: 'ignore', reason: 'other-unit' };
  const maxRanges = options.maxRanges ?? DEFAULT_MAX_RANGES;
  if (parsed.length > maxRanges) return { kind: 'unsatisfiable', reason: 'too-many-ranges' };

  const size = BigInt(length);
  const ranges: ByteRange[] = [];
  let anySuffix = false;
  for (const spec of parsed) {
    if (spec.kind === 'suffix') {
      if (spec.length === 0n) continue;
      anySuffix = true;
      if (size === 0n) continue;
      const start = spec.length >= size ? 0n : size - spec.length;
      ranges.push({ start: Number(start), end: length - 1 });
    } else {
      if (spec.first >= size) continue;
      const end = spec.last === null || spec.last >= size ? size - 1n : spec.last;
      ranges.push({ start: Number(spec.first), end: Number(end) });
    }
  }
  if (ranges.length === 0) {
    // A suffix range on an empty representation is "satisfiable" by §14.1.1's wording, yet
    // selects nothing; serving the (empty) whole with 200 is the only sensible answer.
    if (anySuffix && size === 0n) return { kind: 'ignore', reason: 'empty-representation' };
    return { kind: 'unsatisfiable', reason: 'no-overlap' };
  }
  return { kind: 'satisfiable', ranges: coalesceRanges(ranges) };
}

/**
 * Merge ranges that overlap or touch. Ranges that are already disjoint keep the client's order
 * (a client may have reasons to ask for the end first); once any two overlap, the result is
 * sorted by start.
 */
export function coalesceRanges(ranges: readonly ByteRange[]): readonly ByteRange[] {
  if (ranges.length < 2) return ranges;
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  let overlapping = false;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start <= sorted[i - 1]!.end + 1) overlapping = true;
  }
  if (!overlapping) return ranges;
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end + 1) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, range.end) };
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/** `bytes 0-99/1234`, the Content-Range of one part. */
export function formatContentRange(range: ByteRange, length: number): string {
  return `bytes ${range.start}-${range.end}/${length}`;
}

/** `bytes *\/1234`, the Content-Range of a 416 response. */
export function formatUnsatisfiedContentRange(length: number): string {
  return `bytes */${length}`;
}

/** The number of bytes a range covers. */
export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1;
}
