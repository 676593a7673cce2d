/**
 * The main job (`tw serve`'s default config) serves the IRC web client at /irc/ on its web
 * service, with a bridge at /irc/ws to its own IRC server.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultConfig } from '@tw/cli';
import { Factory } from '@tw/core';
import { Recorder, startNodeReactor, startPluginService, stopNodeReactor } from '@tw/core/testing';
import { connectWebSocket } from '@tw/http';
import webPlugin from '@tw/http/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ircPlugin } from '../../src/plugin/irc-plugin.js';
import { webClientDirectory } from '../../src/web-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tw-main-job-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

beforeAll(async () => {
  // The config only offers the page once it is built (pnpm build does it): build it if missing.
  if (!existsSync(join(webClientDirectory, 'index.html'))) {
    const script = new URL('../../scripts/build-web.mjs', import.meta.url).href;
    const { buildWebClient } = (await import(script)) as {
      buildWebClient(options: object): Promise<unknown>;
    };
    await buildWebClient({});
  }
});

describe("the main job's web service", () => {
  it('mounts the built page at /irc and bridges /irc/ws to the IRC server through a PROXY socket', () => {
    const config = defaultConfig('/tmp/tw-data', 7000);
    const web = config.services.find((service) => service.plugin === 'web')!;
    const irc = config.services.find((service) => service.plugin === 'irc')!;
    expect(irc.options).toMatchObject({
      listen: [
        'tcp:7667:interface=127.0.0.1',
        'haproxy:unix:/tmp/tw-data/irc-bridge.sock:mode=600',
      ],
    });
    expect(web.options).toMatchObject({
      listen: ['tcp:7080:interface=127.0.0.1'],
      mount: [`/irc=${webClientDirectory.replace(/\/$/, '')}`],
      bridge: ['/irc/ws=unix:path=/tmp/tw-data/irc-bridge.sock'],
      bridgeProxyProtocol: 'v1',
    });
    const [mount] = web.options!['mount'] as string[];
    const directory = mount!.slice('/irc='.length);
    for (const file of ['index.html', 'app.js', 'app.css']) {
      expect(existsSync(join(directory, file))).toBe(true);
    }
  });

  it('bridges over the IRC port when the data directory path is too long for a socket', () => {
    const longDir = `/tmp/${'d'.repeat(100)}`;
    const web = defaultConfig(longDir, 7000).services.find((s) => s.plugin === 'web')!;
    const irc = defaultConfig(longDir, 7000).services.find((s) => s.plugin === 'irc')!;
    expect(web.options).toMatchObject({ bridge: ['/irc/ws=tcp:host=127.0.0.1:port=7667'] });
    expect(web.options).not.toHaveProperty('bridgeProxyProtocol');
    expect(irc.options!['listen']).toEqual(['tcp:7667:interface=127.0.0.1']);
    // …and leaves the page out when that port is left to the system.
    const unreachable = defaultConfig(longDir, 0).services.find((s) => s.plugin === 'web')!;
    expect(unreachable.options).not.toHaveProperty('bridge');
    expect(unreachable.options).not.toHaveProperty('mount');
  });

  it('end to end: a browser through the bridge is seen by the IRC server at its own address', async () => {
    const config = defaultConfig(dataDir, 0);
    const optionsOf = (plugin: string) =>
      config.services.find((service) => service.plugin === plugin)!.options!;
    const reactor = startNodeReactor();
    const irc = await startPluginService(ircPlugin, optionsOf('irc'), { reactor, dataDir });
    const web = await startPluginService(webPlugin, optionsOf('web'), { reactor, dataDir });
    try {
      // The socket is the owner's alone: nobody else can claim an address through it.
      expect(statSync(join(dataDir, 'irc-bridge.sock')).mode & 0o777).toBe(0o600);
      // A WebSocket client, as the page's: binary messages carry the IRC bytes.
      const browser = await connectWebSocket(
        reactor,
        `ws://127.0.0.1:${web.ports[0]}/irc/ws`,
        Factory.forProtocol(() => new Recorder()),
        { subprotocols: ['binary'] },
      );
      browser.transport.write(
        new TextEncoder().encode('NICK webby\r\nUSER webby 0 * :Web User\r\nWHOIS webby\r\n'),
      );
      // 311 <me> <nick> <user> <host> * :<realname>: the browser's address (over the Unix
      // socket without a PROXY header the server would see "localhost").
      expect(await browser.waitForText(/ 311 webby webby \S+ \S+ /)).toBe(
        ' 311 webby webby ~webby 127.0.0.1 ',
      );
      browser.transport.loseConnection();
      await browser.waitForLost();
    } finally {
      await web.stop();
      await irc.stop();
      await stopNodeReactor(reactor);
    }
  });
});
