import { describe, expect, it } from 'vitest';
import {
  ClientService,
  LogPublisher,
  Logger,
  backoffPolicy,
  clientFromString,
  serverFromString,
} from '@tw/core';
import { SimulatedNetwork, seededRandom, type VirtualReactor } from '@tw/core/virtual';
import { IRCClientFactory, IRCServerFactory, type IRCClient } from '../../src/index.js';

const CLIENTS = 200;
const CHANNEL = '#sim';
/** Every SPEAKER_EVERY-th user says hello once the channel is full. */
const SPEAKER_EVERY = 10;

interface SimulatedUser {
  readonly nick: string;
  readonly host: VirtualReactor;
  readonly factory: IRCClientFactory;
  readonly service: ClientService<IRCClient>;
  /** Chat lines this user heard in the channel, by sender. */
  readonly heard: Map<string, number>;
  /** Nicks this user saw QUIT, with the reason. */
  readonly quits: Map<string, string | null>;
  registrations: number;
}

/** Connected and registered on the current connection. */
function isOnline(user: SimulatedUser): boolean {
  const client = user.factory.current;
  return client !== null && client.connected && client.registered;
}

function membersSeenBy(user: SimulatedUser): number {
  if (!isOnline(user)) return 0;
  return user.factory.current!.channels.get(CHANNEL)?.members.byNick.size ?? 0;
}

/**
 * A condition "every user satisfies `test`" for a property that, once true, stays true while
 * we wait: users already seen satisfying it are not checked again (the simulation checks the
 * condition after every virtual instant).
 */
function everyUser(users: readonly SimulatedUser[], test: (user: SimulatedUser) => boolean) {
  const pending = new Set(users);
  return (): boolean => {
    for (const user of pending) {
      if (!test(user)) return false;
      pending.delete(user);
    }
    return true;
  };
}

describe('200 IRC clients on a simulated network', () => {
  it('survive a partition and a heal: timed-out users are QUIT, reconnect, and the channel is whole again', async () => {
    const realStart = performance.now();
    const cpuStart = process.cpuUsage();
    const network = new SimulatedNetwork({
      seed: 2026,
      latency: 0.02,
      jitter: 0.005,
      // Everything here is Deferreds and promises (no node:tls, no files): settling microtasks
      // between instants is enough, and much quicker than an event-loop turn per instant.
      settleTurns: 0,
      bandwidth: 1_000_000,
      userTimeout: 60,
      autoAdvance: false,
    });
    const serverHost = network.addHost('irc');
    const serverFactory = new IRCServerFactory(serverHost, {
      serverName: 'irc.sim',
      pingInterval: 30,
      pingTimeout: 15,
    });
    await network.runUntil(serverFromString(serverHost, 'tcp:6667').listen(serverFactory));
    const channelOnServer = (): number =>
      serverFactory.server.state.channels.get(CHANNEL)?.members.size ?? 0;

    // The clients' own log (each cut-off client warns that the server went silent) is kept
    // off stderr and counted instead.
    const clientLog = new LogPublisher();
    let silenceWarnings = 0;
    clientLog.addObserver((event) => {
      if (event.format.includes('sent nothing')) silenceWarnings++;
    });
    const random = seededRandom(7);
    const users: SimulatedUser[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const nick = `user${i}`;
      const host = network.addHost(`c${i}`);
      const factory = new IRCClientFactory(
        {
          nickname: nick,
          reactor: host,
          pingInterval: 30,
          flood: 0,
          log: new Logger('tw.irc.client', clientLog),
        },
        [CHANNEL],
      );
      const service = new ClientService<IRCClient>(
        clientFromString(host, 'tcp:host=irc:port=6667:timeout=10'),
        factory,
        {
          clock: host,
          retryPolicy: backoffPolicy({ initialDelay: 1, maxDelay: 15, jitter: random }),
          prepareConnection: (client) => client.whenRegistered(),
        },
      );
      const user: SimulatedUser = {
        nick,
        host,
        factory,
        service,
        heard: new Map(),
        quits: new Map(),
        registrations: 0,
      };
      const buildProtocol = factory.buildProtocol.bind(factory);
      factory.buildProtocol = (addr) => {
        const client = buildProtocol(addr);
        client.on('registered', () => user.registrations++);
        client.on('privmsg', ({ source, channel }) => {
          // With echo-message our own lines come back too: count the others.
          if (channel !== null && source.nick !== nick)
            user.heard.set(source.nick, (user.heard.get(source.nick) ?? 0) + 1);
        });
        client.on('userQuit', ({ source, reason }) => user.quits.set(source.nick, reason));
        return client;
      };
      users.push(user);
      service.startService();
    }

    // Everyone registers and joins; every client sees all 200 members.
    const allJoined = everyUser(users, (user) => membersSeenBy(user) === CLIENTS);
    await network.runUntil(() => channelOnServer() === CLIENTS && allJoined(), { timeout: 120 });
    const joinedAt = network.seconds();

    // Twenty users say hello at once; everyone hears every one of them (but their own).
    const speakers = users.filter((_, index) => index % SPEAKER_EVERY === 0);
    for (const user of speakers) user.factory.current!.msg(CHANNEL, `hello from ${user.nick}`);
    const heardAllSpeakers = (user: SimulatedUser): boolean =>
      speakers.every((speaker) => speaker === user || user.heard.get(speaker.nick) === 1);
    await network.runUntil(everyUser(users, heardAllSpeakers), { timeout: 60 });
    // …and nothing else: nobody heard a line twice, or from someone who did not speak.
    expect(users.map((user) => user.heard.size)).toEqual(
      users.map((user) => speakers.length - (speakers.includes(user) ? 1 : 0)),
    );

    // Cut half of the clients off from the server.
    const kept = users.slice(0, CLIENTS / 2);
    const cut = users.slice(CLIENTS / 2);
    network.partition(['irc', ...kept.map((user) => user.host.hostName)]);
    const partitionedAt = network.seconds();
    // The server's PING goes unanswered; it drops them and tells the channel.
    const keptSeeHalf = everyUser(kept, (user) => membersSeenBy(user) === kept.length);
    await network.runUntil(() => channelOnServer() === kept.length && keptSeeHalf(), {
      timeout: 300,
    });
    const quitsSeenAt = network.seconds();
    // Every kept user saw every cut-off user QUIT with a ping timeout, and nobody else.
    // (Checked in bulk: ten thousand expect() calls would cost more than the simulation.)
    const wrongQuits = kept.flatMap((user) =>
      user.quits.size !== cut.length
        ? [`${user.nick} saw ${user.quits.size} QUITs`]
        : cut
            .filter((gone) => !/Ping timeout/.test(user.quits.get(gone.nick) ?? ''))
            .map((gone) => `${user.nick} saw ${gone.nick} quit: ${user.quits.get(gone.nick)}`),
    );
    expect(wrongQuits).toEqual([]);
    // Not before the server's ping interval, and within interval + timeout (+ latency).
    expect(quitsSeenAt - partitionedAt).toBeGreaterThanOrEqual(30);
    expect(quitsSeenAt - partitionedAt).toBeLessThanOrEqual(30 + 45 + 1);

    // The cut-off clients notice on their own (their PING goes unanswered) and keep retrying.
    await network.advance(120 - (network.seconds() - partitionedAt));
    expect(cut.filter(isOnline)).toEqual([]);
    expect(silenceWarnings).toBe(cut.length);
    expect(kept.every(isOnline)).toBe(true);
    network.heal();
    const healedAt = network.seconds();

    // They reconnect (ClientService with backoff), rejoin, and the channel is whole again.
    const allBack = everyUser(users, (user) => membersSeenBy(user) === CLIENTS);
    await network.runUntil(() => channelOnServer() === CLIENTS && allBack(), { timeout: 120 });
    // Checked once more in full: nobody dropped out again while the others came back.
    expect(users.filter((user) => membersSeenBy(user) !== CLIENTS)).toEqual([]);
    const wholeAt = network.seconds();
    // The cut-off users registered a second time; the others never had to.
    expect(users.map((user) => user.registrations)).toEqual(
      users.map((user) => (cut.includes(user) ? 2 : 1)),
    );
    expect(wholeAt).toBeGreaterThan(healedAt);

    // The channel works for everyone again.
    for (const user of users) user.heard.clear();
    const last = users[CLIENTS - 1]!;
    last.factory.current!.msg(CHANNEL, 'back again');
    await network.runUntil(
      everyUser(users.slice(0, -1), (user) => user.heard.get(last.nick) === 1),
      { timeout: 10 },
    );

    await network.runUntil(Promise.all(users.map((user) => user.service.stopService())), {
      timeout: 30,
    });
    network.shutdown();
    const realSeconds = (performance.now() - realStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Measured and printed, never asserted: timing assertions do not belong in tests.
    console.log(
      `200-client partition simulation: ${wholeAt.toFixed(1)} virtual s ` +
        `(joined at ${joinedAt.toFixed(2)}, partition ${partitionedAt.toFixed(2)}, ` +
        `QUITs by ${quitsSeenAt.toFixed(2)}, heal ${healedAt.toFixed(2)}, whole ${wholeAt.toFixed(2)}) ` +
        `in ${realSeconds.toFixed(3)} real s (${cpuSeconds.toFixed(3)} s of CPU)`,
    );
  }, 120_000); // A bound for a loaded CI machine; the run itself is printed above.
});
