/**
 * WebSocketBridgeResource over real loopback sockets: a `ws` client (as a browser would be) ⇄
 * the bridge in a Site ⇄ a TCP line server.
 */
import {
  ConnectionDone,
  Factory,
  LineReceiver,
  Protocol,
  serverFromString,
  type Failure,
  type IListeningPort,
  type NodeReactor,
} from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { Resource } from '../../src/resource/resource.js';
import { Site } from '../../src/resource/site.js';
import {
  WebSocketBridgeOptionError,
  WebSocketBridgeResource,
  type WebSocketBridgeOptions,
} from '../../src/websocket/bridge.js';
import { startReactor } from '../websocket/tcp-harness.js';

let reactor: NodeReactor;
let target: IListeningPort;
let targetPort: number;
let site: IListeningPort;
let base: string;
const serverSide: LineServer[] = [];

/** Greets, echoes lines upper-cased, "bye" closes cleanly, "big" sends 1 MiB. */
class LineServer extends LineReceiver {
  private resolveLost!: (reason: Failure) => void;
  readonly lost = new Promise<Failure>((resolve) => (this.resolveLost = resolve));

  override connectionMade(): void {
    serverSide.push(this);
    this.sendLine('HELLO');
  }

  override lineReceived(line: Uint8Array): void {
    const text = new TextDecoder().decode(line);
    if (text === 'bye') return this.transport.loseConnection();
    if (text === 'big') return this.sendLine('x'.repeat(1024 * 1024));
    this.sendLine(text.toUpperCase());
  }

  override connectionLost(reason: Failure): void {
    this.resolveLost(reason);
  }
}

/** Says where the connection comes from (getPeer()), then keeps still. */
class PeerTeller extends Protocol {
  override connectionMade(): void {
    const peer = this.transport.getPeer();
    const where = 'host' in peer ? `${peer.host}:${peer.port}` : peer.family;
    this.transport.write(new TextEncoder().encode(`you are ${where}\n`));
  }
}

function bridge(path: string, options: Partial<WebSocketBridgeOptions> = {}): string {
  root.putChild(
    path,
    new WebSocketBridgeResource({
      reactor,
      target: `tcp:host=127.0.0.1:port=${targetPort}`,
      ...options,
    }),
  );
  return `ws://${base}/${path}`;
}

const root = new Resource();

beforeAll(async () => {
  reactor = startReactor();
  target = await reactor.listenTCP(0, new Factory(LineServer), { interface: '127.0.0.1' });
  const host = target.getHost();
  targetPort = host.family === 'IPv4' ? host.port : 0;
  site = await reactor.listenTCP(0, new Site(reactor, root), { interface: '127.0.0.1' });
  const siteHost = site.getHost();
  base = `127.0.0.1:${siteHost.family === 'IPv4' ? siteHost.port : 0}`;
});

afterAll(async () => {
  await site.stopListening();
  await target.stopListening();
  reactor.stop();
});

/** Collects what arrives on a ws client as text, and how it closed. */
function open(url: string, options: WebSocket.ClientOptions = {}, protocols: string[] = []) {
  const ws = new WebSocket(url, protocols, options);
  let text = '';
  const waiters: Array<{ want: string; resolve: () => void }> = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(true);
    text += data.toString('utf8');
    for (const waiter of waiters.splice(0)) {
      if (text.includes(waiter.want)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    ws,
    opened,
    closed,
    text: () => text,
    waitFor: (want: string) =>
      text.includes(want)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ want, resolve })),
  };
}

describe('WebSocketBridgeResource', () => {
  it('relays bytes both ways and closes with 1000 when the server closes', async () => {
    const url = bridge('relay');
    const client = open(url);
    await client.opened;
    await client.waitFor('HELLO\r\n');
    client.ws.send(Buffer.from('ping one\r\nping '));
    client.ws.send(Buffer.from('two\r\n'));
    await client.waitFor('PING TWO\r\n');
    expect(client.text()).toBe('HELLO\r\nPING ONE\r\nPING TWO\r\n');
    client.ws.send(Buffer.from('big\r\n'));
    await client.waitFor('x'.repeat(1024 * 1024) + '\r\n');
    client.ws.send(Buffer.from('bye\r\n'));
    expect(await client.closed).toMatchObject({ code: 1000 });
  });

  it('closes the stream when the browser side closes', async () => {
    const url = bridge('browser-closes');
    const client = open(url);
    await client.opened;
    await client.waitFor('HELLO');
    const server = serverSide.at(-1)!;
    client.ws.close(1000);
    expect(await client.closed).toMatchObject({ code: 1000 });
    const reason = await server.lost;
    expect(reason.check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('closes with 1014 when the server cannot be reached', async () => {
    // A port that was just free: connecting to it is refused.
    const spare = await reactor.listenTCP(0, new Factory(Protocol), { interface: '127.0.0.1' });
    const spareHost = spare.getHost();
    await spare.stopListening();
    const url = bridge('unreachable', {
      target: `tcp:host=127.0.0.1:port=${spareHost.family === 'IPv4' ? spareHost.port : 0}`,
    });
    const client = open(url);
    await client.opened;
    expect(await client.closed).toMatchObject({ code: 1014 });
  });

  it('accepts the same origin and listed ones, refuses other pages with 403', async () => {
    const url = bridge('origins', { allowedOrigins: ['https://chat.example'] });
    const same = open(url, { origin: `http://${base}` });
    await same.opened;
    same.ws.close();
    const listed = open(url, { origin: 'https://chat.example' });
    await listed.opened;
    listed.ws.close();
    const other = open(url, { origin: 'https://evil.example' });
    await expect(other.opened).rejects.toThrow('HTTP 403');
    await Promise.all([same.closed, listed.closed]);
  });

  it('answers 503 past maxConnections, and frees the slot when a connection ends', async () => {
    const url = bridge('limited', { maxConnections: 1 });
    const first = open(url);
    await first.opened;
    const second = open(url);
    await expect(second.opened).rejects.toThrow('HTTP 503');
    first.ws.close();
    await first.closed;
    // The bridge hears the close a moment after the ws client does: retry a bounded number.
    let third: ReturnType<typeof open> | undefined;
    for (let attempt = 0; attempt < 50 && third === undefined; attempt++) {
      const candidate = open(url);
      try {
        await candidate.opened;
        third = candidate;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(third).toBeDefined();
    third!.ws.close();
    await third!.closed;
  });

  it('closes with 1009 a message larger than maxMessageSize', async () => {
    const url = bridge('small', { maxMessageSize: 1024 });
    const client = open(url);
    await client.opened;
    await client.waitFor('HELLO');
    client.ws.send(Buffer.alloc(2048, 0x61));
    expect(await client.closed).toMatchObject({ code: 1009 });
  });

  it('picks the binary subprotocol when a client offers it', async () => {
    const url = bridge('subprotocol');
    const client = open(url, {}, ['binary']);
    await client.opened;
    expect(client.ws.protocol).toBe('binary');
    client.ws.close();
    await client.closed;
  });

  it('rejects limits that make no sense', () => {
    expect(
      () =>
        new WebSocketBridgeResource({ reactor, target: 'tcp:host=a:port=1', maxConnections: 0 }),
    ).toThrow(WebSocketBridgeOptionError);
    expect(
      () =>
        new WebSocketBridgeResource({
          reactor,
          target: 'tcp:host=a:port=1',
          proxyProtocol: 'v3' as 'v1',
        }),
    ).toThrow(WebSocketBridgeOptionError);
  });

  it.each(['v1', 'v2'] as const)(
    'with proxyProtocol %s, a server on haproxy: sees the browser, not the bridge',
    async (version) => {
      // Tells each connection the address it came from, as the server sees it.
      const whoAmI = await serverFromString(reactor, 'haproxy:tcp:0:interface=127.0.0.1').listen(
        Factory.forProtocol(() => new PeerTeller()),
      );
      try {
        const address = whoAmI.getHost();
        const url = bridge(`proxied-${version}`, {
          target: `tcp:host=127.0.0.1:port=${address.family === 'IPv4' ? address.port : 0}`,
          proxyProtocol: version,
        });
        const client = open(url);
        await client.opened;
        await client.waitFor('\n');
        const browser = client.ws as WebSocket & { _socket: { localPort: number } };
        expect(client.text()).toBe(`you are 127.0.0.1:${browser._socket.localPort}\n`);
        client.ws.close();
        await client.closed;
      } finally {
        await whoAmI.stopListening();
      }
    },
  );
});
