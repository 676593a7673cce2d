/**
 * A real server for the end-to-end static tests: a NodeReactor listening on 127.0.0.1 with
 * a Site (the HTTP factory) whose root is `resource`, and a raw-socket client that sends bytes as
 * given and returns the response split into head and (de-chunked) body.
 */
import { connect, type Socket } from 'node:net';

import { type IListeningPort, NodeReactor } from '@tw/core';

import type { IResource } from '../../src/interfaces.js';
import { Site } from '../../src/resource/site.js';

export interface StaticServer {
  readonly port: number;
  readonly reactor: NodeReactor;
  stop(): Promise<void>;
}

export async function startStaticServer(resource: IResource): Promise<StaticServer> {
  const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  // twisted.web's shape: the Site is the HTTP factory.
  const site = new Site(reactor, resource);
  const listening: IListeningPort = await reactor.listenTCP(0, site, { interface: '127.0.0.1' });
  const host = listening.getHost();
  const port = 'port' in host ? host.port : 0;
  return {
    port,
    reactor,
    async stop() {
      await listening.stopListening();
      if (!reactor.running) return;
      await new Promise<void>((resolve) => {
        reactor.addSystemEventTrigger('after', 'shutdown', () => resolve());
        reactor.stop();
      });
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly head: string;
  readonly body: Buffer;
  /** The bytes after the head exactly as received (still chunked, if chunked). */
  readonly rawBody: Buffer;
}

/** Send `request` (a full request, with Connection: close) and read the response to EOF. */
export function rawRequest(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.write(request);
  });
}

/** A GET (or other method) with Connection: close and extra header lines. */
export function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
) {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return rawRequest(
    port,
    `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${lines.join('')}\r\n`,
  );
}

export function parseResponse(bytes: Buffer): RawResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete head in ${JSON.stringify(bytes.toString('latin1'))}`);
  const head = bytes.subarray(0, end).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const rawBody = bytes.subarray(end + 4);
  const body =
    headers.get('transfer-encoding')?.toLowerCase() === 'chunked' ? dechunk(rawBody) : rawBody;
  return { status, headers, head, body, rawBody };
}

function dechunk(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('truncated chunked body');
    const size = parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    offset = lineEnd + 2;
    if (size === 0) return Buffer.concat(out);
    out.push(bytes.subarray(offset, offset + size));
    offset += size + 2;
  }
}
