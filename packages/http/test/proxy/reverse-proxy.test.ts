import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IListeningPort, NodeReactor } from '@tw/core';
import {
  Agent,
  FileBodyProducer,
  HTTPConnectionPool,
  ReverseProxyResource,
  readBody,
} from '../../src/index.js';
import { Site } from '../../src/resource/site.js';
import { Headers } from '../../src/wire/headers.js';
import {
  requestBody,
  startHTTPServer,
  startReactor,
  stopReactors,
  stopServers,
  text,
} from '../client/harness.js';

const ports: IListeningPort[] = [];

afterEach(async () => {
  for (const port of ports.splice(0)) await port.stopListening();
  await stopServers();
  await stopReactors();
});

/** Our server on 127.0.0.1 with a ReverseProxyResource at the root, forwarding to upstreamPort. */
async function startProxy(
  reactor: NodeReactor,
  upstreamPort: number,
  options: Partial<ConstructorParameters<typeof ReverseProxyResource>[3]> = {},
  prefix = '',
): Promise<string> {
  const proxy = new ReverseProxyResource('127.0.0.1', upstreamPort, prefix, {
    reactor,
    ...options,
  });
  const port = await reactor.listenTCP(0, new Site(reactor, proxy), {
    interface: '127.0.0.1',
  });
  ports.push(port);
  return `http://127.0.0.1:${(port.getHost() as { port: number }).port}`;
}

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('ReverseProxyResource (our server in front of node:http)', () => {
  it('forwards method, path, query, headers and body, and relays the answer', async () => {
    const seen: Seen[] = [];
    const upstream = await startHTTPServer((req, res) => {
      void requestBody(req).then((body) => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: body.toString(),
        });
        res.writeHead(201, 'Made', {
          'X-Upstream': 'yes',
          Connection: 'X-Hop',
          'X-Hop': 'must not pass',
          'Keep-Alive': 'timeout=5',
        });
        res.end(`echo ${body.length}`);
      });
    });
    const reactor = startReactor();
    const front = await startProxy(reactor, upstream.port, {}, '/base');
    const agent = new Agent(reactor);
    const headers = new Headers({
      'X-Custom': 'kept',
      Connection: 'X-Secret',
      'X-Secret': 'hop-by-hop',
      'X-Forwarded-For': '10.0.0.1',
    });
    const response = await agent.request(
      'POST',
      `${front}/a/b%20c?x=1&y=2`,
      headers,
      new FileBodyProducer(new TextEncoder().encode('payload')),
    );
    expect(response.code).toBe(201);
    expect(response.phrase).toBe('Made');
    expect(text(await readBody(response))).toBe('echo 7');
    expect(response.headers.getHeader('x-upstream')).toBe('yes');
    expect(response.headers.hasHeader('x-hop')).toBe(false);
    expect(response.headers.hasHeader('keep-alive')).toBe(false);
    expect(response.headers.getHeader('via')).toBe('1.1 tw');

    const got = seen[0]!;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/base/a/b%20c?x=1&y=2');
    expect(got.body).toBe('payload');
    expect(got.headers['x-custom']).toBe('kept');
    expect(got.headers['x-secret']).toBeUndefined();
    expect(got.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(got.headers['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(got.headers['x-forwarded-host']).toBe(front.slice('http://'.length));
    expect(got.headers['x-forwarded-proto']).toBe('http');
    expect(got.headers.via).toBe('1.1 tw');
    await agent.pool.closeCachedConnections();
  });

  it('streams a large chunked request body and a large response body through', async () => {
    const size = 3 * 1024 * 1024;
    let received = 0;
    const upstream = await startHTTPServer((req, res) => {
      void requestBody(req).then((body) => {
        received = body.length;
        res.write(Buffer.alloc(size / 2, 0x41));
        setImmediate(() => res.end(Buffer.alloc(size / 2, 0x42)));
      });
    });
    const reactor = startReactor();
    const front = await startProxy(reactor, upstream.port);
    const agent = new Agent(reactor);
    const { Readable } = await import('node:stream');
    const chunks = Array.from({ length: 48 }, () => Buffer.alloc(64 * 1024, 0x43));
    const response = await agent.request(
      'PUT',
      `${front}/upload`,
      null,
      new FileBodyProducer(Readable.from(chunks)),
    );
    const body = await readBody(response);
    expect(received).toBe(48 * 64 * 1024);
    expect(body.byteLength).toBe(size);
    expect(body[0]).toBe(0x41);
    expect(body[size - 1]).toBe(0x42);
    await agent.pool.closeCachedConnections();
  });

  it('answers 502 when the upstream refuses connections', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const reactor = startReactor();
    const front = await startProxy(reactor, deadPort);
    const agent = new Agent(reactor);
    const response = await agent.request('GET', `${front}/`);
    expect(response.code).toBe(502);
    await readBody(response);
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    const upstream = await startHTTPServer(() => {
      // never answers
    });
    const reactor = startReactor();
    const slowAgent = new Agent(reactor, {
      pool: new HTTPConnectionPool(reactor, { responseTimeout: 0.2 }),
    });
    const front = await startProxy(reactor, upstream.port, { agent: slowAgent });
    const agent = new Agent(reactor);
    const response = await agent.request('GET', `${front}/slow`);
    expect(response.code).toBe(504);
    await readBody(response);
  });

  it('relays HEAD with its Content-Length and no body, then keeps both connections alive', async () => {
    const upstream = await startHTTPServer((req, res) => {
      res.setHeader('Content-Length', '42');
      res.end(req.method === 'HEAD' ? undefined : 'x'.repeat(42));
    });
    const reactor = startReactor();
    const front = await startProxy(reactor, upstream.port);
    const agent = new Agent(reactor);
    const response = await agent.request('HEAD', `${front}/thing`);
    expect(response.code).toBe(200);
    expect(response.headers.getHeader('content-length')).toBe('42');
    expect((await readBody(response)).byteLength).toBe(0);
    const second = await agent.request('GET', `${front}/thing`);
    expect(second.code).toBe(200);
    expect(text(await readBody(second))).toBe('x'.repeat(42));
    expect(upstream.sockets).toHaveLength(1);
    await agent.pool.closeCachedConnections();
  });
});
