import { capturedEvents } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import type { IRequest } from '../../src/interfaces.js';
import { NOT_DONE_YET, connect } from './harness.js';

describe('HTTPChannel — basic exchanges', () => {
  it('answers a GET with Content-Length, Date and Server headers', () => {
    const h = connect(() => 'hello');
    h.send('GET /x HTTP/1.1\r\nHost: example.com\r\n\r\n');
    const [response] = h.responses();
    expect(response!.status).toBe(200);
    expect(response!.head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response!.headers['content-length']).toBe('5');
    expect(response!.headers['date']).toMatch(/GMT$/);
    expect(response!.headers['server']).toBe('tw-http');
    expect(response!.body).toBe('hello');
    expect(h.transport.disconnecting).toBe(false);
  });

  it('exposes the request: method, uri, path, args, headers, cookies, postpath', () => {
    let seen: Record<string, unknown> = {};
    const h = connect((request) => {
      seen = {
        method: request.method,
        uri: request.uri,
        path: request.path,
        args: Object.fromEntries(request.args),
        host: request.getRequestHostname(),
        agent: request.getHeader('user-agent'),
        cookies: Object.fromEntries(request.received_cookies),
        postpath: request.postpath,
        proto: request.clientproto,
        secure: request.isSecure(),
      };
      return '';
    });
    h.send(
      'GET /a/b%20c/?x=1&y=2&x=3+4 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: t\r\nCookie: s=1; t=two\r\nCookie: u=3\r\n\r\n',
    );
    expect(seen).toEqual({
      method: 'GET',
      uri: '/a/b%20c/?x=1&y=2&x=3+4',
      path: '/a/b%20c/',
      args: { x: ['1', '3 4'], y: ['2'] },
      host: 'example.com',
      agent: 't',
      cookies: { s: '1', t: 'two', u: '3' },
      postpath: ['a', 'b c', ''],
      proto: 'HTTP/1.1',
      secure: false,
    });
  });

  it('keeps HTTP/1.1 connections open and closes after Connection: close', () => {
    const h = connect(() => 'ok');
    h.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(h.transport.disconnecting).toBe(false);
    h.send('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(h.responses()).toHaveLength(2);
    expect(h.responses()[1]!.headers['connection']).toBe('close');
    expect(h.transport.disconnecting).toBe(true);
  });

  it('closes HTTP/1.0 connections unless keep-alive was asked for', () => {
    const h = connect(() => 'ok');
    h.send('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(h.responses()[0]!.headers['connection']).toBe('keep-alive');
    expect(h.transport.disconnecting).toBe(false);
    h.send('GET / HTTP/1.0\r\n\r\n');
    expect(h.responses()[1]!.head).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(h.responses()[1]!.headers['connection']).toBe('close');
    expect(h.transport.disconnecting).toBe(true);
  });

  it('answers HEAD without a body but with the Content-Length of the GET', () => {
    const h = connect(() => 'twelve bytes');
    h.send('HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(h.output()).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 12\r\n\r\nHTTP\/1\.1 200 OK/,
    );
    expect(h.output().endsWith('\r\n\r\ntwelve bytes')).toBe(true);
  });

  it('streams a response chunked to HTTP/1.1 and close-delimited to HTTP/1.0', () => {
    const later: Array<() => void> = [];
    const h = connect((request) => {
      request.write('one ');
      later.push(() => {
        request.write('two');
        request.finish();
      });
      return NOT_DONE_YET;
    });
    h.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(h.output()).toContain('Transfer-Encoding: chunked\r\n\r\n4\r\none \r\n');
    later.shift()!();
    expect(h.output().endsWith('3\r\ntwo\r\n0\r\n\r\n')).toBe(true);
    expect(h.responses()[0]!.body).toBe('one two');

    const h10 = connect((request) => {
      request.write('one ');
      request.write('two');
      request.finish();
      return NOT_DONE_YET;
    });
    h10.send('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(h10.output()).not.toContain('chunked');
    expect(h10.output()).toContain('Connection: close');
    expect(h10.output().endsWith('\r\n\r\none two')).toBe(true);
    expect(h10.transport.disconnecting).toBe(true);
  });

  it('sends no body for 204 and 304 and no Content-Length for 204', () => {
    const h = connect((request) => {
      request.setResponseCode(request.path === '/a' ? 204 : 304);
      return 'ignored';
    });
    h.send('GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n');
    const out = h.output();
    expect(out).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
    expect(out).not.toContain('ignored');
    expect(out.split('\r\n\r\n')[0]).not.toContain('Content-Length');
    expect(h.responses().map((r) => r.status)).toEqual([204, 304]);
  });

  it('sets cookies with RFC 6265 attributes and redirects', () => {
    const h = connect((request) => {
      request.addCookie('id', 'abc', {
        path: '/',
        domain: 'example.com',
        maxAge: 60,
        expires: new Date(Date.UTC(2030, 0, 1)),
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
      });
      request.redirect('/elsewhere', 303);
      return '';
    });
    h.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const out = h.output();
    expect(out).toMatch(/^HTTP\/1\.1 303 See Other\r\n/);
    expect(out).toContain('Location: /elsewhere\r\n');
    expect(out).toContain(
      'Set-Cookie: id=abc; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Max-Age=60; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Strict\r\n',
    );
  });

  it('answers 500 without a stack trace when render throws, and keeps the connection', () => {
    const h = connect((request) => {
      if (request.path === '/boom') throw new Error('secret internals');
      return 'fine';
    });
    const captured = capturedEvents();
    try {
      h.send('GET /boom HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n');
    } finally {
      captured.stop();
    }
    expect(
      captured.events.some((e) => e.namespace === 'tw.http.server' && e.failure !== undefined),
    ).toBe(true);
    const [error, ok] = h.responses();
    expect(error!.status).toBe(500);
    expect(error!.body).not.toContain('secret');
    expect(ok!.body).toBe('fine');
  });

  it('buffers a request body into content, Content-Length and chunked alike', () => {
    const bodies: string[] = [];
    const h = connect((request) => {
      bodies.push(Buffer.from(request.content).toString());
      return 'got it';
    });
    h.send('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel');
    h.send('lo');
    h.send(
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
    );
    expect(bodies).toEqual(['hello', 'abcde']);
    expect(h.responses()).toHaveLength(2);
  });

  it('fires notifyFinish on finish, and errbacks it when the connection is lost first', async () => {
    const pending: IRequest[] = [];
    const h = connect((request) => {
      pending.push(request);
      return NOT_DONE_YET;
    });
    h.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const finished = pending[0]!.notifyFinish();
    pending[0]!.finish();
    await finished;
    h.send('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    const lost = pending[1]!.notifyFinish();
    h.transport.reportDisconnect();
    await expect(lost.asPromise()).rejects.toBeDefined();
    expect(pending[1]!.finished).toBe(true);
    pending[1]!.write('dropped'); // writes after a lost connection are ignored
  });
});
