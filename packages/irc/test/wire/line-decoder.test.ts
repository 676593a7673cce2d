import fc from 'fast-check';
import { arbitrarySplits, splitAt } from '@tw/core/testing/split-feeder';
import { describe, expect, it } from 'vitest';

import { IRCLineDecoder, InvalidIRCOptionError, type IRCLineDecoderOptions } from './imports.js';

type Event = string | { tooLong: 'line' | 'tags' };

function collect(chunks: Iterable<Uint8Array>, options?: IRCLineDecoderOptions): Event[] {
  const decoder = new IRCLineDecoder(options);
  const events: Event[] = [];
  decoder.onLine = (line) => events.push(line);
  decoder.onTooLong = (kind) => events.push({ tooLong: kind });
  for (const chunk of chunks) decoder.feed(chunk);
  return events;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('IRCLineDecoder line ends', () => {
  it('accepts CR LF, bare LF and bare CR, and skips empty lines', () => {
    expect(collect([bytes('A 1\r\nB 2\nC 3\rD 4\r\n\r\n\n\nE 5\n')])).toEqual([
      'A 1',
      'B 2',
      'C 3',
      'D 4',
      'E 5',
    ]);
  });

  it('keeps a partial line until its end arrives', () => {
    const decoder = new IRCLineDecoder();
    const lines: string[] = [];
    decoder.onLine = (line) => lines.push(line);
    decoder.feed(bytes('PING :ab'));
    expect(lines).toEqual([]);
    expect(decoder.bufferedBytes).toBe(8);
    decoder.feed(bytes('c\r'));
    decoder.feed(bytes('\nPONG'));
    expect(lines).toEqual(['PING :abc']);
    decoder.reset();
    decoder.feed(bytes(' x\r\n'));
    expect(lines).toEqual(['PING :abc', ' x']);
  });

  it('copies partial data, so the caller may reuse its buffer', () => {
    const decoder = new IRCLineDecoder();
    const lines: string[] = [];
    decoder.onLine = (line) => lines.push(line);
    const buffer = bytes('AB');
    decoder.feed(buffer);
    buffer.fill(0x5a);
    decoder.feed(bytes('C\n'));
    expect(lines).toEqual(['ABC']);
  });

  const stream =
    '@time=2026-01-01T00:00:00Z;a=b\\sc :n!u@h PRIVMSG #c :héllo 🎉\r\n' +
    'PING :x\n' +
    '\xff\xfe-not-utf8\r' +
    ':srv 001 me :Welcome\r\n' +
    `PRIVMSG #c :${'y'.repeat(600)}\r\n` +
    `@${'t'.repeat(9000)} CMD\r\n` +
    'LAST\r\n';
  // Build the bytes with latin-1 for the \xff\xfe line, UTF-8 for the rest.
  const streamBytes = new Uint8Array(
    [...stream.split('\xff\xfe')].flatMap((part, i) => [
      ...(i > 0 ? [0xff, 0xfe] : []),
      ...bytes(part),
    ]),
  );

  it('gives the same events for any split of the stream', () => {
    const whole = collect([streamBytes]);
    expect(whole).toEqual([
      '@time=2026-01-01T00:00:00Z;a=b\\sc :n!u@h PRIVMSG #c :héllo 🎉',
      'PING :x',
      'ÿþ-not-utf8',
      ':srv 001 me :Welcome',
      { tooLong: 'line' },
      { tooLong: 'tags' },
      'LAST',
    ]);
    fc.assert(
      fc.property(arbitrarySplits(streamBytes, { maxCuts: 64 }), (chunks) => {
        expect(collect(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same events one byte at a time', () => {
    const oneByOne = splitAt(
      streamBytes,
      Array.from({ length: streamBytes.byteLength }, (_, i) => i),
    );
    expect(collect(oneByOne)).toEqual(collect([streamBytes]));
  });
});

describe('IRCLineDecoder limits', () => {
  it('accepts 510 bytes of content (512 with CR LF) and rejects 511', () => {
    const ok = `PRIVMSG #c :${'x'.repeat(510 - 12)}`;
    expect(collect([bytes(`${ok}\r\n`)])).toEqual([ok]);
    expect(collect([bytes(`${ok}x\r\nNEXT\r\n`)])).toEqual([{ tooLong: 'line' }, 'NEXT']);
  });

  it('does not count tags against the line limit', () => {
    const body = `PRIVMSG #c :${'x'.repeat(510 - 12)}`;
    const line = `@${'a'.repeat(4000)}=b ${body}`;
    expect(collect([bytes(`${line}\r\n`)])).toEqual([line]);
  });

  it('allows 8191 bytes of tags counting the @ and the space, not 8192', () => {
    const tags = `@k=${'v'.repeat(8191 - 4)} `;
    expect(bytes(tags).byteLength).toBe(8191);
    expect(collect([bytes(`${tags}CMD\r\n`)])).toEqual([`${tags}CMD`]);
    expect(collect([bytes(`@k=${'v'.repeat(8191 - 3)} CMD\r\nNEXT\n`)])).toEqual([
      { tooLong: 'tags' },
      'NEXT',
    ]);
  });

  it('honours smaller limits from options', () => {
    expect(collect([bytes('ABCDEFGH\nABC\n')], { maxLineBytes: 8 })).toEqual([
      { tooLong: 'line' },
      'ABC',
    ]);
    expect(collect([bytes('@abcd X\n@ab X\n')], { maxTagBytes: 5 })).toEqual([
      { tooLong: 'tags' },
      '@ab X',
    ]);
  });

  it('reports a too-long line once and discards it up to its end, however it arrives', () => {
    const flood = bytes('x'.repeat(10_000));
    const decoder = new IRCLineDecoder();
    const events: Event[] = [];
    decoder.onLine = (line) => events.push(line);
    decoder.onTooLong = (kind) => events.push({ tooLong: kind });
    for (let i = 0; i < 100; i++) {
      decoder.feed(flood);
      // Memory stays bounded however long the line grows: nothing is kept while discarding.
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(512 + 8191);
    }
    decoder.feed(bytes('\r\nOK\r\n'));
    expect(events).toEqual([{ tooLong: 'line' }, 'OK']);
  });

  it('never holds more than the limits for an unfinished line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 2000 }), { maxLength: 20 }),
        (chunks) => {
          const decoder = new IRCLineDecoder();
          for (const chunk of chunks) {
            decoder.feed(chunk);
            expect(decoder.bufferedBytes).toBeLessThanOrEqual(510 + 8191);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles a flood of tag-only lines (no space anywhere) line by line', () => {
    const events = collect([bytes('@aaaa\n'.repeat(5000))]);
    expect(events).toHaveLength(5000);
    expect(events.every((event) => event === '@aaaa')).toBe(true);
  });

  it('counts a tag section that spans chunks, and its body after the space', () => {
    const body = `PRIVMSG #c :${'x'.repeat(510 - 12)}`;
    const tags = `@k=${'v'.repeat(8191 - 4)} `;
    const data = bytes(`${tags}${body}\r\n${tags}${body}x\r\nOK\r\n`);
    const expected = [`${tags}${body}`, { tooLong: 'line' }, 'OK'];
    expect(collect([data])).toEqual(expected);
    fc.assert(
      fc.property(arbitrarySplits(data, { maxCuts: 16 }), (chunks) => {
        expect(collect(chunks)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects limits that are not positive integers', () => {
    expect(() => new IRCLineDecoder({ maxLineBytes: 0 })).toThrow(InvalidIRCOptionError);
    expect(() => new IRCLineDecoder({ maxLineBytes: 1.5 })).toThrow(InvalidIRCOptionError);
    expect(() => new IRCLineDecoder({ maxTagBytes: -1 })).toThrow(InvalidIRCOptionError);
  });

  it('stays usable when a callback throws', () => {
    const decoder = new IRCLineDecoder();
    const lines: string[] = [];
    decoder.onLine = (line) => {
      if (line === 'BAD') throw new Error('handler failed');
      lines.push(line);
    };
    expect(() => decoder.feed(bytes('BAD\r\nLOST'))).toThrow('handler failed');
    decoder.feed(bytes('GOOD\r\n'));
    expect(lines).toEqual(['GOOD']);
  });
});

describe('IRCLineDecoder encodings', () => {
  it('decodes UTF-8, and falls back to latin-1 for a line that is not UTF-8', () => {
    const latin1 = new Uint8Array([...bytes('PRIVMSG #c :caf'), 0xe9, 0x80, 0x0d, 0x0a]);
    expect(collect([bytes('PRIVMSG #c :café\r\n'), latin1])).toEqual([
      'PRIVMSG #c :café',
      'PRIVMSG #c :café\u0080',
    ]);
  });

  it('decides per line: a bad line does not change how the next is read', () => {
    const data = new Uint8Array([0x41, 0xe9, 0x0a, ...bytes('Bé\n')]);
    expect(collect([data])).toEqual(['Aé', 'Bé']);
  });

  it('replaces undecodable bytes with U+FFFD when the fallback is off', () => {
    expect(collect([new Uint8Array([0x41, 0xe9, 0x0a])], { fallback: null })).toEqual(['A\ufffd']);
  });

  it('treats a UTF-8 character cut between chunks as one character', () => {
    const data = bytes('X 🎉é\n');
    fc.assert(
      fc.property(arbitrarySplits(data), (chunks) => {
        expect(collect(chunks)).toEqual(['X 🎉é']);
      }),
    );
  });
});
