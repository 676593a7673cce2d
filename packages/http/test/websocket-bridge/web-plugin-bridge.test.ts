/**
 * `tw web --mount URLPATH=DIR --bridge URLPATH=ENDPOINT`: a directory of pages and a WebSocket
 * bridge beside it (what the main job uses for the IRC web client), over real loopback sockets.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  Factory,
  LineReceiver,
  Logger,
  ipv4Address,
  isTwError,
  parsePluginOptions,
  type IListeningPort,
  type IService,
  type MultiService,
  type NodeReactor,
  type PluginContext,
  type StreamServerEndpointService,
} from '@tw/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import webPlugin, { webConnectHint } from '../../src/plugin/web-plugin.js';
import { parseMountSpec } from '../../src/websocket/bridge-mounts.js';
import { startReactor, stopReactors } from '../client/harness.js';

let dir: string;
let reactor: NodeReactor;
let lineServer: IListeningPort;
let linePort: number;
const running: IService[] = [];

class Shout extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(new TextDecoder().decode(line).toUpperCase());
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tw-web-bridge-'));
  await mkdir(join(dir, 'page'));
  await writeFile(join(dir, 'page', 'index.html'), '<title>the page</title>');
  reactor = startReactor();
  lineServer = await reactor.listenTCP(0, new Factory(Shout), { interface: '127.0.0.1' });
  const host = lineServer.getHost();
  linePort = host.family === 'IPv4' ? host.port : 0;
});

afterEach(async () => {
  for (const service of running.splice(0)) await service.stopService();
  await lineServer.stopListening();
  await stopReactors();
  await rm(dir, { recursive: true, force: true });
});

function contextFor(): PluginContext {
  return { reactor, dataDir: join(dir, 'data'), log: new Logger('test.web') };
}

const LISTEN = 'tcp:0:interface=127.0.0.1';

async function serve(raw: Record<string, unknown>): Promise<{ base: string; port: number }> {
  const options = parsePluginOptions(webPlugin, { listen: LISTEN, ...raw });
  const service = (await webPlugin.makeService(options, contextFor())) as MultiService;
  await service.startService();
  running.push(service);
  const [endpointService] = [...service] as StreamServerEndpointService[];
  const address = endpointService!.listeningPort!.getHost();
  const port = address.family === 'IPv4' ? address.port : 0;
  return { base: `127.0.0.1:${port}`, port };
}

async function makeServiceError(raw: Record<string, unknown>): Promise<unknown> {
  try {
    await webPlugin.makeService(
      parsePluginOptions(webPlugin, { listen: LISTEN, ...raw }),
      contextFor(),
    );
    return null;
  } catch (error) {
    return error;
  }
}

describe('tw web --mount and --bridge', () => {
  it('serves the directory at its path and relays the bridge beside it', async () => {
    const { base, port } = await serve({
      mount: [`/chat=${join(dir, 'page')}`],
      bridge: [`/chat/ws=tcp:host=127.0.0.1:port=${linePort}`],
    });
    const page = await fetch(`http://${base}/chat/`);
    expect(await page.text()).toBe('<title>the page</title>');

    const ws = new WebSocket(`ws://${base}/chat/ws`, { origin: `http://${base}` });
    const reply = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString())),
    );
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(Buffer.from('through tw web\r\n'));
    expect(await reply).toBe('THROUGH TW WEB\r\n');
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;

    // The table's hint still fetches / and names the page for a browser.
    expect(
      webConnectHint({
        endpoint: LISTEN,
        address: ipv4Address('TCP', '127.0.0.1', port),
        clientEndpoint: null,
        twCommand: 'tw',
      }),
    ).toBe(`curl http://127.0.0.1:${port}/  # in a browser: http://127.0.0.1:${port}/chat/`);
  });

  it('refuses a page from another site', async () => {
    const { base } = await serve({ bridge: [`/ws=tcp:host=127.0.0.1:port=${linePort}`] });
    const ws = new WebSocket(`ws://${base}/ws`, { origin: 'https://elsewhere.example' });
    const status = await new Promise<number>((resolve) =>
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(403);
  });

  it('rejects specs it cannot use with an option error naming the option', async () => {
    const problems = await Promise.all([
      makeServiceError({ mount: ['irc'] }),
      makeServiceError({ mount: [`/a/../b=${dir}`] }),
      makeServiceError({ mount: [`/x=${join(dir, 'missing')}`] }),
      makeServiceError({ bridge: ['/ws=nonsense:1'] }),
      makeServiceError({ bridge: ['/ws=tcp:host=127.0.0.1:port=1'], bridgeMaxConnections: 0 }),
      makeServiceError({ bridge: ['/ws=tcp:host=127.0.0.1:port=1'], bridgeProxyProtocol: 'v9' }),
    ]);
    for (const problem of problems) {
      expect(isTwError(problem, 'TW_PLUGIN_OPTION_INVALID') || isTwError(problem)).toBe(true);
    }
    expect(problems.map((p) => (p as Error).message)).toEqual([
      expect.stringMatching(/--mount.*URLPATH=VALUE/),
      expect.stringMatching(/--mount.*plain segments/),
      expect.stringMatching(/--mount.*nothing at/),
      expect.stringMatching(/--bridge.*nonsense/),
      expect.stringMatching(/--bridge-max-connections.*>= 1/),
      expect.stringMatching(/--bridge-proxy-protocol.*v1 or v2/),
    ]);
  });

  it('parses URLPATH=VALUE specs', () => {
    expect(parseMountSpec('/irc/ws=tcp:host=h:port=1')).toEqual({
      segments: ['irc', 'ws'],
      path: '/irc/ws',
      value: 'tcp:host=h:port=1',
    });
    expect(() => parseMountSpec('/=x')).toThrow(/plain segments/);
  });
});
