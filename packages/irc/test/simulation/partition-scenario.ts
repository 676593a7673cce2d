/**
 * The partition scenario on the simulated network, step by step: one @tw/irc server, `clients`
 * IRCClients behind ClientService, each on a host of its own and in one of `rooms` channels
 * (user i in `#room<i % rooms>`). The test asserts between the steps; the simulation benchmark
 * (bench/simulation.js) runs the same steps at other sizes.
 */
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

export interface SimulatedUser {
  readonly nick: string;
  readonly room: string;
  readonly host: VirtualReactor;
  readonly factory: IRCClientFactory;
  readonly service: ClientService<IRCClient>;
  /** Chat lines this user heard, by sender. */
  readonly heard: Map<string, number>;
  /** Nicks this user saw QUIT, with the reason. */
  readonly quits: Map<string, string | null>;
  registrations: number;
}

/** Connected and registered on the current connection. */
export function isOnline(user: SimulatedUser): boolean {
  const client = user.factory.current;
  return client !== null && client.connected && client.registered;
}

/** How many members the user's own client sees in its room (0 when offline). */
export function membersSeenBy(user: SimulatedUser): number {
  if (!isOnline(user)) return 0;
  return user.factory.current!.channels.get(user.room)?.members.byNick.size ?? 0;
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

export interface ScenarioOptions {
  readonly clients: number;
  readonly rooms: number;
}

export class PartitionScenario {
  readonly network = new SimulatedNetwork({
    seed: 2026,
    latency: 0.02,
    jitter: 0.005,
    // Node's own timers have millisecond resolution: what lands in the same millisecond runs in
    // one instant (a fan-out's jittered segments in a handful rather than one each).
    timeResolution: 0.001,
    // Everything here is Deferreds and promises (no node:tls, no files): settling microtasks
    // between instants is enough, and much quicker than an event-loop turn per instant.
    settleTurns: 0,
    bandwidth: 1_000_000,
    userTimeout: 60,
    autoAdvance: false,
  });
  readonly users: SimulatedUser[] = [];
  readonly rooms: string[];
  /** Speakers of the chat step: the first user of each room. */
  readonly speakers: SimulatedUser[];
  /** The first half of the users stays with the server; the second half is cut off. */
  readonly kept: SimulatedUser[];
  readonly cut: SimulatedUser[];
  /** Warnings of cut-off clients that the server went silent (kept off stderr, counted). */
  silenceWarnings = 0;
  private serverFactory: IRCServerFactory | null = null;

  constructor(readonly options: ScenarioOptions) {
    this.rooms = Array.from({ length: options.rooms }, (_, index) => `#room${index}`);
    this.speakers = [];
    this.kept = [];
    this.cut = [];
  }

  /** Start the server and every client; resolves once the server listens. */
  async start(): Promise<void> {
    const network = this.network;
    const serverHost = network.addHost('irc');
    this.serverFactory = new IRCServerFactory(serverHost, {
      serverName: 'irc.sim',
      pingInterval: 30,
      pingTimeout: 15,
    });
    await network.runUntil(serverFromString(serverHost, 'tcp:6667').listen(this.serverFactory));
    const clientLog = new LogPublisher();
    clientLog.addObserver((event) => {
      if (event.format.includes('sent nothing')) this.silenceWarnings++;
    });
    const random = seededRandom(7);
    const { clients, rooms } = this.options;
    for (let i = 0; i < clients; i++) {
      const user = this.startUser(`user${i}`, this.rooms[i % rooms]!, clientLog, random);
      this.users.push(user);
      (i < clients / 2 ? this.kept : this.cut).push(user);
      if (i < rooms) this.speakers.push(user);
    }
  }

  private startUser(
    nick: string,
    room: string,
    clientLog: LogPublisher,
    random: () => number,
  ): SimulatedUser {
    const host = this.network.addHost(`host-${nick}`);
    const factory = new IRCClientFactory(
      {
        nickname: nick,
        reactor: host,
        pingInterval: 30,
        flood: 0,
        log: new Logger('tw.irc.client', clientLog),
      },
      [room],
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
      room,
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
    service.startService();
    return user;
  }

  /** Members of `room` as the server counts them. */
  membersOnServer(room: string): number {
    return this.serverFactory!.server.state.channels.get(room)?.members.size ?? 0;
  }

  /** Users of `room` among `users`. */
  inRoom(room: string, users: readonly SimulatedUser[] = this.users): SimulatedUser[] {
    return users.filter((user) => user.room === room);
  }

  /**
   * Run until every room holds exactly its users among `present`, on the server and as each
   * of those users' clients see it. Resolves the virtual time it took until then.
   */
  async roomsHold(present: readonly SimulatedUser[], timeout: number): Promise<number> {
    const expected = new Map(this.rooms.map((room) => [room, this.inRoom(room, present).length]));
    const serverAgrees = (): boolean =>
      this.rooms.every((room) => this.membersOnServer(room) === expected.get(room));
    const clientsAgree = everyUser(
      present,
      (user) => membersSeenBy(user) === expected.get(user.room),
    );
    // Clients first: that check stops at the first user still waiting, and it runs after every
    // virtual instant.
    await this.network.runUntil(() => clientsAgree() && serverAgrees(), { timeout });
    return this.network.seconds();
  }

  /** Each speaker says `text` in its room; runs until everyone else in the room heard it. */
  async speak(speakers: readonly SimulatedUser[], text: string, timeout: number): Promise<void> {
    for (const speaker of speakers) speaker.factory.current!.msg(speaker.room, text);
    const spokenIn = new Map(speakers.map((speaker) => [speaker.room, speaker]));
    await this.network.runUntil(
      everyUser(this.users, (user) => {
        const speaker = spokenIn.get(user.room);
        return speaker === undefined || speaker === user || user.heard.get(speaker.nick) === 1;
      }),
      { timeout },
    );
  }

  /** Cut the `cut` half of the users off from the server; returns the virtual time. */
  partitionHalf(): number {
    this.network.partition(['irc', ...this.kept.map((user) => user.host.hostName)]);
    return this.network.seconds();
  }

  /** Let the partition last until `seconds` after `partitionedAt`, then heal it; returns then. */
  async healAt(partitionedAt: number, seconds: number): Promise<number> {
    await this.network.advance(seconds - (this.network.seconds() - partitionedAt));
    this.network.heal();
    return this.network.seconds();
  }

  /** The last user of each room (one that was cut off): the speakers after the heal. */
  lastOfEachRoom(): SimulatedUser[] {
    return this.rooms.map((room) => this.inRoom(room).at(-1)!);
  }

  /** Stop every client and the network. */
  async stop(): Promise<void> {
    await this.network.runUntil(Promise.all(this.users.map((user) => user.service.stopService())), {
      timeout: 30,
    });
    this.network.shutdown();
  }
}
