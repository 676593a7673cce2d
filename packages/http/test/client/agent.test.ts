import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, ConnectError, succeed, type IPushProducer } from '@tw/core';
import {
  Agent,
  BodyTooLargeError,
  FileBodyProducer,
  HTTPConnectionPool,
  InvalidURLError,
  RequestTransmissionFailed,
  ResponseDone,
  WrongBodyLength,
  type IBodyProducer,
  ResponseFailed,
  type IResponseBodyReceiver,
  SchemeNotSupported,
  readBody,
} from '../../src/index.js';
import { Headers } from '../../src/wire/headers.js';
import {
  requestBody,
  startHTTPServer,
  startReactor,
  stopServersAndReactors,
  text,
} from './harness.js';

afterEach(stopServersAndReactors);

describe('Agent against node:http', () => {
  it('GETs a content-length body and exposes status, headers and length', async () => {
    const server = await startHTTPServer((req, res) => {
      res.setHeader('X-Path', req.url ?? '');
      res.setHeader('X-Host', req.headers.host ?? '');
      res.end('hello world');
    });
    const agent = new Agent(startReactor());
    const response = await agent.request('GET', `${server.url}/a/b?x=1&y=%20`);
    expect(response.code).toBe(200);
    expect(response.phrase).toBe('OK');
    expect(response.version).toBe('HTTP/1.1');
    expect(response.length).toBe(11);
    expect(response.headers.getHeader('x-path')).toBe('/a/b?x=1&y=%20');
    expect(response.headers.getHeader('x-host')).toBe(`127.0.0.1:${server.port}`);
    expect(text(await readBody(response))).toBe('hello world');
    await agent.pool.closeCachedConnections();
  });

  it('reads a chunked response body of unknown length', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.write('part one, ');
      setImmediate(() => res.end('part two'));
    });
    const agent = new Agent(startReactor());
    const response = await agent.request('GET', server.url);
    expect(response.length).toBeNull();
    expect(response.headers.getHeader('transfer-encoding')).toBe('chunked');
    expect(text(await readBody(response))).toBe('part one, part two');
    await agent.pool.closeCachedConnections();
  });

  it('POSTs bytes with Content-Length and a stream with chunked encoding', async () => {
    const seen: { te: string | undefined; cl: string | undefined; body: string }[] = [];
    const server = await startHTTPServer((req, res) => {
      void requestBody(req).then((body) => {
        seen.push({
          te: req.headers['transfer-encoding'],
          cl: req.headers['content-length'],
          body: body.toString(),
        });
        res.end(`got ${body.length}`);
      });
    });
    const agent = new Agent(startReactor());
    const big = new Uint8Array(300_000).fill(0x61);
    const first = await agent.request(
      'POST',
      server.url,
      new Headers({ 'Content-Type': 'text/plain' }),
      new FileBodyProducer(big),
    );
    expect(text(await readBody(first))).toBe('got 300000');
    const second = await agent.request(
      'POST',
      server.url,
      null,
      new FileBodyProducer(Readable.from([Buffer.from('streamed '), Buffer.from('body')])),
    );
    expect(text(await readBody(second))).toBe('got 13');
    expect(seen[0]).toEqual({ te: undefined, cl: '300000', body: 'a'.repeat(300_000) });
    expect(seen[1]).toEqual({ te: 'chunked', cl: undefined, body: 'streamed body' });
    await agent.pool.closeCachedConnections();
  });

  it('sends Content-Length: 0 for a POST without a body and nothing for a GET', async () => {
    const lengths: (string | undefined)[] = [];
    const server = await startHTTPServer((req, res) => {
      lengths.push(req.headers['content-length']);
      res.end();
    });
    const agent = new Agent(startReactor());
    await readBody(await agent.request('POST', server.url));
    await readBody(await agent.request('GET', server.url));
    expect(lengths).toEqual(['0', undefined]);
    await agent.pool.closeCachedConnections();
  });

  it('answers HEAD without waiting for a body that never comes', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.setHeader('Content-Length', '1234');
      res.end();
    });
    const agent = new Agent(startReactor());
    const response = await agent.request('HEAD', server.url);
    expect(response.length).toBe(0);
    expect(response.headers.getHeader('content-length')).toBe('1234');
    expect((await readBody(response)).byteLength).toBe(0);
    // The connection is reusable afterwards: a GET on it gets its own answer.
    const again = await agent.request('HEAD', server.url);
    expect(again.code).toBe(200);
    expect(server.sockets).toHaveLength(1);
    await agent.pool.closeCachedConnections();
  });

  it('reuses one kept-alive connection for sequential requests', async () => {
    const ports: number[] = [];
    const server = await startHTTPServer((req, res) => {
      ports.push(req.socket.remotePort ?? -1);
      res.end('x');
    });
    const agent = new Agent(startReactor());
    for (let i = 0; i < 3; i++) await readBody(await agent.request('GET', server.url));
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(1);
    expect(server.sockets).toHaveLength(1);
    await agent.pool.closeCachedConnections();
  });

  it('does not reuse a connection the server closes (Connection: close, HTTP/1.0)', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.setHeader('Connection', 'close');
      res.end('bye');
    });
    const agent = new Agent(startReactor());
    for (let i = 0; i < 2; i++)
      expect(text(await readBody(await agent.request('GET', server.url)))).toBe('bye');
    expect(server.sockets).toHaveLength(2);
    expect(agent.pool.cachedConnectionCount(`http://127.0.0.1:${server.port}`)).toBe(0);
  });

  it('sends Connection: close and opens one connection per request when the pool is not persistent', async () => {
    const connectionHeaders: (string | undefined)[] = [];
    const server = await startHTTPServer((req, res) => {
      connectionHeaders.push(req.headers.connection);
      res.end('x');
    });
    const reactor = startReactor();
    const agent = new Agent(reactor, {
      pool: new HTTPConnectionPool(reactor, { persistent: false }),
    });
    await readBody(await agent.request('GET', server.url));
    await readBody(await agent.request('GET', server.url));
    expect(connectionHeaders).toEqual(['close', 'close']);
    expect(server.sockets).toHaveLength(2);
  });

  it('reads a body delimited by the connection closing', async () => {
    const net = await import('node:net');
    const raw = net.createServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close'),
      );
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const port = (raw.address() as { port: number }).port;
    try {
      const agent = new Agent(startReactor());
      const response = await agent.request('GET', `http://127.0.0.1:${port}/`);
      expect(response.length).toBeNull();
      expect(text(await readBody(response))).toBe('until close');
    } finally {
      raw.close();
    }
  });

  it('fails a body cut short with ResponseFailed', async () => {
    const net = await import('node:net');
    const raw = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort'));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const port = (raw.address() as { port: number }).port;
    try {
      const agent = new Agent(startReactor());
      const response = await agent.request('GET', `http://127.0.0.1:${port}/`);
      await expect(readBody(response).asPromise()).rejects.toBeInstanceOf(ResponseFailed);
    } finally {
      raw.close();
    }
  });

  it('skips 100 Continue and other interim responses', async () => {
    const net = await import('node:net');
    const raw = net.createServer((socket) => {
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n' +
            'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok',
        ),
      );
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const port = (raw.address() as { port: number }).port;
    try {
      const agent = new Agent(startReactor());
      const response = await agent.request('GET', `http://127.0.0.1:${port}/`);
      expect(response.code).toBe(201);
      expect(text(await readBody(response))).toBe('ok');
    } finally {
      raw.close();
    }
  });

  it('readBody stops at maxSize with BodyTooLargeError and drops the connection', async () => {
    let serverSawClose!: () => void;
    const closed = new Promise<void>((resolve) => (serverSawClose = resolve));
    const server = await startHTTPServer((_req, res) => {
      // A body that would go on for ever: the client must hang up.
      res.write('x'.repeat(10_000));
      res.on('close', () => serverSawClose());
    });
    const agent = new Agent(startReactor());
    const response = await agent.request('GET', server.url);
    await expect(readBody(response, { maxSize: 100 }).asPromise()).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
    await closed;
    expect(agent.pool.cachedConnectionCount(`http://127.0.0.1:${server.port}`)).toBe(0);
  });

  it('rejects URLs it cannot send, with typed errors', async () => {
    const agent = new Agent(startReactor());
    await expect(agent.request('GET', 'ftp://example.org/').asPromise()).rejects.toBeInstanceOf(
      SchemeNotSupported,
    );
    await expect(agent.request('GET', 'not a url').asPromise()).rejects.toBeInstanceOf(
      InvalidURLError,
    );
    await expect(agent.request('GET', 'http://127.0.0.1:1/').asPromise()).rejects.toBeInstanceOf(
      ConnectError,
    );
    await expect(agent.request('BAD METHOD', 'http://127.0.0.1:1/').asPromise()).rejects.toThrow(
      /method/,
    );
  });

  it('streams a body with back-pressure through deliverBody', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.end(Buffer.alloc(2_000_000, 0x62));
    });
    const agent = new Agent(startReactor());
    const response = await agent.request('GET', server.url);
    const received = await new Promise<number>((resolve, reject) => {
      let total = 0;
      let producer: IPushProducer | null = null;
      let pauses = 0;
      const receiver: IResponseBodyReceiver = {
        makeConnection(p) {
          producer = p;
        },
        dataReceived(data) {
          total += data.byteLength;
          // Pause now and then, as a slow consumer would.
          if (pauses++ % 2 === 0) {
            producer?.pauseProducing();
            setTimeout(() => producer?.resumeProducing(), 1);
          }
        },
        connectionLost(reason) {
          if (reason.check(ResponseDone)) resolve(total);
          else reject(reason.value as Error);
        },
      };
      response.deliverBody(receiver);
    });
    expect(received).toBe(2_000_000);
    await agent.pool.closeCachedConnections();
  });

  it('sends request headers given as Headers, keeping duplicates', async () => {
    const server = await startHTTPServer((req, res) =>
      res.end(JSON.stringify(req.headersDistinct)),
    );
    const agent = new Agent(startReactor());
    const headers = new Headers();
    headers.addRawHeader('X-Multi', 'one');
    headers.addRawHeader('X-Multi', 'two');
    const seen = JSON.parse(
      text(await readBody(await agent.request('GET', server.url, headers))),
    ) as Record<string, string[]>;
    expect(seen['x-multi']).toEqual(['one', 'two']);
    expect(seen['host']).toEqual([`127.0.0.1:${server.port}`]);
    await agent.pool.closeCachedConnections();
  });

  it('takes an early answer (413) while the body is still being sent, and closes the connection', async () => {
    const server = await startHTTPServer((req, res) => {
      // Answer at once, before the body is in; keep draining it (a lingering close) so that
      // the answer is not lost to a TCP reset.
      req.resume();
      res.writeHead(413);
      res.end('too big');
    });
    const agent = new Agent(startReactor());
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 10_000; i++) {
        yield new Uint8Array(64 * 1024);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const response = await agent.request('PUT', server.url, null, new FileBodyProducer(endless()));
    expect(response.code).toBe(413);
    expect(text(await readBody(response))).toBe('too big');
    expect(agent.pool.cachedConnectionCount(`http://127.0.0.1:${server.port}`)).toBe(0);
  });

  it('fails with RequestTransmissionFailed(WrongBodyLength) when a producer lies about its length', async () => {
    const server = await startHTTPServer((req, res) => {
      req.resume();
      req.on('end', () => res.end());
    });
    const agent = new Agent(startReactor());
    const liar: IBodyProducer = {
      length: 10,
      startProducing(consumer) {
        consumer.write(new Uint8Array(5));
        return succeed(undefined);
      },
      pauseProducing: () => undefined,
      resumeProducing: () => undefined,
      stopProducing: () => undefined,
    };
    const failure = await agent
      .request('POST', server.url, null, liar)
      .asPromise()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RequestTransmissionFailed);
    expect((failure as RequestTransmissionFailed).reasons[0]?.value).toBeInstanceOf(
      WrongBodyLength,
    );
  });

  it('cancelling a request drops its connection', async () => {
    let closed!: () => void;
    const serverClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await startHTTPServer((req) => {
      req.socket.on('close', () => closed());
    });
    const agent = new Agent(startReactor());
    let seen!: () => void;
    const requestSeen = new Promise<void>((resolve) => (seen = resolve));
    server.sockets.length = 0;
    const pending = agent.request('GET', server.url);
    const watcher = setInterval(() => {
      if (server.sockets.length > 0) seen();
    }, 5);
    await requestSeen;
    clearInterval(watcher);
    pending.cancel();
    await expect(pending.asPromise()).rejects.toBeInstanceOf(CancelledError);
    await serverClosed;
  });

  it("honours a caller's Connection: close", async () => {
    const server = await startHTTPServer((_req, res) => res.end('x'));
    const agent = new Agent(startReactor());
    await readBody(await agent.request('GET', server.url, new Headers({ Connection: 'close' })));
    expect(agent.pool.cachedConnectionCount(`http://127.0.0.1:${server.port}`)).toBe(0);
  });
});
