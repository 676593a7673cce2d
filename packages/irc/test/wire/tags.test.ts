import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  escapeTagValue,
  formatServerTime,
  formatTags,
  isValidTagKey,
  parseServerTime,
  parseTags,
  unescapeTagValue,
} from './imports.js';

describe('tag values', () => {
  it('escape and unescape are inverse for any value without NUL', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(';', ' ', '\\', '\r', '\n', 's', ':', 'a', 'é') }),
        (value) => {
          const escaped = escapeTagValue(value);
          expect(escaped).not.toMatch(/[; \r\n]/);
          expect(unescapeTagValue(escaped)).toBe(value);
        },
      ),
    );
  });

  it('parses and formats tag sections', () => {
    expect(Object.fromEntries(parseTags('a=1;;b;=x;c='))).toEqual({ a: '1', b: '', c: '' });
    expect(
      formatTags([
        ['a', 'x y'],
        ['+b', ''],
      ]),
    ).toBe('a=x\\sy;+b');
  });

  it('knows valid tag keys', () => {
    for (const key of ['time', '+typing', 'example.com/foo', '+draft/reply', 'a-b']) {
      expect(isValidTagKey(key), key).toBe(true);
    }
    for (const key of ['', 'a b', 'a=b', 'a;b', '/x', 'x/', '++a', 'a_b']) {
      expect(isValidTagKey(key), key).toBe(false);
    }
  });
});

describe('server-time', () => {
  it('formats UTC with milliseconds and parses it back', () => {
    const text = formatServerTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(text).toBe('2026-01-02T03:04:05.006Z');
    expect(parseServerTime(text)?.getTime()).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  });

  it('rejects other formats', () => {
    expect(parseServerTime('2026-01-02 03:04:05')).toBeNull();
    expect(parseServerTime('2026-13-45T03:04:05.000Z')).toBeNull();
    expect(parseServerTime('1700000000')).toBeNull();
  });
});
