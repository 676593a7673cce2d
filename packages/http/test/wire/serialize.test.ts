import { describe, expect, it } from 'vitest';

import { encodeChunk, encodeLastChunk } from '../../src/wire/chunked-encoder.js';
import { Headers } from '../../src/wire/headers.js';
import { formatHTTPDate, parseHTTPDate } from '../../src/wire/http-date.js';
import { serializeRequestHead, serializeResponseHead } from '../../src/wire/serialize.js';
import { ParserRecorder } from './recorder.js';

const text = (bytes: Uint8Array | Uint8Array[]): string =>
  Buffer.concat(Array.isArray(bytes) ? bytes : [bytes]).toString('latin1');

describe('Headers', () => {
  it('is case-insensitive, multi-valued and ordered', () => {
    const headers = new Headers([
      ['Set-Cookie', 'a=1'],
      ['Content-Type', 'text/plain'],
      ['set-cookie', 'b=2'],
    ]);
    expect(headers.getRawHeaders('SET-COOKIE')).toEqual(['a=1', 'b=2']);
    expect(headers.getHeader('content-type')).toBe('text/plain');
    expect(headers.hasHeader('X')).toBe(false);
    headers.setRawHeaders('set-cookie', ['c=3']);
    expect([...headers]).toEqual([
      ['Content-Type', 'text/plain'],
      ['set-cookie', 'c=3'],
    ]);
    headers.removeHeader('CONTENT-TYPE');
    expect(headers.size).toBe(1);
    expect(new Headers({ A: ['1', '2'], B: '3' }).toJSON()).toEqual({ a: ['1', '2'], b: ['3'] });
  });

  it('refuses names and values that would split a message', () => {
    const headers = new Headers();
    expect(() => headers.addRawHeader('X', 'a\r\nInjected: 1')).toThrow(/Invalid value/);
    expect(() => headers.addRawHeader('X Y', 'a')).toThrow(/Invalid header name/);
    expect(() => headers.setRawHeaders('X', ['ok', 'bad\n'])).toThrow();
    expect(() => headers.addRawHeader('X', 'nul\0')).toThrow();
    expect(() => headers.addRawHeader('X', ' padded')).toThrow();
    expect(() => headers.addRawHeader('X', '\u0100')).toThrow();
    expect(headers.size).toBe(0);
  });
});

describe('serialisers', () => {
  it('writes a response head the parser reads back', () => {
    const head = serializeResponseHead('HTTP/1.1', 200, [
      ['Content-Length', '2'],
      ['X', 'y'],
    ]);
    expect(text(head)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX: y\r\n\r\n');
    expect(text(serializeResponseHead('HTTP/1.0', 299, [], 'Custom'))).toBe(
      'HTTP/1.0 299 Custom\r\n\r\n',
    );
    expect(text(serializeResponseHead('HTTP/1.1', 599, []))).toBe(
      'HTTP/1.1 599 Unknown Status\r\n\r\n',
    );
    expect(() => serializeResponseHead('HTTP/1.1', 200, [], 'a\r\nb')).toThrow();
    expect(() => serializeResponseHead('HTTP/1.1', 200, [['X', 'a\nb']])).toThrow();
    expect(() => serializeResponseHead('HTTP/1.1', 42, [])).toThrow();
  });

  it('writes a request head and refuses unsafe targets and methods', () => {
    expect(text(serializeRequestHead('GET', '/a?b', [['Host', 'x']]))).toBe(
      'GET /a?b HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(() => serializeRequestHead('GET', '/a b', [])).toThrow();
    expect(() => serializeRequestHead('GET', '/a\r\nX: y', [])).toThrow();
    expect(() => serializeRequestHead('G T', '/', [])).toThrow();
  });

  it('encodes chunks that the parser decodes', () => {
    const body = [
      ...encodeChunk(Buffer.from('hello')),
      ...encodeChunk(new Uint8Array(0)),
      ...encodeChunk(Buffer.alloc(300, 0x61)),
      encodeLastChunk([['X-Sum', '1']]),
    ];
    const recorder = new ParserRecorder('response');
    recorder.feed('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' + text(body));
    expect(recorder.events.slice(2)).toEqual([
      ['body', 'hello' + 'a'.repeat(300)],
      ['trailers', [['X-Sum', '1']]],
      ['complete'],
    ]);
    expect(text(encodeLastChunk())).toBe('0\r\n\r\n');
    expect(text(encodeChunk(Buffer.from('x'.repeat(26))))).toBe('1a\r\n' + 'x'.repeat(26) + '\r\n');
  });

  it('formats and parses HTTP dates in all three formats', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(formatHTTPDate(t)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(parseHTTPDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t);
    expect(parseHTTPDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t);
    expect(parseHTTPDate('Sun Nov  6 08:49:37 1994')).toBe(t);
    expect(parseHTTPDate('yesterday')).toBeNull();
  });
});
