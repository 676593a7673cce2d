import { describe, expect, it } from 'vitest';

import { ParserRecorder, errorStatus, parse } from './recorder.js';

const H = 'Host: a\r\n';

/**
 * Request-smuggling and malformed-message cases (RFC 9112 §6.3, §11.2, and the lists of
 * PortSwigger's research, the "funky chunks" write-up and llhttp's test-suite). Each must be
 * refused with the status given, before any body byte is delivered.
 */
const REFUSED: [string, string, number][] = [
  [
    'CL and TE together',
    `POST / HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    400,
  ],
  [
    'TE and CL together (reversed)',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n`,
    400,
  ],
  ['TE in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ['chunked not last', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`, 400],
  [
    'chunked not last, two fields',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n`,
    400,
  ],
  ['chunked twice', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n`, 400],
  ['unknown coding only', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n`, 400],
  ['empty TE', `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\r\n\r\n`, 400],
  ['TE with NBSP', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\xa0\r\n\r\n`, 400],
  ['TE with vertical tab', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: \x0bchunked\r\n\r\n`, 400],
  [
    'gzip then chunked → not implemented',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n`,
    501,
  ],
  ['CL with plus sign', `POST / HTTP/1.1\r\n${H}Content-Length: +4\r\n\r\n`, 400],
  ['CL negative', `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`, 400],
  ['CL with inner space', `POST / HTTP/1.1\r\n${H}Content-Length: 1 2\r\n\r\n`, 400],
  ['CL hex', `POST / HTTP/1.1\r\n${H}Content-Length: 0x10\r\n\r\n`, 400],
  ['CL empty', `POST / HTTP/1.1\r\n${H}Content-Length:\r\n\r\n`, 400],
  [
    'CL duplicates that differ',
    `POST / HTTP/1.1\r\n${H}Content-Length: 4\r\nContent-Length: 5\r\n\r\n`,
    400,
  ],
  ['CL list that differs', `POST / HTTP/1.1\r\n${H}Content-Length: 4, 5\r\n\r\n`, 400],
  ['CL list with empty item', `POST / HTTP/1.1\r\n${H}Content-Length: 4,\r\n\r\n`, 400],
  ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n  b\r\n\r\n`, 400],
  ['obs-fold with tab', `GET / HTTP/1.1\r\n${H}X: a\r\n\tb\r\n\r\n`, 400],
  ['space before colon', `POST / HTTP/1.1\r\n${H}Content-Length : 4\r\n\r\n`, 400],
  ['tab before colon', `GET / HTTP/1.1\r\n${H}X\t: 4\r\n\r\n`, 400],
  [
    'leading whitespace before first field',
    `GET / HTTP/1.1\r\n Transfer-Encoding: chunked\r\n${H}\r\n`,
    400,
  ],
  ['empty field name', `GET / HTTP/1.1\r\n${H}: x\r\n\r\n`, 400],
  ['no colon', `GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n`, 400],
  ['invalid name character', `GET / HTTP/1.1\r\n${H}X(y): 1\r\n\r\n`, 400],
  ['bare CR in a value', `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, 400],
  ['bare CR ending a field line', `GET / HTTP/1.1\r\n${H}X: a\r\rY: b\r\n\r\n`, 400],
  ['bare CR in the request line', 'GET /\r HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['bare CR ending the request line', 'GET / HTTP/1.1\r\rHost: a\r\n\r\n', 400],
  ['NUL in a value', `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`, 400],
  ['NUL in a name', `GET / HTTP/1.1\r\n${H}X\x00: b\r\n\r\n`, 400],
  ['NUL in the target', 'GET /a\x00b HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['DEL in a value', `GET / HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`, 400],
  ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['trailing space in the request line', 'GET / HTTP/1.1 \r\nHost: a\r\n\r\n', 400],
  ['tab as separator', 'GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['HTTP/0.9 request', 'GET /\r\n\r\n', 400],
  ['lower-case version', 'GET / http/1.1\r\nHost: a\r\n\r\n', 400],
  ['asterisk form for GET', 'GET * HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['relative target', 'GET index.html HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['CONNECT with origin form', 'CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
  ['missing Host in HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n', 400],
  ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
  ['HTTP/2.0 request line', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
  ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: a\r\n\r\n', 505],
  [
    'chunk size with leading space',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n 4\r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'chunk size with 0x prefix',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x4\r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'chunk size with trailing junk',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n4g\r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'chunk size with trailing space and no extension',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n4 \r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'empty chunk size',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n\r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'chunk size line ending in LF only',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n4\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'LF inside a chunk extension',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n4;a\nb\r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'bare CR inside a chunk extension',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n4;a\rb\r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'chunk data too long for its size',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n`,
    400,
  ],
  [
    'chunk data ended by LF only',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\n0\r\n\r\n`,
    400,
  ],
  [
    'last chunk ended by LF only',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\n`,
    400,
  ],
  [
    'huge chunk size',
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n`,
    413,
  ],
  [
    'huge Content-Length',
    `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999\r\n\r\n`,
    413,
  ],
];

describe('request smuggling and malformed requests', () => {
  it.each(REFUSED)('%s → refused', (name, input, status) => {
    const events = parse(input);
    const error = events.find((e) => e[0] === 'error');
    expect(error?.[1]).toBe(status);
    // Nothing follows the error; and unless the fault is in the chunk data itself (which is
    // streamed as it arrives), no body byte reached the handler.
    expect(events.at(-1)?.[0]).toBe('error');
    if (!name.startsWith('chunk data')) expect(events.some((e) => e[0] === 'body')).toBe(false);
  });

  it('accepts identical duplicate Content-Length values', () => {
    expect(
      errorStatus(`POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`),
    ).toBeNull();
    expect(errorStatus(`POST / HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc`)).toBeNull();
    expect(errorStatus(`POST / HTTP/1.1\r\n${H}Content-Length: 003\r\n\r\nabc`)).toBeNull();
  });

  it('treats TE case-insensitively and allows parameters to be absent', () => {
    const events = parse(
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: ChUnKeD\r\n\r\n1\r\nx\r\n0\r\n\r\n`,
    );
    expect(events.slice(2)).toEqual([['body', 'x'], ['complete']]);
  });

  it('stops at the error and never parses the smuggled request behind it', () => {
    const events = parse(
      `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n`,
    );
    expect(events.filter((e) => e[0] === 'request')).toHaveLength(1);
  });
});

describe('limits', () => {
  it('414 for a request line over maxRequestLine, complete or not', () => {
    const long = 'GET /' + 'a'.repeat(100) + ' HTTP/1.1\r\nHost: a\r\n\r\n';
    expect(errorStatus(long, { maxRequestLine: 64 })).toBe(414);
    expect(errorStatus('GET /' + 'a'.repeat(100), { maxRequestLine: 64 })).toBe(414);
  });

  it('431 for too many header bytes or fields, complete or not', () => {
    const many = 'GET / HTTP/1.1\r\nHost: a\r\n' + 'X: y\r\n'.repeat(11) + '\r\n';
    expect(errorStatus(many, { maxHeaders: 10 })).toBe(431);
    expect(errorStatus(many, { maxHeaders: 12 })).toBeNull();
    const big = 'GET / HTTP/1.1\r\nHost: a\r\nX: ' + 'v'.repeat(200) + '\r\n\r\n';
    expect(errorStatus(big, { maxHeaderBytes: 100 })).toBe(431);
    expect(errorStatus('GET / HTTP/1.1\r\nX: ' + 'v'.repeat(200), { maxHeaderBytes: 100 })).toBe(
      431,
    );
  });

  it('413 for bodies over maxBodyBytes, chunked or not', () => {
    expect(
      errorStatus(`POST / HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\n`, { maxBodyBytes: 10 }),
    ).toBe(413);
    const chunked = `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n`;
    expect(errorStatus(chunked, { maxBodyBytes: 10 })).toBe(413);
  });

  it('413 for too many chunk extension bytes, 400 for an over-long chunk size line', () => {
    const chunk = '1;' + 'e'.repeat(50) + '\r\nx\r\n';
    const input = `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` + chunk.repeat(5);
    expect(errorStatus(input, { maxChunkExtensionBytes: 200 })).toBe(413);
    expect(errorStatus(input, { maxChunkSizeLine: 20 })).toBe(400);
  });

  it('refuses an unterminated line as soon as it passes the limit, fed a byte at a time', () => {
    const recorder = new ParserRecorder('request', { maxHeaderBytes: 100 });
    recorder.feed('GET / HTTP/1.1\r\nX: ');
    let fed = 0;
    while (recorder.events.at(-1)?.[0] !== 'error' && fed < 1000) {
      recorder.feed('v');
      fed++;
    }
    expect(recorder.events.at(-1)).toEqual(['error', 431, 'TW_HTTP_HEADERS_TOO_LARGE']);
    expect(fed).toBeLessThanOrEqual(100);
  });
});
