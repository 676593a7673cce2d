import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MSG_JOIN } from './fixtures.js';
import {
  type IRCMessageInit,
  InvalidIRCMessageError,
  LineTooLongError,
  encodeLine,
  formatMessage,
  isTwErrorCode,
  makeSource,
  parseMessage,
} from './imports.js';
import { arbitraryMessage } from './arbitraries.js';

const decoder = new TextDecoder();

describe('formatMessage (ircdocs msg-join)', () => {
  it.each(MSG_JOIN)('$desc', ({ atoms, matches }) => {
    const line = formatMessage({
      ...(atoms.tags !== undefined ? { tags: atoms.tags } : {}),
      ...(atoms.source !== undefined ? { source: atoms.source } : {}),
      command: atoms.verb,
      params: atoms.params ?? [],
    });
    // Our commands come out upper-cased; the fixtures keep the case they were written in.
    const upper = (m: string): string =>
      m.replace(
        /^((?:@\S+ )?(?::\S+ )?)(\S+)/,
        (_, pre: string, verb: string) => pre + verb.toUpperCase(),
      );
    expect(matches.map(upper)).toContain(line);
  });

  it('writes a source object as nick!user@host', () => {
    expect(
      formatMessage({ source: makeSource('n', 'u', 'h'), command: 'JOIN', params: ['#c'] }),
    ).toBe(':n!u@h JOIN #c');
    expect(
      formatMessage({
        source: { nick: 'n', user: 'u', host: 'h', raw: '' },
        command: 'JOIN',
        params: ['#c'],
      }),
    ).toBe(':n!u@h JOIN #c');
  });

  it("adds ':' to the last parameter when asked to always", () => {
    expect(
      formatMessage({ command: 'PRIVMSG', params: ['#c', 'hi'] }, { trailing: 'always' }),
    ).toBe('PRIVMSG #c :hi');
    expect(formatMessage({ command: 'PRIVMSG', params: ['#c', 'hi'] })).toBe('PRIVMSG #c hi');
  });

  it('accepts tags as a Map and sends empty values in the short form', () => {
    const tags = new Map([
      ['time', '2026-01-01T00:00:00.000Z'],
      ['+draft/reply', ''],
      ['example.com/x', 'a b;c'],
    ]);
    expect(formatMessage({ tags, command: 'TAGMSG', params: ['#c'] })).toBe(
      '@time=2026-01-01T00:00:00.000Z;+draft/reply;example.com/x=a\\sb\\:c TAGMSG #c',
    );
  });

  it.each<[IRCMessageInit, string]>([
    [{ command: 'PRIVMSG', params: ['#c', 'a\r\nQUIT'] }, 'CR LF in the last parameter'],
    [{ command: 'PRIVMSG', params: ['#c\n', 'x'] }, 'LF in a middle parameter'],
    [{ command: 'PRIVMSG', params: ['#c', 'a\0b'] }, 'NUL'],
    [{ command: 'PRIVMSG', params: ['#a b', 'x'] }, 'space in a middle parameter'],
    [{ command: 'PRIVMSG', params: ['', 'x'] }, 'empty middle parameter'],
    [{ command: 'PRIVMSG', params: [':x', 'y'] }, "middle parameter starting with ':'"],
    [{ command: 'PRIV MSG', params: [] }, 'space in the command'],
    [{ command: '', params: [] }, 'empty command'],
    [{ command: '1234', params: [] }, 'four-digit numeric'],
    [{ command: 'X', source: 'a b', params: [] }, 'space in the source'],
    [{ command: 'X', source: 'a\r\nb', params: [] }, 'CR LF in the source'],
    [{ command: 'X', tags: { 'bad key': 'v' }, params: [] }, 'bad tag key'],
    [{ command: 'X', tags: { 'a;b': 'v' }, params: [] }, 'semicolon in a tag key'],
    [{ command: 'X', tags: { a: 'v\0' }, params: [] }, 'NUL in a tag value'],
  ])('rejects %j (%s)', (msg) => {
    expect(() => formatMessage(msg)).toThrow(InvalidIRCMessageError);
    try {
      formatMessage(msg);
    } catch (error) {
      expect(isTwErrorCode(error, 'TW_IRC_INVALID_MESSAGE')).toBe(true);
    }
  });

  it('escapes a CR LF in a tag value rather than breaking the line', () => {
    const line = formatMessage({ tags: { a: 'x\r\nQUIT' }, command: 'TAGMSG', params: ['#c'] });
    expect(line).not.toMatch(/[\r\n]/);
    expect(parseMessage(line).tags.get('a')).toBe('x\r\nQUIT');
  });
});

describe('round trip', () => {
  it('parseMessage(formatMessage(m)) gives m back for any valid message', () => {
    fc.assert(
      fc.property(
        arbitraryMessage(),
        fc.constantFrom('auto' as const, 'always' as const),
        (msg, trailing) => {
          const parsed = parseMessage(formatMessage(msg, { trailing }));
          expect(Object.fromEntries(parsed.tags)).toEqual(Object.fromEntries(msg.tags));
          expect(parsed.source?.raw ?? null).toBe(msg.source);
          expect(parsed.command).toBe(msg.command.toUpperCase());
          expect(parsed.params).toEqual(msg.params);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('formatMessage(parseMessage(line)) is a fixed point after one normalisation', () => {
    fc.assert(
      fc.property(arbitraryMessage(), (msg) => {
        const once = formatMessage(parseMessage(formatMessage(msg)));
        expect(formatMessage(parseMessage(once))).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('encodeLine', () => {
  it('ends the line with CR LF and encodes UTF-8', () => {
    expect(decoder.decode(encodeLine({ command: 'PRIVMSG', params: ['#c', 'héllo wörld'] }))).toBe(
      'PRIVMSG #c :héllo wörld\r\n',
    );
  });

  it('accepts a line of exactly 512 bytes and rejects 513', () => {
    const head = 'PRIVMSG #c '; // no ':' needed: the text has no space
    const fits = 'x'.repeat(512 - head.length - 2);
    expect(encodeLine({ command: 'PRIVMSG', params: ['#c', `${fits}`] }).byteLength).toBe(512);
    expect(() => encodeLine({ command: 'PRIVMSG', params: ['#c', `${fits}y`] })).toThrow(
      LineTooLongError,
    );
  });

  it('does not count tags against the 512-byte line limit, but limits them to 8191', () => {
    const body = { command: 'PRIVMSG', params: ['#c', 'hi there'] };
    const big = 'v'.repeat(8000);
    expect(encodeLine({ ...body, tags: { a: big } }).byteLength).toBeGreaterThan(8000);
    // '@a=' + value + ' ' must be at most 8191 bytes.
    expect(() => encodeLine({ ...body, tags: { a: 'v'.repeat(8191 - 4) } })).not.toThrow();
    expect(() => encodeLine({ ...body, tags: { a: 'v'.repeat(8191 - 3) } })).toThrow(
      LineTooLongError,
    );
  });

  it('truncates the last parameter on a character boundary when asked', () => {
    const text = 'é'.repeat(400); // 800 bytes
    const line = encodeLine(
      { command: 'PRIVMSG', params: ['#c', text] },
      { onTooLong: 'truncate' },
    );
    expect(line.byteLength).toBeLessThanOrEqual(512);
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(line);
    const param = parseMessage(decoded).params[1]!;
    expect(text.startsWith(param)).toBe(true);
    expect(line.byteLength).toBeGreaterThanOrEqual(511);
  });

  it('truncates only the part after the tags, and keeps a needed colon', () => {
    const line = encodeLine(
      {
        tags: { a: 'b' },
        source: 'n!u@h',
        command: 'PRIVMSG',
        params: ['#c', 'word '.repeat(200)],
      },
      { onTooLong: 'truncate' },
    );
    const text = new TextDecoder().decode(line);
    expect(text.startsWith('@a=b :n!u@h PRIVMSG #c :word word')).toBe(true);
    expect(line.byteLength - '@a=b '.length).toBeLessThanOrEqual(512);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('cannot truncate when the fixed part alone is too long', () => {
    expect(() =>
      encodeLine({ command: 'PRIVMSG', params: ['#'.repeat(600), 'x'] }, { onTooLong: 'truncate' }),
    ).toThrow(LineTooLongError);
  });

  it('reports which limit broke and by how much', () => {
    try {
      encodeLine({ command: 'X', params: ['y'.repeat(600)] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LineTooLongError);
      expect(isTwErrorCode(error, 'TW_IRC_LINE_TOO_LONG')).toBe(true);
      expect((error as LineTooLongError).kind).toBe('line');
      expect((error as LineTooLongError).actual).toBe(604);
      expect((error as LineTooLongError).limit).toBe(512);
    }
  });
});
