import http from 'node:http';
import net from 'node:net';

import { NodeReactor, type IListeningPort } from '@tw/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { HTTPFactory, singleResourceSite } from '../../src/server/factory.js';
import { FnResource, StreamingFnResource } from './harness.js';
import { NOT_DONE_YET, type IRequest, type RenderResult } from '../../src/interfaces.js';

let reactor: NodeReactor;
let port: IListeningPort | null = null;

beforeEach(() => {
  reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
});

afterEach(async () => {
  if (port !== null) await port.stopListening();
  port = null;
});

async function listen(
  render: (request: IRequest) => RenderResult,
  streaming = false,
): Promise<number> {
  const resource = streaming ? new StreamingFnResource(render) : new FnResource(render);
  port = await reactor.listenTCP(0, new HTTPFactory(reactor, singleResourceSite(resource)), {
    interface: '127.0.0.1',
  });
  return (port.getHost() as { port: number }).port;
}

function request(
  portNumber: number,
  options: http.RequestOptions,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: portNumber, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTPChannel over real TCP sockets', () => {
  it('serves node:http requests with keep-alive, chunked upload and chunked download', async () => {
    const portNumber = await listen((req) => {
      if (req.method === 'POST') return `echo:${Buffer.from(req.content).toString()}`;
      req.write('part1,');
      setTimeout(() => {
        req.write('part2');
        req.finish();
      }, 5);
      return NOT_DONE_YET;
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await request(portNumber, { path: '/', agent });
      expect(first.status).toBe(200);
      expect(first.headers['transfer-encoding']).toBe('chunked');
      expect(first.body).toBe('part1,part2');
      const second = await request(
        portNumber,
        { method: 'POST', path: '/up', agent, headers: { 'Transfer-Encoding': 'chunked' } },
        'payload',
      );
      expect(second.body).toBe('echo:payload');
    } finally {
      agent.destroy();
    }
  });

  it('sends 100 Continue to node:http and streams the body', async () => {
    const portNumber = await listen((req) => {
      const parts: string[] = [];
      req.bodyStream!.onData = (chunk) => parts.push(Buffer.from(chunk).toString());
      req.bodyStream!.onEnd = () => {
        req.write(`streamed:${parts.join('')}`);
        req.finish();
      };
      return NOT_DONE_YET;
    }, true);
    const result = await new Promise<{ sawContinue: boolean; body: string }>((resolve, reject) => {
      let sawContinue = false;
      const req = http.request({
        host: '127.0.0.1',
        port: portNumber,
        method: 'PUT',
        path: '/',
        headers: { Expect: '100-continue', 'Content-Length': '5' },
      });
      req.on('continue', () => {
        sawContinue = true;
        req.end('hello');
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ sawContinue, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
    });
    expect(result).toEqual({ sawContinue: true, body: 'streamed:hello' });
  });

  it('answers 16 pipelined requests on a raw socket in order', async () => {
    const portNumber = await listen((req) => `r${req.path}`);
    const pipeline = Array.from(
      { length: 16 },
      (_, i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ).join('');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(portNumber, '127.0.0.1', () =>
        socket.end(pipeline + 'GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', reject);
    });
    const bodies = [...text.matchAll(/\r\n\r\n(r\/(?:\d+|last))/g)].map((m) => m[1]);
    expect(bodies).toEqual([...Array.from({ length: 16 }, (_, i) => `r/${i}`), 'r/last']);
  });

  it('answers a client that shuts its sending side before the answer is ready (printf | nc)', async () => {
    const portNumber = await listen((req) => {
      reactor.callLater(0.05, () => {
        req.write(`late answer to ${req.path}`);
        req.finish();
      });
      return NOT_DONE_YET;
    });
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(portNumber, '127.0.0.1', () =>
        socket.end('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', reject);
    });
    // Both answered, in order; then the server closed (the socket's 'end' above).
    expect([...text.matchAll(/late answer to \/\w/g)].map((m) => m[0])).toEqual([
      'late answer to /a',
      'late answer to /b',
    ]);
  });

  it('refuses a smuggling attempt from a raw socket with 400 and closes', async () => {
    const portNumber = await listen(() => 'should not render');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(portNumber, '127.0.0.1', () =>
        socket.write(
          'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n',
        ),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text.match(/HTTP\/1\.1/g)).toHaveLength(1);
  });
});
