import { Protocol } from '@tw/core';
import { describe, expect, it } from 'vitest';

import type { IRequest } from '../../src/interfaces.js';
import type { Request } from '../../src/server/request.js';
import { NOT_DONE_YET, StreamingFnResource, connect } from './harness.js';

const H = 'Host: a\r\n';

describe('HTTPChannel — timeouts (virtual time)', () => {
  it('closes an idle kept-alive connection after idleTimeout, without a response', () => {
    const h = connect(() => 'ok', { idleTimeout: 10 });
    h.send(`GET / HTTP/1.1\r\n${H}\r\n`);
    h.clock.advance(9);
    expect(h.transport.disconnecting).toBe(false);
    h.clock.advance(1);
    expect(h.transport.disconnecting).toBe(true);
    expect(h.responses()).toHaveLength(1);
  });

  it('408 for a client too slow to send its headers', () => {
    const h = connect(() => 'ok', { headersTimeout: 5, idleTimeout: 100 });
    h.send('GET / HTTP/1.1\r\nHo');
    h.clock.advance(3);
    h.send('st: a\r\n');
    h.clock.advance(2);
    expect(h.responses()[0]!.status).toBe(408);
    expect(h.transport.disconnecting).toBe(true);
  });

  it('408 when the body stops arriving, reset by each byte', () => {
    const h = connect(() => 'ok', { bodyTimeout: 5 });
    h.send(`POST / HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nab`);
    h.clock.advance(4);
    h.send('cd');
    h.clock.advance(4);
    expect(h.output()).toBe('');
    h.clock.advance(1);
    expect(h.responses()[0]!.status).toBe(408);
  });

  it('does not time out a request while the resource takes its time', () => {
    const pending: IRequest[] = [];
    const h = connect(
      (request) => {
        pending.push(request);
        return NOT_DONE_YET;
      },
      { idleTimeout: 5, headersTimeout: 5 },
    );
    h.send(`GET / HTTP/1.1\r\n${H}\r\n`);
    h.clock.advance(100);
    expect(h.transport.disconnecting).toBe(false);
    pending[0]!.finish();
    h.clock.advance(5);
    expect(h.transport.disconnecting).toBe(true);
  });
});

describe('HTTPChannel — streamed request bodies', () => {
  it('hands the body to a streaming resource as it arrives, with pause/resume', () => {
    const chunks: string[] = [];
    let ended = false;
    let request: IRequest | null = null;
    const resource = new StreamingFnResource((r) => {
      request = r;
      r.bodyStream!.onData = (chunk) => chunks.push(Buffer.from(chunk).toString());
      r.bodyStream!.onEnd = () => {
        ended = true;
        r.write(`got ${chunks.join('')}`);
        r.finish();
      };
      return NOT_DONE_YET;
    });
    const h = connect(resource);
    h.send(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n`);
    expect(chunks).toEqual(['abc']);
    expect(request!.content.byteLength).toBe(0);
    request!.bodyStream!.pauseProducing();
    expect(h.transport.producerState).toBe('paused');
    h.send('3\r\ndef\r\n0\r\n\r\n');
    expect(chunks).toEqual(['abc']); // held while paused
    request!.bodyStream!.resumeProducing();
    expect(chunks).toEqual(['abc', 'def']);
    expect(ended).toBe(true);
    expect(h.responses()[0]!.body).toBe('got abcdef');
  });

  it('sends 100 Continue to a streaming resource when it attaches onData', () => {
    let request: IRequest | null = null;
    const h = connect(
      new StreamingFnResource((r) => {
        request = r;
        return NOT_DONE_YET;
      }),
    );
    h.send(`PUT / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 2\r\n\r\n`);
    expect(h.output()).toBe('');
    request!.bodyStream!.onData = () => undefined;
    expect(h.output()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
  });
});

describe('HTTPChannel — switching protocols', () => {
  it('answers 101 and hands the connection, and the bytes after the request, to a protocol', () => {
    const received: string[] = [];
    class Echo extends Protocol {
      override dataReceived(data: Uint8Array): void {
        received.push(Buffer.from(data).toString());
        this.transport.write(data);
      }
    }
    const h = connect((request) => {
      request.setHeader('Upgrade', 'echo');
      request.setHeader('Connection', 'Upgrade');
      (request as Request).switchProtocols(new Echo());
      return NOT_DONE_YET;
    });
    h.send(`GET / HTTP/1.1\r\n${H}Upgrade: echo\r\nConnection: Upgrade\r\n\r\nfirst`);
    h.send('second');
    expect(received).toEqual(['first', 'second']);
    expect(h.output()).toMatch(
      /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*Upgrade: echo\r\nConnection: Upgrade\r\n\r\nfirstsecond$/,
    );
  });
});
