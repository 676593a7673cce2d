import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  InvalidIRCOptionError,
  encodeLine,
  maxTextBytes,
  splitText,
  utf8ByteLength,
} from './imports.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

describe('utf8ByteLength', () => {
  it('matches TextEncoder, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a') }),
        (s, t) => {
          expect(utf8ByteLength(s)).toBe(encoder.encode(s).byteLength);
          expect(utf8ByteLength(t)).toBe(encoder.encode(t).byteLength);
        },
      ),
    );
  });
});

describe('splitText', () => {
  it('splits after spaces when it can', () => {
    expect(splitText('hello big wide world', 10)).toEqual(['hello big ', 'wide world']);
    expect(splitText('short', 10)).toEqual(['short']);
  });

  it('cuts a word longer than the budget', () => {
    expect(splitText('abcdefghij klm', 4)).toEqual(['abcd', 'efgh', 'ij ', 'klm']);
  });

  it('splits at line breaks and drops empty lines', () => {
    expect(splitText('one\r\ntwo\n\nthree\r', 100)).toEqual(['one', 'two', 'three']);
    expect(splitText('', 100)).toEqual([]);
  });

  it('keeps an emoji with its modifiers together', () => {
    const family = '👨‍👩‍👧'; // 18 bytes, one grapheme
    const pieces = splitText(`ab${family}`, 19);
    expect(pieces).toEqual(['ab', family]);
  });

  it('keeps a colour code with its digits', () => {
    expect(splitText('ab\x0304,12cd', 6)).toEqual(['ab', '\x0304,12', 'cd']);
    expect(splitText('ab\x0312', 4)).toEqual(['ab', '\x0312']);
    expect(splitText('\x04FF0000red', 7)).toEqual(['\x04FF0000', 'red']);
  });

  it('never breaks a UTF-8 sequence, every piece fits, and a line comes back whole', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom(' ', 'é', '🎉', '中', 'a', '\u0301', '👍🏽'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
    });
    fc.assert(
      fc.property(text, fc.integer({ min: 4, max: 40 }), (raw, maxBytes) => {
        const line = raw
          .replace(/[\r\n]/g, '')
          .replace(/[\ud800-\udfff]/g, (c, i: number, s: string) => {
            // Keep only well-formed pairs; lone surrogates are not text.
            const code = c.charCodeAt(0);
            if (code < 0xdc00 && /[\udc00-\udfff]/.test(s[i + 1] ?? '')) return c;
            if (code >= 0xdc00 && /[\ud800-\udbff]/.test(s[i - 1] ?? '')) return c;
            return '?';
          });
        const pieces = splitText(line, maxBytes);
        expect(pieces.join('')).toBe(line);
        for (const piece of pieces) {
          expect(piece).not.toBe('');
          const bytes = encoder.encode(piece);
          expect(bytes.byteLength).toBeLessThanOrEqual(maxBytes);
          expect(strictDecoder.decode(bytes)).toBe(piece);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects budgets too small for any character', () => {
    expect(() => splitText('x', 3)).toThrow(InvalidIRCOptionError);
  });
});

describe('maxTextBytes', () => {
  it('leaves room for the prefix the server adds, so the relayed line fits 512 bytes', () => {
    const budget = maxTextBytes('nick', '~user', 'host.example.com', '#channel');
    // :nick!~user@host.example.com PRIVMSG #channel :<text>\r\n
    expect(budget).toBe(512 - ':nick!~user@host.example.com PRIVMSG #channel :\r\n'.length);
    for (const piece of splitText('word '.repeat(300), budget)) {
      const relayed = encodeLine(
        { source: 'nick!~user@host.example.com', command: 'PRIVMSG', params: ['#channel', piece] },
        { trailing: 'always' },
      );
      expect(relayed.byteLength).toBeLessThanOrEqual(512);
    }
  });

  it('assumes a wide user and host when they are unknown', () => {
    expect(maxTextBytes('n', undefined, undefined, '#c')).toBe(
      512 - (1 + 1 + 1 + 10 + 1 + 63 + 1) - 'PRIVMSG #c :\r\n'.length,
    );
    expect(maxTextBytes('n', 'u', 'h', '#c', 'NOTICE')).toBe(512 - ':n!u@h NOTICE #c :\r\n'.length);
    expect(maxTextBytes('n'.repeat(600), 'u', 'h', '#c')).toBe(0);
  });
});
