/**
 * End to end in a real browser: Debian's Chromium (headless, through playwright-core) opens the
 * IRC web client served by a @tw/http Site, which runs @tw/irc's IRCClient on BrowserReactor
 * over a WebSocket to WebSocketBridgeResource, relayed to a @tw/irc server — all on loopback in
 * this process — and chats with Node-side IRC clients in both directions.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';

import { NodeReactor, clientFromString, type IListeningPort } from '@tw/core';
import { requirePeer } from '@tw/core/testing';
import { File, Site, WebSocketBridgeResource, Resource } from '@tw/http';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  IRCClientFactory,
  IRCServerFactory,
  type IRCClient,
  type IRCClientEvents,
} from '../../src/index.js';
import { buildWebClientForTest } from './web-build.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = requirePeer(
  existsSync(CHROMIUM),
  'chromium',
  'apt-get install chromium',
  'packages/irc/test/browser/irc-web-chromium.test.ts',
);

/** Every wait in a page is bounded. */
const WAIT = { timeout: 15_000 };

/** The next `name` event of `client` that passes `test`. */
function nextEvent<K extends keyof IRCClientEvents>(
  client: IRCClient,
  name: K,
  test: (event: IRCClientEvents[K]) => boolean = () => true,
): Promise<IRCClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${client.nickname} saw no matching ${name} event in time.`));
    }, WAIT.timeout);
    const off = client.on(name, (event) => {
      if (!test(event)) return;
      off();
      clearTimeout(timer);
      resolve(event);
    });
  });
}

describe.skipIf(!haveChromium)('the IRC web client in headless Chromium', () => {
  let reactor: NodeReactor;
  let ircServer: IRCServerFactory;
  let ircPort: IListeningPort;
  let webPort: IListeningPort;
  let pageURL: string;
  let ircAddress: string;
  let webDir: string;
  let server: BrowserServer;
  let browser: Browser;
  let page: Page;
  const nodeClients: IRCClient[] = [];

  beforeAll(async () => {
    reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    void reactor.run();
    ircServer = new IRCServerFactory(reactor, { serverName: 'irc.browser.test' });
    ircPort = await reactor.listenTCP(0, ircServer, { interface: '127.0.0.1' });
    const ircHost = ircPort.getHost();
    ircAddress = `tcp:host=127.0.0.1:port=${'port' in ircHost ? ircHost.port : 0}`;

    webDir = (await buildWebClientForTest()).dir;
    const root = new Resource();
    const pageResource = new File(webDir);
    pageResource.putChild('ws', new WebSocketBridgeResource({ reactor, target: ircAddress }));
    root.putChild('irc', pageResource);
    webPort = await reactor.listenTCP(0, new Site(reactor, root), { interface: '127.0.0.1' });
    const webHost = webPort.getHost();
    pageURL = `http://127.0.0.1:${'port' in webHost ? webHost.port : 0}/irc/`;

    // Playwright gives each launch a new, empty, temporary profile (user-data-dir).
    server = await chromium.launchServer({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 30_000,
    });
    browser = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
    page = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      nodeClients.filter((c) => c.transport?.disconnecting === false).map((c) => c.quit()),
    );
    const pid = server?.process().pid;
    const closing = (async () => {
      await browser?.close();
      await server?.close();
    })();
    const hung = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10_000)),
    ]);
    if (hung && pid !== undefined) process.kill(pid, 'SIGKILL');
    await webPort?.stopListening();
    await ircPort?.stopListening();
    if (reactor?.running) reactor.stop();
    if (webDir !== undefined) await rm(webDir, { recursive: true, force: true });
  }, 30_000);

  const messageBox = () => page.getByRole('textbox', { name: 'Message', exact: true });

  async function connectNodeClient(nickname: string): Promise<IRCClient> {
    const client = await clientFromString(reactor, ircAddress).connect(
      new IRCClientFactory({ nickname, reactor }),
    );
    nodeClients.push(client);
    await client.whenRegistered();
    return client;
  }

  it('connects, chats both ways, reconnects, and shows the user list, joins, renames and quits', async () => {
    const nodey = await connectNodeClient('nodey');
    nodey.join('#tw');
    await nextEvent(nodey, 'joined');

    await page.goto(pageURL);
    await page.getByLabel('Nickname').fill('webby');
    await page.getByLabel('Channel').fill('#tw');
    const webbyJoined = nextEvent(nodey, 'userJoined', (e) => e.source.nick === 'webby');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page
      .locator('#status', { hasText: 'Connected to irc.browser.test as webby' })
      .waitFor(WAIT);
    await webbyJoined;

    // The user list comes from NAMES: both of us.
    await page.locator('#users li[data-nick="nodey"]').waitFor(WAIT);
    await page.locator('#users li[data-nick="webby"]').waitFor(WAIT);

    // Node → browser, with text that must not be taken for HTML.
    nodey.msg('#tw', 'hello from node <b>not bold</b>');
    await page
      .locator('#messages li', { hasText: 'hello from node <b>not bold</b>' })
      .waitFor(WAIT);
    expect(await page.locator('#messages b').count()).toBe(0);

    // Browser → node.
    const fromBrowser = nextEvent(nodey, 'privmsg', (e) => e.source.nick === 'webby');
    await messageBox().fill('hello from the browser');
    await messageBox().press('Enter');
    const message = await fromBrowser;
    expect(message).toMatchObject({ channel: '#tw', text: 'hello from the browser' });
    await page.locator('#messages li', { hasText: 'hello from the browser' }).waitFor(WAIT);

    // The server drops the page's connection: it says so, reconnects by itself with backoff,
    // rejoins #tw, and the chat goes on.
    const dropped = nextEvent(nodey, 'userQuit', (e) => e.source.nick === 'webby');
    const back = nextEvent(nodey, 'userJoined', (e) => e.source.nick === 'webby');
    ircServer.state.findUser('webby')!.link.disconnect('Dropped by the test');
    expect((await dropped).reason).toContain('Dropped by the test');
    await page.locator('#messages li', { hasText: 'reconnecting' }).waitFor(WAIT);
    await back;
    await page
      .locator('#status', { hasText: 'Connected to irc.browser.test as webby' })
      .waitFor(WAIT);
    nodey.msg('#tw', 'welcome back');
    await page.locator('#messages li', { hasText: 'welcome back' }).waitFor(WAIT);

    // Someone joins, renames and quits: the page shows each and keeps the user list right.
    const visitor = await connectNodeClient('visitor');
    visitor.join('#tw');
    await page.locator('#messages li', { hasText: 'visitor joined #tw.' }).waitFor(WAIT);
    await page.locator('#users li[data-nick="visitor"]').waitFor(WAIT);
    visitor.setNick('guest');
    await page.locator('#messages li', { hasText: 'visitor is now known as guest.' }).waitFor(WAIT);
    await page.locator('#users li[data-nick="guest"]').waitFor(WAIT);
    await visitor.quit('see you');
    const quitLine = page.locator('#messages li', { hasText: 'guest quit' });
    await quitLine.waitFor(WAIT);
    expect(await quitLine.textContent()).toContain('see you');
    await page.locator('#users li[data-nick="guest"]').waitFor({ state: 'detached', ...WAIT });
    // Operators first, with their prefix.
    expect(await page.locator('#users li').allTextContents()).toEqual(['@nodey', 'webby']);

    // The browser leaves a channel and quits: Node sees both.
    const parted = nextEvent(nodey, 'userLeft', (e) => e.source.nick === 'webby');
    await messageBox().fill('/part bye channel');
    await messageBox().press('Enter');
    expect((await parted).reason).toBe('bye channel');
    const rejoined = nextEvent(nodey, 'userJoined', (e) => e.source.nick === 'webby');
    await messageBox().fill('/join #tw');
    await messageBox().press('Enter');
    await rejoined;
    const quit = nextEvent(nodey, 'userQuit', (e) => e.source.nick === 'webby');
    await page.getByRole('button', { name: 'Quit' }).click();
    expect((await quit).reason).toMatch(/Leaving/);
    await page.locator('#status', { hasText: 'Disconnected' }).waitFor(WAIT);
    expect(await page.getByRole('button', { name: 'Connect' }).isEnabled()).toBe(true);
  }, 60_000);
});
