import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitrarySplits } from '@tw/core/testing/split-feeder';

import { ParserRecorder, parse, type ParserEvent } from './recorder.js';

const PIPELINE =
  'GET /a?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n' +
  '\r\n' +
  'POST /form HTTP/1.1\r\nHost: example.com\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world' +
  'PUT /chunks HTTP/1.1\nHost: example.com\nTransfer-Encoding: chunked\n\n' +
  '5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: yes\r\n\r\n' +
  'OPTIONS * HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n';

const RESPONSES =
  'HTTP/1.1 100 Continue\r\n\r\n' +
  'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc' +
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n' +
  'HTTP/1.1 404 Not Found\r\n\r\nuntil close';

function feedAll(kind: 'request' | 'response', chunks: Uint8Array[]): ParserEvent[] {
  const recorder = new ParserRecorder(kind);
  for (const chunk of chunks) recorder.parser.feed(chunk);
  recorder.parser.finish();
  return recorder.events;
}

describe('any split of the stream gives the same events', () => {
  it('pipelined requests', () => {
    const expected = parse(PIPELINE);
    expect(expected.filter((e) => e[0] === 'complete')).toHaveLength(4);
    fc.assert(
      fc.property(arbitrarySplits(PIPELINE), (chunks) => {
        expect(feedAll('request', chunks)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('responses, including one read until close', () => {
    const expected = feedAll('response', [Buffer.from(RESPONSES, 'latin1')]);
    expect(expected.filter((e) => e[0] === 'complete')).toHaveLength(4);
    fc.assert(
      fc.property(arbitrarySplits(RESPONSES), (chunks) => {
        expect(feedAll('response', chunks)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('errors, reported once, at the same point', () => {
    const bad =
      'GET / HTTP/1.1\r\nHost: a\r\n\r\nPOST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx';
    const expected = parse(bad);
    expect(expected.at(-1)).toEqual(['error', 400, 'TW_HTTP_SMUGGLING']);
    fc.assert(
      fc.property(arbitrarySplits(bad), (chunks) => {
        expect(feedAll('request', chunks)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('pausing after each message and resuming later changes nothing', () => {
    const expected = parse(PIPELINE);
    fc.assert(
      fc.property(arbitrarySplits(PIPELINE), (chunks) => {
        const recorder = new ParserRecorder();
        const complete = recorder.onMessageComplete.bind(recorder);
        recorder.onMessageComplete = () => {
          complete();
          recorder.parser.pause();
        };
        for (const chunk of chunks) {
          recorder.parser.feed(chunk);
          recorder.parser.resume();
        }
        for (let i = 0; i < 10 && recorder.parser.isPaused; i++) recorder.parser.resume();
        expect(recorder.events).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
