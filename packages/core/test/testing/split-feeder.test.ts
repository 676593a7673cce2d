import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/testing/index.js';
import {
  arbitraryChunkSplitter,
  arbitraryCutPoints,
  arbitrarySplits,
  feedInChunks,
  splitAt,
} from '../../src/testing/split-feeder.js';

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('split-feeder', () => {
  it('splitAt cuts at the given offsets, ignoring duplicates, ends and out-of-range points', () => {
    expect(splitAt('abcdef', [4, 2, 2, 0, 6, 99, -1]).map(decode)).toEqual(['ab', 'cd', 'ef']);
    expect(splitAt('abc', []).map(decode)).toEqual(['abc']);
    expect(splitAt('', [1])).toEqual([]);
  });

  it('arbitrarySplits gives non-empty chunks that join back to the data', () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ maxLength: 64 })
          .chain((data) => fc.tuple(fc.constant(data), arbitrarySplits(data))),
        ([data, chunks]) => {
          expect(concatBytes(chunks)).toEqual(data);
          expect(chunks.every((chunk) => chunk.byteLength > 0)).toBe(true);
        },
      ),
    );
  });

  it('arbitrarySplits reaches both extremes: one chunk and one byte per chunk', () => {
    const samples = fc.sample(arbitrarySplits('abcd'), { numRuns: 500, seed: 42 });
    const shapes = new Set(samples.map((chunks) => chunks.map(decode).join('|')));
    expect(shapes).toContain('abcd');
    expect(shapes).toContain('a|b|c|d');
  });

  it('arbitraryCutPoints respects maxCuts and stays inside the data', () => {
    fc.assert(
      fc.property(arbitraryCutPoints(10, { maxCuts: 3 }), (points) => {
        expect(points.length).toBeLessThanOrEqual(3);
        expect(points.every((point) => point >= 1 && point <= 9)).toBe(true);
        expect([...points].sort((a, b) => a - b)).toEqual(points);
      }),
    );
  });

  it('arbitraryChunkSplitter cuts without losing or reordering bytes', () => {
    fc.assert(
      fc.property(arbitraryChunkSplitter(5), fc.uint8Array({ maxLength: 50 }), (split, data) => {
        const chunks = split(data);
        expect(concatBytes(chunks)).toEqual(data);
        expect(chunks.every((chunk) => chunk.byteLength >= 1 && chunk.byteLength <= 5)).toBe(true);
      }),
    );
  });

  it('feedInChunks hands each chunk to dataReceived in order', () => {
    const seen: string[] = [];
    const chunks = feedInChunks(
      { dataReceived: (data) => seen.push(decode(data)) },
      'HELO x\r\n',
      [3, 5],
    );
    expect(seen).toEqual(['HEL', 'O ', 'x\r\n']);
    expect(chunks).toHaveLength(3);
  });
});
