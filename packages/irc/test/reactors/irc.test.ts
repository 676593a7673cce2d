import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Factory, Protocol, type Failure } from '@tw/core';
import { forEachReactor, type ReactorHarness } from '@tw/core/testing';
import {
  IRCClient,
  IRCServerFactory,
  NoSuchNickError,
  type MessageEvent,
} from '../../src/index.js';

/**
 * The server every test runs: ping timers short enough that the Node run stays quick. On the
 * virtual reactor the same values pass in virtual time.
 */
async function startServer(
  harness: ReactorHarness,
): Promise<{ port: number; factory: IRCServerFactory }> {
  const factory = new IRCServerFactory(harness.reactor, {
    serverName: 'irc.test',
    pingInterval: 0.3,
    pingTimeout: 0.3,
    flood: { burst: 0, perSecond: 0, maxQueuedLines: 0 },
  });
  return { port: await harness.listen(factory), factory };
}

async function connectClient(
  harness: ReactorHarness,
  port: number,
  nickname: string,
  options: { realname?: string } = {},
): Promise<IRCClient> {
  const client = await harness.connect(
    port,
    Factory.forProtocol(
      () =>
        new IRCClient({
          nickname,
          reactor: harness.clientReactor,
          flood: 0,
          pingInterval: 0,
          ...(options.realname === undefined ? {} : { realname: options.realname }),
        }),
    ),
  );
  return harness.wait(client.whenRegistered());
}

function inChannel(client: IRCClient, channel: string): number {
  return client.channels.get(channel)?.members.byNick.size ?? 0;
}

/** A raw client that registers and then never answers anything (not even PING). */
class SilentClient extends Protocol {
  text = '';
  lost: Failure | null = null;
  override connectionMade(): void {
    this.transport.write(Buffer.from('NICK mute\r\nUSER mute 0 * :Mute\r\n'));
  }
  override dataReceived(data: Uint8Array): void {
    this.text += Buffer.from(data).toString();
  }
  override connectionLost(reason: Failure): void {
    this.lost = reason;
  }
}

forEachReactor(
  'IRC client and server',
  (harness) => {
    it('registers: the welcome names the server and our nick', async () => {
      const { port } = await startServer(harness);
      const client = await connectClient(harness, port, 'alice');
      expect(client.registered).toBe(true);
      expect(client.nickname).toBe('alice');
      // ISUPPORT (005) follows the welcome; it may come in a later read.
      await harness.until(() => client.isupport.get('NETWORK') !== undefined);
      expect(client.isupport.get('NETWORK')).toBe('TwNet');
    });

    it('JOIN: members see each other join', async () => {
      const { port, factory } = await startServer(harness);
      const alice = await connectClient(harness, port, 'alice');
      const bob = await connectClient(harness, port, 'bob');
      const joinedSeenByAlice: string[] = [];
      alice.on('userJoined', ({ source }) => joinedSeenByAlice.push(source.nick));
      alice.join('#room');
      await harness.until(() => inChannel(alice, '#room') === 1);
      bob.join('#room');
      await harness.until(() => inChannel(alice, '#room') === 2 && inChannel(bob, '#room') === 2);
      expect(joinedSeenByAlice).toEqual(['bob']);
      expect(factory.server.state.channels.get('#room')?.members.size).toBe(2);
    });

    it('PRIVMSG to a channel fans out to every other member', async () => {
      const { port } = await startServer(harness);
      const clients = await Promise.all(
        ['ann', 'ben', 'cat', 'dan'].map((nick) => connectClient(harness, port, nick)),
      );
      for (const client of clients) client.join('#fan');
      await harness.until(() => clients.every((client) => inChannel(client, '#fan') === 4));
      const heard = new Map<string, MessageEvent[]>();
      for (const client of clients) {
        client.on('privmsg', (event) => {
          if (event.source.nick !== client.nickname) {
            heard.set(client.nickname, [...(heard.get(client.nickname) ?? []), event]);
          }
        });
      }
      clients[0]!.msg('#fan', 'hello, all');
      await harness.until(() => heard.size === 3);
      for (const nick of ['ben', 'cat', 'dan']) {
        expect(
          heard.get(nick)!.map((event) => [event.source.nick, event.channel, event.text]),
        ).toEqual([['ann', '#fan', 'hello, all']]);
      }
    });

    it('WHOIS answers through a Deferred, and fails for an unknown nick', async () => {
      const { port } = await startServer(harness);
      const alice = await connectClient(harness, port, 'alice');
      await connectClient(harness, port, 'bob', { realname: 'Bob the Builder' });
      const info = await harness.wait(alice.whois('bob'));
      expect(info.nick).toBe('bob');
      expect(info.realname).toBe('Bob the Builder');
      expect(info.server).toBe('irc.test');
      await expect(harness.wait(alice.whois('nobody'))).rejects.toBeInstanceOf(NoSuchNickError);
    });

    it('MONITOR: a watcher hears a nick come online, rename and quit', async () => {
      const { port } = await startServer(harness);
      const alice = await connectClient(harness, port, 'alice');
      const heard: string[] = [];
      alice.on('monitorOnline', ({ users }) => heard.push(...users.map((u) => `+${u.nick}`)));
      alice.on('monitorOffline', ({ nicks }) => heard.push(...nicks.map((nick) => `-${nick}`)));
      alice.monitor(['bob', 'robert']);
      await harness.until(() => heard.length === 2);
      const bob = await connectClient(harness, port, 'bob');
      await harness.until(() => heard.length === 3);
      bob.setNick('robert');
      await harness.until(() => heard.length === 5);
      await harness.wait(bob.quit('bye'));
      await harness.until(() => heard.length === 6);
      expect(heard).toEqual(['-bob', '-robert', '+bob', '-bob', '+robert', '-robert']);
    });

    it('NICK collision: the second client registers under an alternative nick', async () => {
      const { port, factory } = await startServer(harness);
      const first = await connectClient(harness, port, 'sam');
      const second = await connectClient(harness, port, 'sam');
      expect(first.nickname).toBe('sam');
      expect(second.nickname).not.toBe('sam');
      expect(second.nickname.startsWith('sam')).toBe(true);
      const info = await harness.wait(first.whois(second.nickname));
      expect(info.nick).toBe(second.nickname);
      expect(factory.server.state.users.size).toBe(2);
    });

    it('PING timeout: a client that never answers is dropped; one that answers stays', async () => {
      const { port, factory } = await startServer(harness);
      const lively = await connectClient(harness, port, 'lively');
      const quits: string[] = [];
      lively.join('#watch');
      await harness.until(() => inChannel(lively, '#watch') === 1);
      lively.on('userQuit', ({ source, reason }) => quits.push(`${source.nick}: ${reason ?? ''}`));
      const silent = await harness.connect(
        port,
        Factory.forProtocol(() => new SilentClient()),
      );
      await harness.until(() => silent.text.includes(' 001 '));
      silent.transport.write(Buffer.from('JOIN #watch\r\n'));
      await harness.until(() => inChannel(lively, '#watch') === 2);
      const registeredAt = harness.reactor.seconds();
      await harness.until(() => silent.lost !== null);
      expect(silent.text).toMatch(/PING/);
      expect(silent.text).toMatch(/ERROR :Closing Link: .*Ping timeout/);
      await harness.until(() => quits.length === 1);
      expect(quits[0]).toMatch(/^mute: Ping timeout/);
      expect(lively.connected).toBe(true);
      expect(factory.server.state.users.size).toBe(1);
      if (harness.network !== null) {
        // Virtual time is exact: interval + timeout passed, and not much more.
        const elapsed = harness.reactor.seconds() - registeredAt;
        expect(elapsed).toBeGreaterThanOrEqual(0.3);
        expect(elapsed).toBeLessThan(0.7);
      }
    });
  },
  { describe, beforeEach, afterEach },
);
