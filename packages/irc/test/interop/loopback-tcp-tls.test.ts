/**
 * Our client against our server over real loopback sockets, TCP and TLS (a self-signed
 * certificate the client trusts): two clients meet in a channel and talk, privately too, a long
 * message is split by the client and arrives whole, NAMES and WHOIS answer, SASL PLAIN logs in
 * through cred, and QUIT reaches the other side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InMemoryPasswordChecker,
  Portal,
  SimpleRealm,
  clientFromString,
  connectProtocol,
  quoteStringArgument,
} from '@tw/core';
import {
  IRCClient,
  IRC_ACCOUNT_INTERFACE,
  type IRCClientEvents,
  type IRCClientOptions,
} from '../../src/index.js';
import { startOurServer, type OurServer } from './our-server.js';

/** The next `name` event of `client` that passes `test`. */
function nextEvent<K extends keyof IRCClientEvents>(
  client: IRCClient,
  name: K,
  test: (event: IRCClientEvents[K]) => boolean = () => true,
): Promise<IRCClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(name, (event) => {
      if (!test(event)) return;
      off();
      resolve(event);
    });
  });
}

describe.each(['tcp', 'tls'] as const)('our client against our server over %s', (kind) => {
  let server: OurServer;
  const clients: IRCClient[] = [];

  beforeAll(async () => {
    const checker = new InMemoryPasswordChecker();
    await checker.addUser('carol', 'secret');
    const accounts = new Portal(new SimpleRealm({ [IRC_ACCOUNT_INTERFACE]: (id) => id }), [
      checker,
    ]);
    server = await startOurServer(kind, { accountPortal: accounts });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
    await server.stop();
  });

  async function connectClient(
    nickname: string,
    options: Partial<IRCClientOptions> = {},
  ): Promise<IRCClient> {
    const description =
      kind === 'tcp'
        ? `tcp:host=127.0.0.1:port=${server.port}`
        : `tls:host=127.0.0.1:port=${server.port}` +
          `:caCerts=${quoteStringArgument(server.certificateFile)}:serverName=localhost`;
    const client = new IRCClient({
      nickname,
      username: nickname,
      realname: `${nickname} on ${kind}`,
      reactor: server.reactor,
      ...options,
    });
    clients.push(client);
    await connectProtocol(clientFromString(server.reactor, description), client);
    await client.whenRegistered();
    return client;
  }

  it('lets two clients meet in a channel, talk, look each other up, and see a QUIT', async () => {
    const alice = await connectClient('alice');
    const bob = await connectClient('bob');
    expect(alice.serverName).toBe('irc.interop.test');

    const aliceJoined = nextEvent(alice, 'joined', (event) => event.channel === '#room');
    alice.join('#room');
    await aliceJoined;
    const bobSeen = nextEvent(alice, 'userJoined', (event) => event.source.nick === 'bob');
    const bobJoined = nextEvent(bob, 'joined');
    bob.join('#room');
    expect((await bobJoined).channel).toBe('#room');
    expect((await bobSeen).channel).toBe('#room');

    const inChannel = nextEvent(bob, 'privmsg', (event) => !event.self);
    alice.msg('#room', 'hi bob');
    expect(await inChannel).toMatchObject({
      source: { nick: 'alice' },
      channel: '#room',
      text: 'hi bob',
    });

    const inPrivate = nextEvent(alice, 'privmsg', (event) => !event.self);
    bob.msg('alice', 'psst, alice');
    expect(await inPrivate).toMatchObject({
      source: { nick: 'bob' },
      channel: null,
      text: 'psst, alice',
    });

    // Longer than one line: the client splits it, each piece fits the server's 512 bytes.
    const long = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const pieces: string[] = [];
    const whole = new Promise<void>((resolve) => {
      const off = bob.on('privmsg', (event) => {
        if (event.self) return;
        pieces.push(event.text);
        if (pieces.join('').length >= long.length) {
          off();
          resolve();
        }
      });
    });
    alice.msg('#room', long);
    await whole;
    expect(pieces.length).toBeGreaterThan(1);
    // Pieces are cut at spaces, the spaces kept, so together they are the text again.
    expect(pieces.join('')).toBe(long);

    expect((await alice.names('#room')).sort()).toEqual(['alice', 'bob']);
    const withPrefixes = await bob.namesWithPrefixes('#room');
    expect(withPrefixes.find((entry) => entry.nick === 'alice')?.prefixes).toBe('@');

    const whois = await alice.whois('bob');
    expect(whois).toMatchObject({
      nick: 'bob',
      username: expect.stringMatching(/bob$/) as unknown,
    });
    expect(whois.realname).toBe(`bob on ${kind}`);
    expect(whois.server).toBe('irc.interop.test');
    expect(whois.channels.map((channel) => channel.replace(/^[@+]+/, ''))).toContain('#room');

    const quit = nextEvent(alice, 'userQuit', (event) => event.source.nick === 'bob');
    await bob.quit('see you');
    expect((await quit).reason).toMatch(/see you/);
  });

  it('logs a client in with SASL PLAIN through the server portal', async () => {
    const carol = await connectClient('carol', {
      sasl: { mechanism: 'PLAIN', username: 'carol', password: 'secret', required: true },
    });
    expect(carol.account).toBe('carol');
    const dave = await connectClient('dave');
    expect((await dave.whois('carol')).account).toBe('carol');
  });
});
