import { describe, expect, it } from 'vitest';

import { ParserRecorder, parse } from './recorder.js';

describe('HTTPParser — requests', () => {
  it('parses a GET with headers (RFC 9112 §2.1 example)', () => {
    const events = parse(
      'GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n',
    );
    expect(events).toEqual([
      ['request', 'GET', '/hello.txt', 'HTTP/1.1'],
      [
        'headers',
        [
          ['User-Agent', 'curl/7.64.1'],
          ['Host', 'www.example.com'],
          ['Accept-Language', 'en, mi'],
        ],
      ],
      ['complete'],
    ]);
  });

  it('reads a Content-Length body and exposes framing', () => {
    const recorder = new ParserRecorder();
    recorder.feed('POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello');
    expect(recorder.events.slice(2)).toEqual([['body', 'hello'], ['complete']]);
    expect(recorder.parser.bodyFraming).toBe('length');
    expect(recorder.parser.contentLength).toBe(5);
    expect(recorder.parser.keepAlive).toBe(true);
  });

  it('reads a chunked body with extensions and trailers', () => {
    const events = parse(
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '4;name=value\r\nWiki\r\n5 ; x="q"\r\npedia\r\n000\r\nExpires: never\r\n\r\n',
    );
    expect(events.slice(2)).toEqual([
      ['body', 'Wikipedia'],
      ['trailers', [['Expires', 'never']]],
      ['complete'],
    ]);
  });

  it('parses pipelined requests in order', () => {
    const events = parse(
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect(events.filter((e) => e[0] === 'request').map((e) => e[2])).toEqual(['/a', '/b', '/c']);
    expect(events.filter((e) => e[0] === 'complete')).toHaveLength(3);
  });

  it('ignores empty lines before a request line', () => {
    expect(parse('\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n')[0]).toEqual([
      'request',
      'GET',
      '/',
      'HTTP/1.1',
    ]);
  });

  it('accepts lone LF line endings in the head', () => {
    const events = parse('GET / HTTP/1.1\nHost: a\nX: y\n\n');
    expect(events).toEqual([
      ['request', 'GET', '/', 'HTTP/1.1'],
      [
        'headers',
        [
          ['Host', 'a'],
          ['X', 'y'],
        ],
      ],
      ['complete'],
    ]);
  });

  it('trims optional whitespace around values and keeps inner spaces and obs-text', () => {
    const events = parse(
      'GET / HTTP/1.1\r\nHost: a\r\nX:  \t two  words \t\r\nY: caf\xe9\r\nZ:\r\n\r\n',
    );
    expect(events[1]).toEqual([
      'headers',
      [
        ['Host', 'a'],
        ['X', 'two  words'],
        ['Y', 'caf\xe9'],
        ['Z', ''],
      ],
    ]);
  });

  it('accepts the asterisk form for OPTIONS and the absolute form', () => {
    expect(parse('OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n')[0]).toEqual([
      'request',
      'OPTIONS',
      '*',
      'HTTP/1.1',
    ]);
    expect(parse('GET http://example.com/x?y HTTP/1.1\r\nHost: example.com\r\n\r\n')[0]).toEqual([
      'request',
      'GET',
      'http://example.com/x?y',
      'HTTP/1.1',
    ]);
    expect(parse('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')[0]).toEqual([
      'request',
      'CONNECT',
      'example.com:443',
      'HTTP/1.1',
    ]);
  });

  it('knows keep-alive rules for HTTP/1.0 and 1.1', () => {
    const check = (head: string): boolean => {
      const recorder = new ParserRecorder();
      recorder.feed(head);
      return recorder.parser.keepAlive;
    };
    expect(check('GET / HTTP/1.1\r\nHost: a\r\n\r\n')).toBe(true);
    expect(check('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).toBe(false);
    expect(check('GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n')).toBe(false);
    expect(check('GET / HTTP/1.0\r\n\r\n')).toBe(false);
    expect(check('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n')).toBe(true);
  });

  it('detects upgrade requests', () => {
    const recorder = new ParserRecorder();
    recorder.feed(
      'GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n',
    );
    expect(recorder.parser.upgrade).toBe(true);
  });

  it('pauses and resumes, holding back pipelined requests', () => {
    const recorder = new ParserRecorder();
    const original = recorder.onMessageComplete.bind(recorder);
    recorder.onMessageComplete = () => {
      original();
      recorder.parser.pause();
    };
    recorder.feed('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(recorder.events.filter((e) => e[0] === 'complete')).toHaveLength(1);
    recorder.feed('GET /c HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(recorder.events.filter((e) => e[0] === 'complete')).toHaveLength(1);
    recorder.parser.resume();
    expect(recorder.events.filter((e) => e[0] === 'complete')).toHaveLength(2);
    recorder.parser.resume();
    recorder.parser.resume();
    expect(recorder.events.filter((e) => e[0] === 'request').map((e) => e[2])).toEqual([
      '/a',
      '/b',
      '/c',
    ]);
  });

  it('detaches after an upgrade, handing back the unparsed bytes', () => {
    const recorder = new ParserRecorder();
    recorder.onMessageComplete = () => recorder.parser.pause();
    recorder.feed('GET / HTTP/1.1\r\nHost: x\r\n\r\n\x81\x05hello');
    expect(Buffer.from(recorder.parser.detach()).toString('latin1')).toBe('\x81\x05hello');
    recorder.feed('more');
    expect(recorder.events.some((e) => e[0] === 'error')).toBe(false);
  });

  it('reports an incomplete message at EOF, and nothing for a clean close', () => {
    const clean = new ParserRecorder().feed('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    clean.parser.finish();
    expect(clean.events.at(-1)).toEqual(['complete']);
    const cut = new ParserRecorder().feed(
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nabc',
    );
    cut.parser.finish();
    expect(cut.events.at(-1)).toEqual(['error', 400, 'TW_HTTP_INCOMPLETE_MESSAGE']);
  });

  it('enforces a per-message body limit set by the handler', () => {
    const recorder = new ParserRecorder();
    recorder.onHeaders = () => recorder.parser.setBodyLimit(3);
    recorder.feed('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n');
    expect(recorder.events.at(-1)).toEqual(['error', 413, 'TW_HTTP_BODY_TOO_LARGE']);
  });
});

describe('HTTPParser — responses', () => {
  it('parses a response with Content-Length', () => {
    const events = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi', 'response');
    expect(events).toEqual([
      ['status', 'HTTP/1.1', 200, 'OK'],
      ['headers', [['Content-Length', '2']]],
      ['body', 'hi'],
      ['complete'],
    ]);
  });

  it('reads until close without framing, ending at finish()', () => {
    const recorder = new ParserRecorder('response');
    recorder.feed('HTTP/1.0 200 OK\r\n\r\nsome ').feed('data');
    expect(recorder.events.at(-1)).toEqual(['body', 'some data']);
    recorder.parser.finish();
    expect(recorder.events.at(-1)).toEqual(['complete']);
    expect(recorder.parser.keepAlive).toBe(false);
  });

  it('knows 1xx, 204 and 304 have no body, and HEAD responses when told', () => {
    const events = parse(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n',
      'response',
    );
    expect(events.filter((e) => e[0] === 'complete')).toHaveLength(3);
    const head = new ParserRecorder('response');
    head.parser.setExpectNoBody();
    head.feed(
      'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx',
    );
    expect(head.events.filter((e) => e[0] === 'complete')).toHaveLength(2);
    expect(head.events).toContainEqual(['body', 'x']);
  });

  it('accepts a status line without a reason, and refuses a bad one', () => {
    expect(parse('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n', 'response')[0]).toEqual([
      'status',
      'HTTP/1.1',
      200,
      '',
    ]);
    expect(parse('HTTP/1.1 2000 OK\r\n\r\n', 'response')[0]).toEqual([
      'error',
      400,
      'TW_HTTP_BAD_RESPONSE',
    ]);
  });

  it('lets the handler say a response has no body (CONNECT)', () => {
    const recorder = new ParserRecorder('response');
    recorder.answer = 'no-body';
    recorder.feed('HTTP/1.1 200 Connection established\r\n\r\n');
    expect(recorder.events.at(-1)).toEqual(['complete']);
  });

  it('prefers Transfer-Encoding over Content-Length but will not reuse the connection', () => {
    const recorder = new ParserRecorder('response');
    recorder.feed(
      'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
    );
    expect(recorder.events.slice(2)).toEqual([['body', 'ok'], ['complete']]);
  });
});
