/**
 * "Any split of the input gives the same result": fast-check arbitraries that cut bytes into
 * chunks, and helpers that feed the chunks to a protocol or parser. Needs fast-check (an
 * optional peer dependency of @tw/core: install it in the package whose tests use this).
 *
 * ```ts
 * fc.assert(fc.property(arbitrarySplits(request), (chunks) => {
 *   const parser = new Parser();
 *   for (const chunk of chunks) parser.feed(chunk);
 *   expect(parser.events).toEqual(expected);
 * }));
 * ```
 */
import fc from 'fast-check';

import type { ChunkSplitter } from './iopump.js';

const textEncoder = new TextEncoder();

function asBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? textEncoder.encode(data) : data;
}

/**
 * Cut `data` at `cutPoints` (byte offsets, any order; duplicates, 0, the end and offsets outside
 * the data are ignored). Never yields an empty chunk; empty data gives no chunks.
 */
export function splitAt(data: Uint8Array | string, cutPoints: Iterable<number>): Uint8Array[] {
  const bytes = asBytes(data);
  const cuts = [...new Set(cutPoints)]
    .filter((point) => Number.isInteger(point) && point > 0 && point < bytes.byteLength)
    .sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.byteLength]) {
    if (cut > start) chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}

export interface ArbitrarySplitsOptions {
  /** The most cuts to make (default: one between every pair of bytes is allowed). */
  readonly maxCuts?: number;
}

/**
 * An arbitrary of cut points into data of `length` bytes: sorted, distinct offsets in
 * 1..length-1. Shrinks towards fewer cuts.
 */
export function arbitraryCutPoints(
  length: number,
  options: ArbitrarySplitsOptions = {},
): fc.Arbitrary<number[]> {
  if (length < 2) return fc.constant([]);
  return fc
    .uniqueArray(fc.integer({ min: 1, max: length - 1 }), {
      maxLength: Math.min(options.maxCuts ?? length - 1, length - 1),
    })
    .map((points) => points.sort((a, b) => a - b));
}

/**
 * An arbitrary of ways to cut `data` into non-empty chunks that concatenate back to it:
 * every chunking is reachable, from one chunk to one byte per chunk.
 */
export function arbitrarySplits(
  data: Uint8Array | string,
  options: ArbitrarySplitsOptions = {},
): fc.Arbitrary<Uint8Array[]> {
  const bytes = asBytes(data);
  return arbitraryCutPoints(bytes.byteLength, options).map((points) => splitAt(bytes, points));
}

/**
 * An arbitrary ChunkSplitter for IOPump's `split` option: it cuts whatever the pump moves into
 * chunks whose sizes cycle through a generated list (1 to `maxChunkSize` bytes each), so one
 * property covers many chunkings of a whole conversation.
 */
export function arbitraryChunkSplitter(maxChunkSize = 16): fc.Arbitrary<ChunkSplitter> {
  return fc
    .array(fc.integer({ min: 1, max: maxChunkSize }), { minLength: 1, maxLength: 8 })
    .map((sizes) => {
      let next = 0;
      const splitter: ChunkSplitter = (data) => {
        const chunks: Uint8Array[] = [];
        let offset = 0;
        while (offset < data.byteLength) {
          const size = sizes[next++ % sizes.length]!;
          chunks.push(data.subarray(offset, offset + size));
          offset += size;
        }
        return chunks;
      };
      // fast-check prints counterexamples with toString().
      splitter.toString = () => `chunk sizes cycling through [${sizes.join(', ')}]`;
      return splitter;
    });
}

/** Anything with dataReceived: a Protocol, or a parser adapter. */
export interface DataReceiver {
  dataReceived(data: Uint8Array): void;
}

/**
 * Feed `data` to `receiver.dataReceived`, cut at `cutPoints` (see splitAt), and return the
 * chunks fed. With no cut points the data goes in one call.
 */
export function feedInChunks(
  receiver: DataReceiver,
  data: Uint8Array | string,
  cutPoints: Iterable<number> = [],
): Uint8Array[] {
  const chunks = splitAt(data, cutPoints);
  for (const chunk of chunks) receiver.dataReceived(chunk);
  return chunks;
}
