import {
  ConnectionDone,
  ConnectionLost,
  EndpointRegistry,
  Factory,
  clientFromString,
  generateSelfSignedCertificate,
  type NodeReactor,
} from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectWebSocket, openWebSocket } from '../../src/websocket/client.js';
import {
  registerWebSocketEndpoints,
  WebSocketClientEndpoint,
} from '../../src/websocket/endpoint.js';
import { WebSocketHandshakeError } from '../../src/websocket/errors.js';
import type { WebSocketHandler } from '../../src/websocket/handler.js';
import type { WebSocketAddress } from '../../src/websocket/websocket-transport.js';
import { WebSocketServerFactory } from '../../src/websocket/server-factory.js';
import { RecordingHandler, decode } from './harness.js';
import {
  RecordingLineClient,
  listenWebSocket,
  shoutingFactory,
  signal,
  startReactor,
} from './tcp-harness.js';

let reactor: NodeReactor;
beforeAll(() => {
  reactor = startReactor();
});
afterAll(() => {
  reactor.stop();
});

describe('WebSocket over real TCP', () => {
  it('runs a LineReceiver over WebSocketTransport end to end', async () => {
    const { port, url } = await listenWebSocket(reactor, shoutingFactory());
    try {
      const client = await connectWebSocket(
        reactor,
        `${url}/lines`,
        new Factory(RecordingLineClient),
      );
      client.sendLine('hello');
      client.sendLine('over websocket');
      await client.waitForLines(2);
      expect(client.lines).toEqual(['HELLO', 'OVER WEBSOCKET']);
      const peer = client.transport.getPeer() as WebSocketAddress;
      expect(peer).toMatchObject({ family: 'custom', scheme: 'ws', url: `${url}/lines` });
      client.sendLine('quit');
      const reason = await client.lost;
      expect(reason).toBeInstanceOf(ConnectionDone);
    } finally {
      await port.stopListening();
    }
  });

  it('passes the server address to buildProtocol and closes cleanly from the client side', async () => {
    const addresses: unknown[] = [];
    const factory = shoutingFactory();
    const build = factory.buildProtocol.bind(factory);
    factory.buildProtocol = (addr) => {
      addresses.push(addr);
      return build(addr);
    };
    const { port, url } = await listenWebSocket(reactor, factory);
    try {
      const client = await connectWebSocket(
        reactor,
        `${url}/x?y=1`,
        new Factory(RecordingLineClient),
      );
      client.transport.loseConnection();
      expect(await client.lost).toBeInstanceOf(ConnectionDone);
      expect(addresses).toMatchObject([{ family: 'custom', scheme: 'ws', url: `${url}/x?y=1` }]);
    } finally {
      await port.stopListening();
    }
  });

  it('message API: large binary messages and close codes travel both ways, with and without compression', async () => {
    for (const compress of [false, true]) {
      const serverSide = new RecordingHandler(true);
      const { port, url } = await listenWebSocket(reactor, () => serverSide, {
        perMessageDeflate: compress && { threshold: 0 },
      });
      try {
        const client = new RecordingHandler();
        const got = signal();
        const closed = signal();
        client.onMessage = (payload, isBinary) => {
          client.messages.push({ payload, isBinary });
          if (client.messages.length === 2) got.resolve();
        };
        client.onClose = (info) => {
          client.closed = info;
          closed.resolve();
        };
        const connection = await connectWebSocket(reactor, url, client as WebSocketHandler, {
          perMessageDeflate: compress && { threshold: 0 },
        });
        expect(connection.handshake.extensions === null).toBe(!compress);
        const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
        connection.sendBinary(big);
        connection.sendText('ünïcödé');
        await got.promise;
        expect(Buffer.from(client.messages[0]!.payload).equals(big)).toBe(true);
        expect(decode(client.messages[1]!.payload)).toBe('ünïcödé');
        connection.close(4321, 'bye');
        await closed.promise;
        expect(client.closed).toEqual({ code: 4321, reason: '', wasClean: true });
        expect(serverSide.closed).toEqual({ code: 4321, reason: 'bye', wasClean: true });
      } finally {
        await port.stopListening();
      }
    }
  });

  it('reports a refused handshake as WebSocketHandshakeError with the status', async () => {
    const { port, url } = await listenWebSocket(reactor, () => null);
    try {
      await expect(
        openWebSocket(reactor, url, () => new RecordingHandler()).asPromise(),
      ).rejects.toMatchObject({
        name: WebSocketHandshakeError.name,
        status: 403,
      });
    } finally {
      await port.stopListening();
    }
  });

  it('ends a wrapped protocol with ConnectionLost when the server fails the connection', async () => {
    const { port, url } = await listenWebSocket(reactor, shoutingFactory(), { maxMessageSize: 10 });
    try {
      const client = await connectWebSocket(reactor, url, new Factory(RecordingLineClient));
      client.sendLine('this line is longer than ten bytes');
      const reason = await client.lost;
      expect(reason).toBeInstanceOf(ConnectionLost);
      expect((reason as Error).message).toContain('1009');
    } finally {
      await port.stopListening();
    }
  });
});

describe('ws: and wss: endpoint schemes', () => {
  it('clientFromString("ws:…") connects any protocol factory over a WebSocket', async () => {
    const registry = new EndpointRegistry();
    registerWebSocketEndpoints(registry);
    expect(registry.clientSchemes()).toEqual(['ws', 'wss']);
    const { port, portNumber } = await listenWebSocket(reactor, shoutingFactory());
    try {
      for (const description of [
        `ws:host=127.0.0.1:port=${portNumber}:path=/a`,
        `ws:url=ws\\://127.0.0.1\\:${portNumber}/a`,
      ]) {
        const endpoint = clientFromString(reactor, description, { registry });
        expect(endpoint).toBeInstanceOf(WebSocketClientEndpoint);
        const client = await endpoint.connect(new Factory(RecordingLineClient));
        client.sendLine('endpoint');
        await client.waitForLines(1);
        expect(client.lines).toEqual(['ENDPOINT']);
        client.transport.loseConnection();
        await client.lost;
      }
    } finally {
      await port.stopListening();
    }
  });

  it('rejects descriptions it cannot use', () => {
    const registry = new EndpointRegistry();
    registerWebSocketEndpoints(registry);
    expect(() => clientFromString(reactor, 'ws:port=80', { registry })).toThrow(
      /url= or host= is required/,
    );
    expect(() => clientFromString(reactor, 'ws:url=wss\\://h/', { registry })).toThrow(/wss:/);
    expect(() => clientFromString(reactor, 'ws:host=h:caCerts=x', { registry })).toThrow(/caCerts/);
    expect(
      clientFromString(reactor, 'wss:host=example.org:path=/p:compress=1', { registry }),
    ).toMatchObject({
      url: { scheme: 'wss', port: 443, resource: '/p' },
    });
  });
});

describe('wss: over TLS', () => {
  it('runs the handshake and a protocol over TLS, verifying the server certificate', async () => {
    const certificate = generateSelfSignedCertificate({ keyBits: 1024 });
    const port = await reactor.listenTLS(
      0,
      new WebSocketServerFactory(shoutingFactory(), { reactor }),
      { credentials: certificate },
      { interface: '127.0.0.1' },
    );
    try {
      const host = port.getHost();
      const url = `wss://127.0.0.1:${host.family === 'IPv4' ? host.port : 0}/secure`;
      const client = await connectWebSocket(reactor, url, new Factory(RecordingLineClient), {
        tls: { ca: certificate.cert },
      });
      expect(client.transport.getPeer()).toMatchObject({ scheme: 'wss', url });
      client.sendLine('secret');
      await client.waitForLines(1);
      expect(client.lines).toEqual(['SECRET']);
      client.transport.loseConnection();
      await client.lost;
      // Without the CA the certificate is refused.
      await expect(
        connectWebSocket(reactor, url, new Factory(RecordingLineClient)).asPromise(),
      ).rejects.toBeDefined();
    } finally {
      await port.stopListening();
    }
  });
});
