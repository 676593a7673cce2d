import { isIPv4Literal } from '../../endpoints/ip-literal.js';
import { SimulatedHostError } from './errors.js';
import {
  DEFAULT_LINK_CONDITIONS,
  LOOPBACK_CONDITIONS,
  resolveLinkConditions,
  seededRandom,
  type LinkConditions,
  type ResolvedLinkConditions,
  type SimulatedNetworkOptions,
} from './network-options.js';
import { ReliableTransmission } from './reliable-transmission.js';
import { TimeDriver, type Awaitable } from './time-driver.js';
import { VirtualClock } from './virtual-clock.js';
import { VirtualReactor } from './virtual-reactor.js';

/** Options of one host. */
export interface SimulatedHostOptions {
  /** Its IPv4 address (default 10.0.x.y, in the order hosts are added). */
  readonly address?: string;
}

/** A packet on its way that is sent again until it arrives (a stream segment, SYN, ACK). */
export interface Transmission {
  /** Stop retransmitting and drop it if it has not arrived. */
  cancel(): void;
}

/** Settings every host's transports read. */
export interface NetworkSettings {
  readonly retransmitTimeout: number;
  readonly maxRetransmitTimeout: number;
  readonly userTimeout: number;
  readonly connectTimeout: number;
  readonly sendBufferSize: number;
  readonly segmentSize: number;
  readonly maxDatagramSize: number;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const NO_ARGS: [] = [];

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be > 0, got ${value}.`);
  return value;
}

/**
 * An in-memory network of named hosts sharing one virtual clock. Each host is a VirtualReactor
 * (`network.addHost('irc')`) on which any protocol package runs unchanged: it listens and
 * connects by host name (or the host's 10.0.x.y address) and port, through links with latency,
 * jitter, bandwidth and loss, which partitions can cut.
 *
 * ```ts
 * const network = new SimulatedNetwork({ latency: 0.02, seed: 7 });
 * const server = network.addHost('irc');
 * const laptop = network.addHost('laptop');
 * await serverFromString(server, 'tcp:6667').listen(factory);
 * const client = await clientFromString(laptop, 'tcp:host=irc:port=6667').connect(clientFactory);
 * network.partition(['irc'], ['laptop']);
 * await network.advance(90); // 90 virtual seconds, at once
 * network.heal();
 * ```
 *
 * Time: see TimeDriver for the exact rule. By default (`autoAdvance`) time jumps to the next
 * scheduled event whenever nothing is runnable, so plain `await` in a test lets timeouts fire
 * instantly; `advance()`, `runUntil()` and `runUntilIdle()` drive it explicitly. Call
 * `shutdown()` when done: periodic timers would otherwise keep the driver turning.
 *
 * Everything random (jitter, loss) comes from a PRNG seeded by `seed`: a run is the same every
 * time for the same seed and the same sequence of calls.
 */
export class SimulatedNetwork {
  readonly clock: VirtualClock;
  readonly settings: NetworkSettings;
  private readonly driver: TimeDriver;
  private readonly random: () => number;
  private readonly defaults: ResolvedLinkConditions;
  private readonly links = new Map<string, ResolvedLinkConditions>();
  /** The group of each host named in the current partition; null when there is none. */
  private groups: Map<VirtualReactor, number> | null = null;
  private readonly hosts = new Map<string, VirtualReactor>();
  private readonly byAddress = new Map<string, VirtualReactor>();
  private readonly errorSink: (message: string, error: unknown) => void;

  constructor(options: SimulatedNetworkOptions = {}) {
    this.errorSink =
      options.onError ??
      ((message, error) => {
        console.error(`[@tw/core/virtual] ${message}:`, error);
      });
    const timeResolution = options.timeResolution ?? 0;
    if (!(timeResolution >= 0 && Number.isFinite(timeResolution))) {
      throw new RangeError(
        `timeResolution must be a number of seconds >= 0, got ${timeResolution}.`,
      );
    }
    this.clock = new VirtualClock(
      () => this.driver.wake(),
      (error) => this.report('A delayed call threw', error),
      timeResolution,
    );
    const settleTurns = options.settleTurns ?? 3;
    if (!Number.isInteger(settleTurns) || settleTurns < 0) {
      throw new RangeError(`settleTurns must be an integer >= 0, got ${settleTurns}.`);
    }
    this.driver = new TimeDriver(this.clock, options.autoAdvance ?? true, settleTurns);
    this.random = seededRandom(options.seed ?? 1);
    this.defaults = resolveLinkConditions(DEFAULT_LINK_CONDITIONS, options);
    this.settings = {
      retransmitTimeout: positive('retransmitTimeout', options.retransmitTimeout ?? 1),
      maxRetransmitTimeout: positive(
        'maxRetransmitTimeout',
        options.maxRetransmitTimeout ?? Math.max(120, options.retransmitTimeout ?? 1),
      ),
      userTimeout: positive('userTimeout', options.userTimeout ?? 60),
      connectTimeout: positive('connectTimeout', options.connectTimeout ?? 30),
      sendBufferSize: positive('sendBufferSize', options.sendBufferSize ?? 65_536),
      segmentSize: positive('segmentSize', options.segmentSize ?? 16_384),
      maxDatagramSize: positive('maxDatagramSize', options.maxDatagramSize ?? 65_507),
    };
  }

  // Hosts

  /** Add a host and return its reactor. Names are case-insensitive and must be unique. */
  addHost(name: string, options: SimulatedHostOptions = {}): VirtualReactor {
    const key = name.toLowerCase();
    if (key === '' || LOOPBACK_NAMES.has(key) || isIPv4Literal(key) || key.includes(':')) {
      throw new SimulatedHostError(
        `"${name}" cannot name a host: use a plain name such as "irc" or "client-7".`,
      );
    }
    if (this.hosts.has(key)) {
      throw new SimulatedHostError(`A host named "${name}" is already on this network.`);
    }
    const index = this.hosts.size + 1;
    const address = options.address ?? `10.0.${index >> 8}.${index & 255}`;
    if (!isIPv4Literal(address) || this.byAddress.has(address)) {
      throw new SimulatedHostError(
        `Host "${name}" cannot have address "${address}": give an unused IPv4 address.`,
      );
    }
    const reactor = new VirtualReactor(this, name, address);
    this.hosts.set(key, reactor);
    this.byAddress.set(address, reactor);
    return reactor;
  }

  /** The reactor of host `name`. */
  host(name: string): VirtualReactor {
    const reactor = this.hosts.get(name.toLowerCase());
    if (reactor === undefined) {
      throw new SimulatedHostError(`No host named "${name}" on this network: addHost() it first.`);
    }
    return reactor;
  }

  /** Every host, in the order they were added. */
  get allHosts(): VirtualReactor[] {
    return [...this.hosts.values()];
  }

  /**
   * The host `name` means when used on `from`: a host name, a host's address, or the loopback
   * names (localhost, 127.0.0.1, ::1) meaning `from` itself. Undefined when unknown.
   */
  lookup(from: VirtualReactor, name: string): VirtualReactor | undefined {
    const key = name.toLowerCase();
    if (LOOPBACK_NAMES.has(key)) return from;
    return this.hosts.get(key) ?? this.byAddress.get(key);
  }

  // Links and partitions

  /** Set the conditions of the link between `a` and `b` (both directions), over the defaults. */
  setLink(a: string, b: string, conditions: LinkConditions): void {
    this.links.set(
      this.linkKey(this.host(a).hostName, this.host(b).hostName),
      resolveLinkConditions(this.defaults, conditions),
    );
  }

  /** The conditions packets from `a` to `b` meet. */
  linkConditions(a: VirtualReactor, b: VirtualReactor): ResolvedLinkConditions {
    if (a === b) return LOOPBACK_CONDITIONS;
    if (this.links.size === 0) return this.defaults;
    return this.links.get(this.linkKey(a.hostName, b.hostName)) ?? this.defaults;
  }

  /**
   * Split the network: hosts in different groups cannot reach each other; hosts named in no
   * group form one more group together. Replaces any earlier partition. Packets already on the
   * wire still arrive; stream segments sent across the cut wait (retransmitted with TCP's
   * exponential backoff from retransmitTimeout) until heal() lets the next try through, or
   * until their connection's userTimeout drops it.
   */
  partition(...groups: ReadonlyArray<readonly string[]>): void {
    const membership = new Map<VirtualReactor, number>();
    groups.forEach((group, index) => {
      for (const name of group) {
        const host = this.host(name);
        if (membership.has(host)) {
          throw new SimulatedHostError(`Host "${name}" is in two groups of one partition.`);
        }
        membership.set(host, index);
      }
    });
    this.groups = membership;
  }

  /** Undo partition(): every host reaches every other again. */
  heal(): void {
    this.groups = null;
  }

  /** True when packets from `a` can reach `b` now. */
  reachable(a: VirtualReactor, b: VirtualReactor): boolean {
    if (a === b || this.groups === null) return true;
    const rest = -1;
    const groupA = this.groups.get(a) ?? rest;
    const groupB = this.groups.get(b) ?? rest;
    return groupA === groupB;
  }

  // Time

  /** The virtual time, in seconds since the network was created. */
  seconds(): number {
    return this.clock.seconds();
  }

  /** Whether time jumps by itself when nothing is runnable (see TimeDriver). */
  get autoAdvance(): boolean {
    return this.driver.autoAdvance;
  }

  set autoAdvance(enabled: boolean) {
    this.driver.autoAdvance = enabled;
  }

  /** Run everything due within `seconds` of virtual time, letting promises settle between steps. */
  advance(seconds: number): Promise<void> {
    return this.driver.advance(seconds);
  }

  /** advance() without yielding to microtasks, for code made only of Deferreds and callbacks. */
  advanceSync(seconds: number): void {
    this.driver.advanceSync(seconds);
  }

  /** Advance until nothing is scheduled, or `maxSeconds` (default 3600) of virtual time passed. */
  runUntilIdle(options: { readonly maxSeconds?: number } = {}): Promise<void> {
    return this.driver.runUntilIdle(options.maxSeconds ?? 3600);
  }

  /**
   * Advance until `awaitable` settles and return its value (or throw its error). Fails with
   * VirtualTimeoutError after `timeout` virtual seconds (default 3600) or when nothing is left
   * scheduled that could settle it.
   */
  runUntil<T>(awaitable: Awaitable<T>, options: { readonly timeout?: number } = {}): Promise<T> {
    return this.driver.runUntil(awaitable, options.timeout ?? 3600);
  }

  /**
   * Stop the auto-advance driver for good, abort every connection and close every port on
   * every host. Call it when a test or simulation is over.
   */
  shutdown(): void {
    for (const host of this.hosts.values()) host.closeEverything();
    this.clock.runDue();
    this.driver.close();
  }

  /** Keep the process alive while a host's reactor is running (see VirtualReactor.run). */
  holdProcess(delta: 1 | -1): void {
    this.driver.holdProcess(delta);
  }

  // Packets (used by the virtual transports)

  /**
   * Send one unreliable packet (a datagram, a RST): it is dropped when lost or when the hosts
   * are partitioned; otherwise `deliver` runs when it arrives. Returns whether it left.
   */
  sendPacket(from: VirtualReactor, to: VirtualReactor, size: number, deliver: () => void): boolean {
    const delay = this.transitIfDelivered(from, to, size);
    if (delay === undefined) return false;
    this.clock.schedule(from, delay, deliver, NO_ARGS);
    return true;
  }

  /**
   * Send a packet that is retransmitted (with exponential backoff) while lost or partitioned,
   * until it arrives (`deliver`) or `giveUpAfter` seconds passed (`onGiveUp`).
   */
  sendReliable(
    from: VirtualReactor,
    to: VirtualReactor,
    size: number,
    deliver: () => void,
    giveUpAfter = Infinity,
    onGiveUp: () => void = () => {},
  ): Transmission {
    return this.reliable(from, to, size, deliver, giveUpAfter, onGiveUp, true);
  }

  /**
   * sendReliable() for a packet whose first try (transitIfDelivered) failed: it is sent again,
   * with exponential backoff, until it arrives or `giveUpAfter` seconds (from now) passed.
   */
  retransmitReliable(
    from: VirtualReactor,
    to: VirtualReactor,
    size: number,
    deliver: () => void,
    giveUpAfter: number,
    onGiveUp: () => void,
  ): Transmission {
    return this.reliable(from, to, size, deliver, giveUpAfter, onGiveUp, false);
  }

  private reliable(
    from: VirtualReactor,
    to: VirtualReactor,
    size: number,
    deliver: () => void,
    giveUpAfter: number,
    onGiveUp: () => void,
    tryNow: boolean,
  ): Transmission {
    const giveUpAt = this.clock.seconds() + giveUpAfter;
    const transmission = new ReliableTransmission(
      this,
      from,
      to,
      size,
      deliver,
      giveUpAt,
      onGiveUp,
    );
    if (tryNow) transmission.attempt();
    else transmission.retryLater();
    return transmission;
  }

  /** The wait before try number `retries + 2` of a packet: the RTO doubled per retry, capped. */
  retransmitDelay(retries: number): number {
    const { retransmitTimeout, maxRetransmitTimeout } = this.settings;
    return Math.min(retransmitTimeout * 2 ** retries, maxRetransmitTimeout);
  }

  /**
   * One try at sending a packet of `size` bytes now: its transit delay when it gets through,
   * undefined when it is lost or cannot cross a partition. For senders that keep track of their
   * packets themselves (stream segments, window updates) and so need no Transmission: the
   * common case — it arrives on the first try — allocates nothing.
   */
  transitIfDelivered(from: VirtualReactor, to: VirtualReactor, size: number): number | undefined {
    const conditions = this.linkConditions(from, to);
    if (!this.reachable(from, to) || this.isLost(conditions)) return undefined;
    return this.transitDelay(from, to, size, conditions);
  }

  /** `bytes` more leave `from` for `to` now: later packets on that link wait for them. */
  occupyLink(from: VirtualReactor, to: VirtualReactor, bytes: number): void {
    const conditions = this.linkConditions(from, to);
    if (conditions.bandwidth === Infinity || bytes <= 0) return;
    const now = this.clock.seconds();
    const start = Math.max(now, from.linkBusyUntil.get(to) ?? 0);
    from.linkBusyUntil.set(to, start + bytes / conditions.bandwidth);
  }

  /** Whether a packet is lost now (one draw of the PRNG when the link has loss). */
  isLost(conditions: ResolvedLinkConditions): boolean {
    return conditions.loss > 0 && this.random() < conditions.loss;
  }

  /** Seconds until a packet of `size` bytes sent now arrives: queueing + serialisation + latency. */
  transitDelay(
    from: VirtualReactor,
    to: VirtualReactor,
    size: number,
    conditions: ResolvedLinkConditions,
  ): number {
    const now = this.clock.seconds();
    let leaves = now;
    if (conditions.bandwidth !== Infinity && size > 0) {
      const start = Math.max(now, from.linkBusyUntil.get(to) ?? 0);
      leaves = start + size / conditions.bandwidth;
      from.linkBusyUntil.set(to, leaves);
    }
    const jitter = conditions.jitter > 0 ? this.random() * conditions.jitter : 0;
    return leaves - now + conditions.latency + jitter;
  }

  /** Report an error thrown by a protocol or a scheduled call; the simulation goes on. */
  report(message: string, error: unknown): void {
    this.errorSink(message, error);
  }

  private linkKey(a: string, b: string): string {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort();
    return `${x}\u0000${y}`;
  }
}
