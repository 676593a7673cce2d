/**
 * Interop: undici (npm, the client behind Node's fetch) against our Site over TCP, TLS and a
 * Unix socket: request() with bodies and streamed responses, and a Client pipelining 10 deep on
 * one connection — answers come back in order, each to its own request, while the server is
 * rendering several of them at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Client, request } from 'undici';
import {
  sha256,
  startInteropSite,
  type EchoReply,
  type InteropSite,
  type SlowReply,
  type TransportKind,
} from './server-fixture.js';

describe.each<TransportKind>(['tcp', 'tls', 'unix'])('undici against our Site over %s', (kind) => {
  let site: InteropSite;
  let client: Client;
  beforeAll(async () => {
    site = await startInteropSite(kind);
    client = newClient(10);
  });
  afterAll(async () => {
    await client?.close();
    await site?.stop();
  });

  function newClient(pipelining: number): Client {
    return new Client(site.url, {
      pipelining,
      ...(kind === 'tls' ? { connect: { ca: site.certificate } } : {}),
      ...(kind === 'unix' ? { socketPath: site.socketPath! } : {}),
    });
  }

  it('GETs files and a chunked stream', async () => {
    const hello = await client.request({ path: '/files/hello.txt', method: 'GET' });
    expect(hello.statusCode).toBe(200);
    expect(await hello.body.text()).toBe(site.files.hello);
    const big = await client.request({ path: '/files/big.bin', method: 'GET' });
    expect(sha256(Buffer.from(await big.body.arrayBuffer()))).toBe(sha256(site.files.big));
    const stream = await client.request({ path: '/stream?n=3&ms=5', method: 'GET' });
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    expect(await stream.body.text()).toBe('line 0\nline 1\nline 2\n');
  });

  it('POSTs a body and gets it echoed with its headers', async () => {
    const response = await client.request({
      path: '/echo',
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-interop': 'undici' },
      body: site.files.big,
    });
    const echo = (await response.body.json()) as EchoReply;
    expect(echo).toMatchObject({ method: 'POST', bodyLength: site.files.big.length });
    expect(echo.bodySha256).toBe(sha256(site.files.big));
    expect(echo.headers).toContainEqual(['x-interop', 'undici']);
    expect(echo.secure).toBe(kind === 'tls');
  });

  it('pipelines 10 deep on one connection: answers in order, several rendering at once', async () => {
    const pipelined = newClient(10);
    try {
      // Earlier requests take longer, so a server answering out of order would show it.
      const replies = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const response = await pipelined.request({
            path: `/slow?id=${i}&ms=${(20 - i) * 3}`,
            method: 'GET',
          });
          return (await response.body.json()) as SlowReply;
        }),
      );
      expect(replies.map((reply) => reply.id)).toEqual(
        Array.from({ length: 20 }, (_, i) => String(i)),
      );
      expect(new Set(replies.map((reply) => reply.connection)).size).toBe(1);
      expect(Math.max(...replies.map((reply) => reply.inFlight))).toBeGreaterThan(1);
    } finally {
      await pipelined.close();
    }
  });

  it('works through request() with a pooled Agent', async () => {
    const agent = new Agent({
      connections: 4,
      connect:
        kind === 'tls'
          ? { ca: site.certificate }
          : kind === 'unix'
            ? { socketPath: site.socketPath! }
            : {},
    });
    try {
      const response = await request(`${site.url}/echo?via=request`, {
        method: 'PUT',
        body: 'put body',
        dispatcher: agent,
      });
      const echo = (await response.body.json()) as EchoReply;
      expect(echo).toMatchObject({ method: 'PUT', uri: '/echo?via=request', body: 'put body' });
    } finally {
      await agent.close();
    }
  });
});
