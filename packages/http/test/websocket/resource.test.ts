import { Factory, type IListeningPort, type NodeReactor } from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { Resource } from '../../src/resource/resource.js';
import { Site } from '../../src/resource/site.js';
import { connectWebSocket } from '../../src/websocket/client.js';
import { WebSocketResource } from '../../src/websocket/resource.js';
import { RecordingLineClient, shoutingFactory, startReactor } from './tcp-harness.js';

let reactor: NodeReactor;
let port: IListeningPort;
let base: string;

class Hello extends Resource {
  render_GET(): string {
    return 'hello';
  }
}

beforeAll(async () => {
  reactor = startReactor();
  const root = new Resource();
  root.putChild('hello', new Hello());
  root.putChild(
    'lines',
    new WebSocketResource(shoutingFactory(), { reactor, subprotocols: ['lines'] }),
  );
  port = await reactor.listenTCP(0, new Site(reactor, root), {
    interface: '127.0.0.1',
  });
  const host = port.getHost();
  base = `127.0.0.1:${host.family === 'IPv4' ? host.port : 0}`;
});

afterAll(async () => {
  await port.stopListening();
  reactor.stop();
});

describe('WebSocketResource in the resource tree', () => {
  it('upgrades a request and runs a LineReceiver over it', async () => {
    const client = await connectWebSocket(
      reactor,
      `ws://${base}/lines`,
      new Factory(RecordingLineClient),
      {
        subprotocols: ['lines'],
      },
    );
    client.sendLine('through the site');
    await client.waitForLines(1);
    expect(client.lines).toEqual(['THROUGH THE SITE']);
    client.transport.loseConnection();
    await client.lost;
  });

  it('serves a ws client, after ordinary requests on the same server', async () => {
    const response = await fetch(`http://${base}/hello`);
    expect(await response.text()).toBe('hello');
    const ws = new WebSocket(`ws://${base}/lines`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const message = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString())),
    );
    ws.send(Buffer.from('from ws\r\n'));
    expect(await message).toBe('FROM WS\r\n');
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.close();
    // ws sends an empty close frame; the echo is empty too, which ws reports as 1005.
    expect(await closed).toBe(1005);
  });

  it('answers a plain GET with 426 Upgrade Required', async () => {
    const response = await fetch(`http://${base}/lines`);
    expect(response.status).toBe(426);
    expect(response.headers.get('upgrade')).toBe('websocket');
  });
});
