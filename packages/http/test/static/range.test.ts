import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  coalesceRanges,
  decideRange,
  formatContentRange,
  formatUnsatisfiedContentRange,
  parseRangeSpecs,
} from '../../src/static/range.js';

const satisfiable = (header: string, length: number) => {
  const decision = decideRange(header, length);
  if (decision.kind !== 'satisfiable')
    throw new Error(`expected satisfiable, got ${decision.kind}`);
  return decision.ranges.map((r) => [r.start, r.end]);
};

describe('decideRange: the examples of RFC 9110 §14.1.2 (a 10000-byte representation)', () => {
  it('the first 500 bytes', () => {
    expect(satisfiable('bytes=0-499', 10000)).toEqual([[0, 499]]);
  });
  it('the second 500 bytes', () => {
    expect(satisfiable('bytes=500-999', 10000)).toEqual([[500, 999]]);
  });
  it('the final 500 bytes, as a suffix and as an open range', () => {
    expect(satisfiable('bytes=-500', 10000)).toEqual([[9500, 9999]]);
    expect(satisfiable('bytes=9500-', 10000)).toEqual([[9500, 9999]]);
  });
  it('the first and last bytes only', () => {
    expect(satisfiable('bytes=0-0,-1', 10000)).toEqual([
      [0, 0],
      [9999, 9999],
    ]);
  });
  it('other valid ranges for the second 500 bytes coalesce into one', () => {
    expect(satisfiable('bytes=500-600,601-999', 10000)).toEqual([[500, 999]]);
    expect(satisfiable('bytes=500-700,601-999', 10000)).toEqual([[500, 999]]);
  });
});

describe('decideRange', () => {
  it('ignores an absent header', () => {
    expect(decideRange(null, 10)).toEqual({ kind: 'ignore', reason: 'absent' });
    expect(decideRange(undefined, 10)).toEqual({ kind: 'ignore', reason: 'absent' });
  });

  it('clamps a last-pos beyond the end and a suffix longer than the representation', () => {
    expect(satisfiable('bytes=5-1000', 10)).toEqual([[5, 9]]);
    expect(satisfiable('bytes=-1000', 10)).toEqual([[0, 9]]);
  });

  it('compares numbers beyond 2^53 exactly', () => {
    expect(satisfiable('bytes=0-99999999999999999999999', 10)).toEqual([[0, 9]]);
    expect(decideRange('bytes=99999999999999999999-', 10)).toEqual({
      kind: 'unsatisfiable',
      reason: 'no-overlap',
    });
    // last < first only by the 20th digit: still invalid syntax, so ignored.
    expect(decideRange('bytes=18446744073709551617-18446744073709551616', 10).kind).toBe('ignore');
  });

  it('accepts a case-insensitive unit, whitespace around commas and empty list elements', () => {
    expect(satisfiable('BYTES=0-1', 10)).toEqual([[0, 1]]);
    expect(satisfiable('bytes=0-1 , 4-5,\t, 8-', 10)).toEqual([
      [0, 1],
      [4, 5],
      [8, 9],
    ]);
  });

  it.each([
    'bytes=',
    'bytes=,',
    'bytes=-',
    'bytes=a-b',
    'bytes=1-2-3',
    'bytes=5-1',
    'bytes 0-1',
    'bytes=0 -1',
    'bytes=--1',
    'bytes=+1-2',
    'bytes=0x1-2',
    '=0-1',
    ' bytes=0-1',
  ])('ignores invalid syntax %j', (header) => {
    expect(decideRange(header, 100)).toEqual({ kind: 'ignore', reason: 'invalid' });
  });

  it('ignores other range units', () => {
    expect(decideRange('items=0-1', 100)).toEqual({ kind: 'ignore', reason: 'other-unit' });
  });

  it('answers 416 when no range overlaps', () => {
    expect(decideRange('bytes=10-20', 10)).toEqual({ kind: 'unsatisfiable', reason: 'no-overlap' });
    expect(decideRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable', reason: 'no-overlap' });
    expect(decideRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable', reason: 'no-overlap' });
  });

  it('drops the unsatisfiable ranges of a set that has some satisfiable ones', () => {
    expect(satisfiable('bytes=50-60,0-1,-0', 10)).toEqual([[0, 1]]);
  });

  it('serves an empty representation whole for a suffix range', () => {
    expect(decideRange('bytes=-5', 0)).toEqual({ kind: 'ignore', reason: 'empty-representation' });
  });

  it('refuses more than maxRanges range-specs with 416', () => {
    const many = 'bytes=' + Array.from({ length: 17 }, (_, i) => `${i * 2}-${i * 2}`).join(',');
    expect(decideRange(many, 1000)).toEqual({ kind: 'unsatisfiable', reason: 'too-many-ranges' });
    expect(decideRange(many, 1000, { maxRanges: 17 }).kind).toBe('satisfiable');
  });

  it('keeps disjoint ranges in the order asked, sorts once any overlap', () => {
    expect(satisfiable('bytes=8-9,0-1', 10)).toEqual([
      [8, 9],
      [0, 1],
    ]);
    expect(satisfiable('bytes=8-9,0-1,1-2', 10)).toEqual([
      [0, 2],
      [8, 9],
    ]);
  });

  it('collapses the classic overlapping-ranges abuse into one range', () => {
    const abuse = 'bytes=0-,' + Array.from({ length: 15 }, () => '0-').join(',');
    expect(satisfiable(abuse, 1000)).toEqual([[0, 999]]);
  });
});

describe('parseRangeSpecs', () => {
  it('keeps the specs as written', () => {
    expect(parseRangeSpecs('bytes=1-2,3-,-4')).toEqual([
      { kind: 'int', first: 1n, last: 2n },
      { kind: 'int', first: 3n, last: null },
      { kind: 'suffix', length: 4n },
    ]);
  });
});

describe('formatting', () => {
  it('writes Content-Range for a part and for 416', () => {
    expect(formatContentRange({ start: 0, end: 499 }, 1234)).toBe('bytes 0-499/1234');
    expect(formatUnsatisfiedContentRange(1234)).toBe('bytes */1234');
  });
  it('coalesces adjacent ranges', () => {
    expect(
      coalesceRanges([
        { start: 5, end: 9 },
        { start: 0, end: 4 },
      ]),
    ).toEqual([{ start: 0, end: 9 }]);
  });
});

describe('decideRange properties', () => {
  const rangeSpec = fc.oneof(
    fc
      .tuple(fc.nat(2000), fc.option(fc.nat(2000), { nil: undefined }))
      .map(([a, b]) => (b === undefined ? `${a}-` : `${Math.min(a, b)}-${Math.max(a, b)}`)),
    fc.nat(2000).map((n) => `-${n}`),
  );
  const header = fc
    .array(rangeSpec, { minLength: 1, maxLength: 20 })
    .map((specs) => `bytes=${specs.join(',')}`);

  it('never throws on any string and always answers one of the three kinds', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(1 << 20), (text, length) => {
        const decision = decideRange(text, length);
        expect(['ignore', 'satisfiable', 'unsatisfiable']).toContain(decision.kind);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'bytes=0123456789-, \t'.split('')) }),
        fc.nat(5000),
        (text, length) => {
          decideRange(text, length);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('produces in-bounds, non-empty, disjoint ranges, at most maxRanges of them', () => {
    fc.assert(
      fc.property(header, fc.nat(3000), (text, length) => {
        const decision = decideRange(text, length);
        if (decision.kind !== 'satisfiable') return;
        expect(decision.ranges.length).toBeGreaterThan(0);
        expect(decision.ranges.length).toBeLessThanOrEqual(16);
        const sorted = [...decision.ranges].sort((a, b) => a.start - b.start);
        sorted.forEach((range, i) => {
          expect(Number.isInteger(range.start) && Number.isInteger(range.end)).toBe(true);
          expect(range.start).toBeGreaterThanOrEqual(0);
          expect(range.end).toBeGreaterThanOrEqual(range.start);
          expect(range.end).toBeLessThan(length);
          if (i > 0) expect(range.start).toBeGreaterThan(sorted[i - 1]!.end + 1);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('covers exactly the bytes the specs select', () => {
    fc.assert(
      fc.property(
        fc.array(rangeSpec, { minLength: 1, maxLength: 16 }),
        fc.nat(300),
        (specs, length) => {
          const decision = decideRange(`bytes=${specs.join(',')}`, length);
          const wanted = new Set<number>();
          for (const spec of specs) {
            const [a = '', b = ''] = spec.split('-');
            if (a === '') {
              for (let i = Math.max(0, length - Number(b)); i < length; i++) wanted.add(i);
            } else {
              const end = b === '' ? length - 1 : Math.min(Number(b), length - 1);
              for (let i = Number(a); i <= end; i++) wanted.add(i);
            }
          }
          if (decision.kind === 'satisfiable') {
            const got = new Set<number>();
            for (const r of decision.ranges) for (let i = r.start; i <= r.end; i++) got.add(i);
            expect(got).toEqual(wanted);
          } else if (decision.kind === 'unsatisfiable') {
            expect(wanted.size).toBe(0);
          } else {
            expect(decision).toEqual({ kind: 'ignore', reason: 'empty-representation' });
            expect(length).toBe(0);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
