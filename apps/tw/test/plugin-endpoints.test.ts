import {
  Factory,
  NodeReactor,
  Protocol,
  defaultEndpointRegistry,
  type IListeningPort,
} from '@tw/core';
import { Resource, Site, WebSocketResource } from '@tw/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPlugins } from '../src/cli.js';
import { binPath } from './harness.js';
import { runShell } from './clients.js';

class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport.write(data);
  }
}

let reactor: NodeReactor;
let port: IListeningPort;
let portNumber: number;

beforeAll(async () => {
  reactor = new NodeReactor({ installSignalHandlers: false });
  void reactor.run();
  const root = new Resource();
  root.putChild('echo', new WebSocketResource(new Factory(Echo), { reactor }));
  port = await reactor.listenTCP(0, new Site(reactor, root), { interface: '127.0.0.1' });
  const host = port.getHost();
  portNumber = 'port' in host ? host.port : 0;
});

afterAll(async () => {
  await port.stopListening();
  reactor.stop();
});

describe("plugins' endpoint schemes", () => {
  it('are registered when tw finds the plugins', async () => {
    await findPlugins([], {});
    expect(defaultEndpointRegistry.clientSchemes()).toEqual(
      expect.arrayContaining(['ssh', 'ws', 'wss']),
    );
  });

  it('work in `tw connect` (ws: from @tw/http, not known to @tw/core)', async () => {
    const output = await runShell(
      `node ${binPath} connect ws:host=127.0.0.1:port=${portNumber}:path=/echo`,
      'through a WebSocket\n',
    );
    expect(output).toBe('through a WebSocket\n');
  });
});
