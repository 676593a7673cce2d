import { describe, expect, it } from 'vitest';

import type { IRequest } from '../../src/interfaces.js';
import { NOT_DONE_YET, StreamingFnResource, connect } from './harness.js';

const H = 'Host: a\r\n';

describe('HTTPChannel — refusing bad requests', () => {
  it.each([
    [
      'CL + TE',
      `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
    ],
    [
      'conflicting CL',
      `POST / HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\n`,
      400,
    ],
    ['obs-fold', `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, 400],
    ['bare CR', `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, 400],
    ['space before colon', `GET / HTTP/1.1\r\n${H}X : a\r\n\r\n`, 400],
    ['TE in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    [
      'gzip transfer coding',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n`,
      501,
    ],
    ['HTTP/2.0', `GET / HTTP/2.0\r\n${H}\r\n`, 505],
    ['missing Host', 'GET / HTTP/1.1\r\n\r\n', 400],
  ])('%s → %i and close, without rendering', (_name, input, status) => {
    let rendered = 0;
    const h = connect(() => {
      rendered++;
      return 'no';
    });
    h.send(input);
    const [response] = h.responses();
    expect(response!.status).toBe(status);
    expect(response!.headers['connection']).toBe('close');
    expect(h.transport.disconnecting).toBe(true);
    expect(rendered).toBe(0);
  });

  it('answers earlier pipelined requests first, then the error, then closes', () => {
    const pending: IRequest[] = [];
    const h = connect((request) => {
      pending.push(request);
      return NOT_DONE_YET;
    });
    h.send(`GET /ok HTTP/1.1\r\n${H}\r\nGET /bad HTTP/1.1\r\n${H}X\0: y\r\n\r\n`);
    expect(h.output()).toBe('');
    pending[0]!.write('fine');
    pending[0]!.finish();
    expect(h.responses().map((r) => r.status)).toEqual([200, 400]);
    expect(h.transport.disconnecting).toBe(true);
  });

  it('414, 431 and 413 for the limits', () => {
    const long = connect(() => '', { limits: { maxRequestLine: 50 } });
    long.send(`GET /${'a'.repeat(60)} HTTP/1.1\r\n`);
    expect(long.responses()[0]!.status).toBe(414);

    const headers = connect(() => '', { limits: { maxHeaders: 3 } });
    headers.send(`GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\nC: 3\r\n\r\n`);
    expect(headers.responses()[0]!.status).toBe(431);

    const body = connect(() => '', { limits: { maxBodyBytes: 10 } });
    body.send(`POST / HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\n`);
    expect(body.responses()[0]!.status).toBe(413);
    expect(body.transport.disconnecting).toBe(true);

    const chunked = connect(() => '', { limits: { maxBodyBytes: 10 } });
    chunked.send(`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n`);
    expect(chunked.responses()[0]!.status).toBe(413);
  });

  it('417 for an expectation other than 100-continue', () => {
    const h = connect(() => 'no');
    h.send(`POST / HTTP/1.1\r\n${H}Expect: something-else\r\nContent-Length: 3\r\n\r\n`);
    expect(h.responses()[0]!.status).toBe(417);
    expect(h.transport.disconnecting).toBe(true);
  });
});

describe('HTTPChannel — Expect: 100-continue', () => {
  it('sends 100 Continue before reading the body, then the response', () => {
    const h = connect((request) => Buffer.from(request.content));
    h.send(`PUT / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 4\r\n\r\n`);
    expect(h.output()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    h.send('data');
    const responses = h.responses();
    expect(responses.map((r) => r.status)).toEqual([100, 200]);
    expect(responses[1]!.body).toBe('data');
  });

  it('does not send 100 when the body is too large: 413 instead', () => {
    const h = connect(() => '', { limits: { maxBodyBytes: 3 } });
    h.send(`PUT / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 4\r\n\r\n`);
    expect(h.responses().map((r) => r.status)).toEqual([413]);
  });

  it('sends 100 for a pipelined request only when its turn comes', () => {
    const pending: IRequest[] = [];
    const h = connect((request) => {
      pending.push(request);
      return NOT_DONE_YET;
    });
    h.send(
      `GET /1 HTTP/1.1\r\n${H}\r\nPUT /2 HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 2\r\n\r\n`,
    );
    expect(h.output()).not.toContain('100 Continue');
    pending[0]!.finish();
    expect(h.output()).toContain('100 Continue');
  });

  it('a streaming resource that answers at once gets no 100 and the connection closes after', () => {
    const resource = new StreamingFnResource((request) => {
      request.setResponseCode(401);
      return 'denied';
    });
    const h = connect(resource);
    h.send(`PUT / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 1000\r\n\r\n`);
    expect(h.responses().map((r) => r.status)).toEqual([401]);
    expect(h.responses()[0]!.headers['connection']).toBe('close');
    expect(h.transport.disconnecting).toBe(true);
  });

  it('ignores 100-continue from HTTP/1.0 clients', () => {
    const h = connect((request) => Buffer.from(request.content));
    h.send('PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi');
    expect(h.output()).not.toContain('100 Continue');
    expect(h.responses()[0]!.body).toBe('hi');
  });
});
