import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSelfSignedCertificate } from '@tw/core';
import {
  Agent,
  FileBodyProducer,
  HTTPConnectionPool,
  ResponseNeverReceived,
  readBody,
} from '../../src/index.js';
import {
  startHTTPServer,
  startHTTPSServer,
  startReactor,
  stopServersAndReactors,
  text,
} from './harness.js';

afterEach(stopServersAndReactors);

/**
 * A raw server whose first connection answers one request with keep-alive and then, on the next
 * request, closes without answering — what a server does when its idle timeout and our request
 * cross. Later connections answer normally.
 */
async function startStaleServer(): Promise<{
  port: number;
  connections: () => number;
  close(): void;
}> {
  let count = 0;
  const server = net.createServer((socket) => {
    const index = count++;
    let requests = 0;
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        const end = buffered.indexOf('\r\n\r\n');
        const head = buffered.slice(0, end);
        const length = /content-length: (\d+)/i.exec(head);
        const bodyLength = length === null ? 0 : Number(length[1]);
        if (buffered.length < end + 4 + bodyLength) return;
        buffered = buffered.slice(end + 4 + bodyLength);
        requests++;
        if (index === 0 && requests === 2) {
          socket.destroy();
          return;
        }
        const body = `conn-${index}-r${requests}`;
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () => server.close(),
  };
}

describe('HTTPConnectionPool', () => {
  it('keeps at most maxPersistentPerHost idle connections and closes the rest', async () => {
    const release: (() => void)[] = [];
    const server = await startHTTPServer((_req, res) => {
      // Hold every response until three requests are in, so three connections are open at once.
      release.push(() => res.end('x'));
      if (release.length === 3) for (const go of release) go();
    });
    const reactor = startReactor();
    const pool = new HTTPConnectionPool(reactor, { maxPersistentPerHost: 2 });
    const agent = new Agent(reactor, { pool });
    const responses = await Promise.all(
      [1, 2, 3].map(() => agent.request('GET', server.url).asPromise()),
    );
    await Promise.all(responses.map((response) => readBody(response).asPromise()));
    expect(server.sockets).toHaveLength(3);
    expect(pool.cachedConnectionCount(`http://127.0.0.1:${server.port}`)).toBe(2);
    // The third connection was closed by the client (polled, at most 2 s).
    let closedSockets = 0;
    for (let attempt = 0; attempt < 400 && closedSockets !== 1; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      closedSockets = server.sockets.filter((socket) => socket.readyState !== 'open').length;
    }
    expect(closedSockets).toBe(1);
    await pool.closeCachedConnections();
    expect(pool.cachedConnectionCount(`http://127.0.0.1:${server.port}`)).toBe(0);
  });

  it('retries an idempotent request once on a new connection when a kept-alive one was stale', async () => {
    const stale = await startStaleServer();
    try {
      const agent = new Agent(startReactor());
      const url = `http://127.0.0.1:${stale.port}/`;
      expect(text(await readBody(await agent.request('GET', url)))).toBe('conn-0-r1');
      // The server drops the kept-alive connection on this request; the pool retries it.
      expect(text(await readBody(await agent.request('GET', url)))).toBe('conn-1-r1');
      expect(stale.connections()).toBe(2);
      // A replayable body is sent again too.
      await agent.pool.closeCachedConnections();
    } finally {
      stale.close();
    }
  });

  it('retries a PUT with a byte body, but not a POST', async () => {
    const stale = await startStaleServer();
    try {
      const agent = new Agent(startReactor());
      const url = `http://127.0.0.1:${stale.port}/`;
      await readBody(await agent.request('GET', url));
      const body = new FileBodyProducer(new TextEncoder().encode('payload'));
      expect(text(await readBody(await agent.request('PUT', url, null, body)))).toBe('conn-1-r1');
      await agent.pool.closeCachedConnections();
    } finally {
      stale.close();
    }
    const second = await startStaleServer();
    try {
      const agent = new Agent(startReactor());
      const url = `http://127.0.0.1:${second.port}/`;
      await readBody(await agent.request('GET', url));
      await expect(agent.request('POST', url).asPromise()).rejects.toBeInstanceOf(
        ResponseNeverReceived,
      );
      expect(second.connections()).toBe(1);
    } finally {
      second.close();
    }
  });

  it('does not retry when retryAutomatically is false', async () => {
    const stale = await startStaleServer();
    try {
      const reactor = startReactor();
      const agent = new Agent(reactor, {
        pool: new HTTPConnectionPool(reactor, { retryAutomatically: false }),
      });
      const url = `http://127.0.0.1:${stale.port}/`;
      await readBody(await agent.request('GET', url));
      await expect(agent.request('GET', url).asPromise()).rejects.toBeInstanceOf(
        ResponseNeverReceived,
      );
    } finally {
      stale.close();
    }
  });
});

describe('Agent over TLS', () => {
  const credentials = generateSelfSignedCertificate();

  it('verifies a server certificate trusted through ca, and reuses the TLS connection', async () => {
    const server = await startHTTPSServer(credentials, (req, res) => res.end(`secure ${req.url}`));
    const agent = new Agent(startReactor(), { tls: { ca: credentials.cert } });
    const url = `https://localhost:${server.port}/x`;
    expect(text(await readBody(await agent.request('GET', url)))).toBe('secure /x');
    expect(text(await readBody(await agent.request('GET', url)))).toBe('secure /x');
    expect(server.sockets).toHaveLength(1);
    await agent.pool.closeCachedConnections();
  });

  it('sends SNI for a host name', async () => {
    let servername: string | undefined;
    const server = await startHTTPSServer(credentials, (req, res) => {
      servername = (req.socket as unknown as { servername?: string }).servername;
      res.end('ok');
    });
    const agent = new Agent(startReactor(), { tls: { ca: credentials.cert } });
    await readBody(await agent.request('GET', `https://localhost:${server.port}/`));
    expect(servername).toBe('localhost');
    await agent.pool.closeCachedConnections();
  });

  it('refuses a server whose certificate it does not trust', async () => {
    const server = await startHTTPSServer(credentials, (_req, res) => res.end('nope'));
    const agent = new Agent(startReactor());
    const failure = await agent
      .request('GET', `https://localhost:${server.port}/`)
      .asPromise()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message) + String((failure as Error).cause)).toMatch(
      /certificate|self.signed|attempt/i,
    );
  });

  it('refuses a trusted certificate for the wrong name', async () => {
    const other = generateSelfSignedCertificate({
      commonName: 'other.test',
      altNames: ['other.test'],
    });
    const server = await startHTTPSServer(other, (_req, res) => res.end('nope'));
    const agent = new Agent(startReactor(), { tls: { ca: other.cert } });
    await expect(
      agent.request('GET', `https://localhost:${server.port}/`).asPromise(),
    ).rejects.toBeInstanceOf(Error);
  });
});
