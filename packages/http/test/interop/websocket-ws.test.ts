/**
 * Interop with the `ws` npm library, the WebSocket implementation most Node programs use, in
 * both directions: our server ⇄ ws client and ws server ⇄ our client, with and without
 * permessage-deflate. `ws` is a devDependency, so a missing install fails the import loudly.
 */
import type { AddressInfo } from 'node:net';

import type { NodeReactor } from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';

import { connectWebSocket } from '../../src/websocket/client.js';
import type {
  WebSocketCloseInfo,
  WebSocketConnection,
  WebSocketHandler,
} from '../../src/websocket/handler.js';
import { RecordingHandler, decode } from '../websocket/harness.js';
import { listenWebSocket, signal, startReactor } from '../websocket/tcp-harness.js';

let reactor: NodeReactor;
beforeAll(() => {
  reactor = startReactor();
});
afterAll(() => {
  reactor.stop();
});

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })),
  );
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString() }),
    ),
  );
}

describe.each([false, true])('our server ⇄ ws client (compression %s)', (compress) => {
  it('echoes text, binary and large messages, answers pings and closes cleanly', async () => {
    const server = new RecordingHandler(true);
    const serverClosed = signal<WebSocketCloseInfo>();
    server.onClose = (info) => serverClosed.resolve(info);
    const { port, url } = await listenWebSocket(reactor, () => server, {
      perMessageDeflate: compress && { threshold: 0 },
      subprotocols: ['echo.v1'],
    });
    try {
      const ws = new WebSocket(`${url}/echo`, ['echo.v1'], { perMessageDeflate: compress });
      await opened(ws);
      expect(ws.protocol).toBe('echo.v1');
      expect(ws.extensions.includes('permessage-deflate')).toBe(compress);

      ws.send('héllo');
      expect(await nextMessage(ws)).toMatchObject({ isBinary: false });
      const big = Buffer.alloc(2 * 1024 * 1024, 'abcdefghij');
      ws.send(big);
      const echoed = await nextMessage(ws);
      expect(echoed.isBinary).toBe(true);
      expect(echoed.data.equals(big)).toBe(true);
      // A message ws fragments itself.
      ws.send('part1', { fin: false });
      ws.send('part2', { fin: true });
      expect((await nextMessage(ws)).data.toString()).toBe('part1part2');

      const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
      ws.ping(Buffer.from('are you there'));
      expect((await pong).toString()).toBe('are you there');
      expect(server.pings.map(decode)).toEqual(['are you there']);

      const serverPing = new Promise<Buffer>((resolve) => ws.once('ping', resolve));
      server.connection!.ping(Buffer.from('server ping'));
      expect((await serverPing).toString()).toBe('server ping');

      const wsClosed = closed(ws);
      ws.close(4000, 'done here');
      expect(await wsClosed).toEqual({ code: 4000, reason: '' });
      expect(await serverClosed.promise).toEqual({
        code: 4000,
        reason: 'done here',
        wasClean: true,
      });
      expect(server.texts().slice(0, 1)).toEqual(['héllo']);
    } finally {
      await port.stopListening();
    }
  });

  it('fails a ws client that sends invalid UTF-8 with 1007', async () => {
    const server = new RecordingHandler();
    const { port, url } = await listenWebSocket(reactor, () => server, {
      perMessageDeflate: compress && { threshold: 0 },
    });
    try {
      const ws = new WebSocket(url, { perMessageDeflate: compress });
      await opened(ws);
      const wsClosed = closed(ws);
      ws.send(Buffer.from('cebae1bdb9cf83cebcceb5eda080', 'hex'), { binary: false });
      expect((await wsClosed).code).toBe(1007);
      expect(server.messages).toEqual([]);
    } finally {
      await port.stopListening();
    }
  });
});

describe.each([false, true])('ws server ⇄ our client (compression %s)', (compress) => {
  it('exchanges messages, pings and the close handshake', async () => {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: compress && { threshold: 0 },
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const serverClose = signal<{ code: number; reason: string }>();
    const serverPongs: string[] = [];
    wss.on('connection', (socket, request) => {
      socket.on('message', (data: Buffer, isBinary) => socket.send(data, { binary: isBinary }));
      socket.on('pong', (data) => serverPongs.push(data.toString()));
      socket.on('close', (code, reason) =>
        serverClose.resolve({ code, reason: reason.toString() }),
      );
      socket.ping(Buffer.from('from ws'));
      expect(request.url).toBe('/path?q=1');
    });
    try {
      const port = (wss.address() as AddressInfo).port;
      const client = new RecordingHandler();
      const messages = signal();
      const clientClosed = signal<WebSocketCloseInfo>();
      client.onMessage = (payload, isBinary) => {
        client.messages.push({ payload, isBinary });
        if (client.messages.length === 3) messages.resolve();
      };
      client.onClose = (info) => clientClosed.resolve(info);
      const connection: WebSocketConnection = await connectWebSocket(
        reactor,
        `ws://127.0.0.1:${port}/path?q=1`,
        client as WebSocketHandler,
        { perMessageDeflate: compress && { threshold: 0 } },
      );
      expect(connection.handshake.extensions !== null).toBe(compress);
      connection.sendText('text ✓');
      const big = new Uint8Array(1024 * 1024 + 3).map((_, i) => i % 251);
      connection.sendBinary(big);
      connection.sendText('');
      await messages.promise;
      expect(decode(client.messages[0]!.payload)).toBe('text ✓');
      expect(Buffer.from(client.messages[1]!.payload).equals(big)).toBe(true);
      expect(client.messages.map((m) => m.isBinary)).toEqual([false, true, false]);
      expect(serverPongs).toEqual(['from ws']);
      connection.close(1000, 'client done');
      expect(await clientClosed.promise).toEqual({
        code: 1000,
        reason: 'client done',
        wasClean: true,
      });
      expect(await serverClose.promise).toEqual({ code: 1000, reason: 'client done' });
    } finally {
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });

  it('sees the close code a ws server sends', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket) => socket.close(4444, 'go away'));
    try {
      const port = (wss.address() as AddressInfo).port;
      const client = new RecordingHandler();
      const clientClosed = signal<WebSocketCloseInfo>();
      client.onClose = (info) => clientClosed.resolve(info);
      await connectWebSocket(reactor, `ws://127.0.0.1:${port}/`, client as WebSocketHandler, {
        perMessageDeflate: compress,
      });
      expect(await clientClosed.promise).toEqual({ code: 4444, reason: 'go away', wasClean: true });
    } finally {
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});
