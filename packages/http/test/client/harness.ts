import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { NodeReactor } from '@tw/core';
import { NodeReactorHarness } from '@tw/core/testing';

const reactors = new NodeReactorHarness();

/** A running Node reactor for one test; stopReactors() in afterEach stops them. */
export function startReactor(): NodeReactor {
  return reactors.start();
}

export function stopReactors(): Promise<void> {
  return reactors.stopAll();
}

export interface TestServer {
  readonly port: number;
  readonly url: string;
  /** Every connection the server accepted, in order. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

const servers: (http.Server | https.Server)[] = [];

/** A node:http server on 127.0.0.1 with an ephemeral port. */
export function startHTTPServer(
  handler: http.RequestListener,
  configure: (server: http.Server) => void = () => undefined,
): Promise<TestServer> {
  return listen(http.createServer(handler), 'http', configure as never);
}

/** A node:https server on 127.0.0.1 with the given certificate. */
export function startHTTPSServer(
  credentials: { key: string; cert: string },
  handler: http.RequestListener,
): Promise<TestServer> {
  return listen(https.createServer(credentials, handler), 'https', () => undefined);
}

function listen(
  server: http.Server | https.Server,
  scheme: string,
  configure: (server: http.Server | https.Server) => void,
): Promise<TestServer> {
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  configure(server);
  servers.push(server);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        url: `${scheme}://127.0.0.1:${port}`,
        sockets,
        close: () => closeServer(server),
      });
    });
  });
}

function closeServer(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function stopServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => closeServer(server)));
}

/** The client tests' afterEach: close the node servers, then stop the reactors. */
export async function stopServersAndReactors(): Promise<void> {
  await stopServers();
  await stopReactors();
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
export const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Read a node request's body. */
export function requestBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
