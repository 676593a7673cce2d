import { describe, expect, it } from 'vitest';

import {
  fileETag,
  formatETag,
  parseETag,
  parseETagList,
  strongMatch,
  variantETag,
  weakMatch,
} from '../../src/static/etag.js';

describe('fileETag', () => {
  it('is a strong tag of inode, size and mtime in hex', () => {
    const tag = fileETag({ inode: 255, size: 16, mtime: 1_700_000_000_123_456_789n });
    expect(tag.weak).toBe(false);
    expect(formatETag(tag)).toBe(`"ff-10-${1_700_000_000_123_456_789n.toString(16)}"`);
  });
  it('leaves the inode out when asked', () => {
    expect(formatETag(fileETag({ size: 1, mtime: 2 }))).toBe('"1-2"');
  });
  it('changes with any of its inputs', () => {
    const base = { inode: 1, size: 10, mtime: 100n };
    const tags = [
      fileETag(base),
      fileETag({ ...base, inode: 2 }),
      fileETag({ ...base, size: 11 }),
      fileETag({ ...base, mtime: 101n }),
    ].map(formatETag);
    expect(new Set(tags).size).toBe(4);
  });
  it('makes a distinct tag for a variant representation', () => {
    expect(formatETag(variantETag({ weak: false, opaque: '"a-b"' }, 'gzip'))).toBe('"a-b-gzip"');
  });
});

describe('parseETagList', () => {
  it('parses *, single tags, weak tags and lists', () => {
    expect(parseETagList('*')).toBe('*');
    expect(parseETagList(' * ')).toBe('*');
    expect(parseETagList('"xyzzy"')).toEqual([{ weak: false, opaque: '"xyzzy"' }]);
    expect(parseETagList('W/"xyzzy"')).toEqual([{ weak: true, opaque: '"xyzzy"' }]);
    // RFC 9110 §13.1.2 examples.
    expect(parseETagList('"xyzzy", "r2d2xxxx", "c3piozzzz"')).toHaveLength(3);
    expect(parseETagList('W/"xyzzy", W/"r2d2xxxx", W/"c3piozzzz"')).toEqual([
      { weak: true, opaque: '"xyzzy"' },
      { weak: true, opaque: '"r2d2xxxx"' },
      { weak: true, opaque: '"c3piozzzz"' },
    ]);
    expect(parseETagList('"",, "a"')).toEqual([
      { weak: false, opaque: '""' },
      { weak: false, opaque: '"a"' },
    ]);
  });
  it.each(['', 'xyzzy', '"unterminated', '"a" "b"', 'w/"lower"', '"a b"', '"a",*', '"a"x'])(
    'rejects %j',
    (value) => {
      expect(parseETagList(value)).toBeNull();
    },
  );
  it('parseETag takes exactly one tag', () => {
    expect(parseETag('"a"')).toEqual({ weak: false, opaque: '"a"' });
    expect(parseETag('"a", "b"')).toBeNull();
    expect(parseETag('*')).toBeNull();
  });
});

describe('comparison (the table of RFC 9110 §8.8.3.2)', () => {
  const w1 = { weak: true, opaque: '"1"' };
  const w2 = { weak: true, opaque: '"2"' };
  const s1 = { weak: false, opaque: '"1"' };
  it.each([
    [w1, w1, false, true],
    [w1, w2, false, false],
    [w1, s1, false, true],
    [s1, s1, true, true],
  ])('%j vs %j: strong %s, weak %s', (a, b, strong, weak) => {
    expect(strongMatch(a, b)).toBe(strong);
    expect(weakMatch(a, b)).toBe(weak);
  });
});
