import { performance } from 'node:perf_hooks';

import type { Deferred } from '../../defer/deferred.js';
import type {
  IClientFactory,
  IConnector,
  IDatagramProtocol,
  IMulticastTransport,
  IProtocol,
  IProtocolFactory,
  IUDPTransport,
} from '../../interfaces/protocol.js';
import type {
  IDelayedCall,
  IListeningPort,
  IReactor,
  IResolver,
  ITriggerHandle,
  MulticastListenOptions,
  SystemEvent,
  SystemEventPhase,
  TCPConnectOptions,
  TCPListenOptions,
  UDPListenOptions,
  UNIXListenOptions,
} from '../../interfaces/reactor.js';
import type { TLSOptions } from '../../interfaces/tls.js';
import type {
  IProcessProtocol,
  IProcessTransport,
  SpawnProcessOptions,
} from '../../interfaces/process.js';
import { ReactorLifecycle } from '../node/lifecycle.js';
import { OpenResources, type ReactorServices } from '../node/open-resources.js';
import { spawnProcess } from '../node/process.js';
import { reportError } from '../node/report-error.js';
import { NodeResolver } from '../node/resolver.js';
import { connectTCP, connectTLS, listenTCP, listenTLS } from '../node/tcp.js';
import { listenMulticast, listenUDP } from '../node/udp.js';
import { connectUNIX, listenUNIX } from '../node/unix.js';
import { relayDeferred } from './deferred-relay.js';
import { IterateReentryError } from './errors.js';
import {
  DEFAULT_MAX_QUEUED_BYTES,
  DEFAULT_MAX_QUEUED_BYTES_TOTAL,
  QueuedBytesTotal,
  type InboxLimits,
} from './event-inbox.js';
import {
  DEFAULT_MAX_QUEUED_DATAGRAMS,
  QueuedDatagramProtocol,
  type DatagramLimits,
} from './queued-datagram-protocol.js';
import { QueuedClientFactory, QueuedServerFactory } from './queued-factories.js';
import { QueuedProcessProtocol } from './queued-process-protocol.js';
import { QueuedStreamProtocol } from './queued-stream-protocol.js';
import { PortViews } from './port-views.js';
import { RunQueue, waitForWork } from './run-queue.js';
import { SteppedTimers } from './stepped-timers.js';

export interface SteppedReactorOptions {
  /**
   * Called (from Node's loop, between iterate() calls) when work arrives while none was
   * waiting: data on a socket, a callFromThread(), a process exiting. A host that sleeps for
   * the time iterate() returned can use it to wake early. Never called while iterate() runs.
   */
  readonly onWorkQueued?: () => void;
  /** Map SIGINT and SIGTERM to stop() while running (default true). */
  readonly installSignalHandlers?: boolean;
  /** Seconds given to connections to close cleanly at shutdown before they are aborted. Default 5. */
  readonly shutdownGracePeriod?: number;
  /** How host names are resolved (default: the OS resolver through dns.lookup). */
  readonly resolver?: IResolver;
  /**
   * Bytes one connection or process may have received but not yet delivered; above it, reading
   * pauses until iterate() catches up. Default 1 MiB.
   */
  readonly maxQueuedBytes?: number;
  /**
   * The same bound across all connections and processes together; once exceeded, each one that
   * receives more pauses until iterate() delivered its data. Default 16 MiB.
   */
  readonly maxQueuedBytesTotal?: number;
  /** Datagrams one UDP port may hold for the next iterate(); later ones are dropped. Default 1024. */
  readonly maxQueuedDatagrams?: number;
  /** The time source, in seconds (default: monotonic, offset to the Unix epoch). */
  readonly seconds?: () => number;
}

const DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;

/**
 * A reactor for programs that own their loop: a terminal UI, a game or render loop, an
 * embedding. Sockets, TLS, Unix sockets, UDP and child processes run on the same Node machinery
 * as NodeReactor, but nothing reaches application code on its own: timers, callFromThread()
 * functions, callWhenRunning() functions, shutdown triggers and every protocol event (data,
 * connection made or lost, datagrams, process output and exit, Deferreds of listen/stop calls)
 * wait for the host to call {@link SteppedReactor.iterate}. Between iterate() calls Node's own
 * loop keeps reading the sockets, and what they produce queues, bounded, for the next call.
 *
 * Code after an `await` resumes in a microtask once the current iterate() returned; use
 * Deferred callbacks for work that must run inside iterate().
 */
export class SteppedReactor implements IReactor {
  readonly resolver: IResolver;
  private readonly queue: RunQueue;
  private readonly time: SteppedTimers;
  private readonly lifecycle: ReactorLifecycle;
  private readonly resources = new OpenResources();
  private readonly services: ReactorServices;
  private readonly inboxLimits: InboxLimits;
  private readonly datagramLimits: DatagramLimits;
  private readonly ports: PortViews;

  constructor(options: SteppedReactorOptions = {}) {
    this.queue = new RunQueue(options.onWorkQueued);
    this.ports = new PortViews(this.queue);
    const clock = options.seconds ?? (() => (performance.timeOrigin + performance.now()) / 1000);
    this.time = new SteppedTimers((error) => reportError('A delayed call threw', error), clock);
    this.inboxLimits = {
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      total: new QueuedBytesTotal(options.maxQueuedBytesTotal ?? DEFAULT_MAX_QUEUED_BYTES_TOTAL),
    };
    this.datagramLimits = {
      maxQueuedDatagrams: options.maxQueuedDatagrams ?? DEFAULT_MAX_QUEUED_DATAGRAMS,
    };
    const resolver = options.resolver ?? new NodeResolver();
    this.resolver = {
      resolveHostName: (host, port) =>
        relayDeferred(this.queue, resolver.resolveHostName(host, port)),
    };
    const grace = options.shutdownGracePeriod ?? DEFAULT_SHUTDOWN_GRACE_SECONDS;
    this.services = {
      // The Node machinery's own timeouts (connect, shutdown grace) also fire in iterate().
      callLater: (delay, fn) => this.time.callLater(delay, fn),
      resources: this.resources,
    };
    this.lifecycle = new ReactorLifecycle(
      {
        later: (fn) => this.queue.push(fn),
        disconnectAll: () =>
          relayDeferred(this.queue, this.resources.closeAll(grace, this.services.callLater)),
        onError: (error) => reportError('A system event trigger failed', error),
      },
      options.installSignalHandlers === undefined
        ? {}
        : { installSignalHandlers: options.installSignalHandlers },
    );
  }

  // Stepping

  /**
   * Run everything that is due now, then return how many seconds the host may wait before
   * calling again. Never waits: Node cannot block its thread without stopping the very sockets
   * that would deliver the events.
   *
   * One call runs, in order: the timers due now (in time, then scheduling order), then the
   * work that arrived since the last call (protocol events per connection in arrival order,
   * callFromThread functions, lifecycle steps). What that work schedules — a callLater(0), an
   * event caused by its own callFromThread() — waits for the next call, so a busy protocol
   * cannot stretch one tick without bound.
   *
   * Returns 0 when more work is already waiting, the seconds until the next timer is due, or
   * Infinity when no timer is scheduled (wake on {@link SteppedReactorOptions.onWorkQueued} or
   * {@link SteppedReactor.waitForWork} instead). `maxDelay` is Twisted's `delay` — the longest
   * the caller means to wait — and caps the returned value when greater than 0; with the
   * default 0 the answer is uncapped.
   *
   * @throws IterateReentryError when called from inside a callback that iterate() is running.
   */
  iterate(maxDelay = 0): number {
    if (!(maxDelay >= 0)) {
      throw new RangeError(`iterate() needs a maxDelay of 0 seconds or more, got ${maxDelay}.`);
    }
    if (this.queue.active) throw new IterateReentryError();
    this.queue.active = true;
    try {
      const arrived = this.queue.mark(); // what timers queue now waits for the next call
      this.time.runDue();
      this.queue.runBatch(arrived);
    } finally {
      this.queue.active = false;
    }
    const wait = this.nextWorkIn();
    return maxDelay > 0 ? Math.min(wait, maxDelay) : wait;
  }

  /** Seconds until iterate() has something to do: 0 when work is waiting, Infinity when none is scheduled. */
  nextWorkIn(): number {
    return this.queue.size > 0 ? 0 : this.time.untilNext();
  }

  /** True while iterate() is running (inside a timer, protocol callback or trigger). */
  get iterating(): boolean {
    return this.queue.active;
  }

  /**
   * Resolve when iterate() has something to do — work arrived from Node's loop or a timer came
   * due — or after `maxDelay` seconds, whichever is first, without blocking Node. For hosts
   * that are themselves asynchronous: `await reactor.waitForWork(1 / 60); reactor.iterate();`
   * is the non-blocking form of Twisted's `reactor.iterate(1 / 60)`.
   */
  waitForWork(maxDelay: number): Promise<void> {
    if (!(maxDelay >= 0)) {
      throw new RangeError(`waitForWork() needs a maxDelay of 0 seconds or more, got ${maxDelay}.`);
    }
    return waitForWork(this.queue, Math.min(this.nextWorkIn(), maxDelay));
  }

  // Time

  seconds(): number {
    return this.time.seconds();
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): IDelayedCall {
    return this.time.callLater(delay, fn, ...args);
  }

  getDelayedCalls(): IDelayedCall[] {
    return this.time.getDelayedCalls();
  }

  // Lifecycle

  get running(): boolean {
    return this.lifecycle.running;
  }

  /**
   * Mark the reactor running: 'startup' triggers run now, callWhenRunning() functions in the
   * next iterate(). The host keeps calling iterate(); the Deferred fires (inside iterate())
   * once stop() has run every shutdown trigger and closed every connection — the host's cue to
   * leave its loop.
   */
  run(): Deferred<void> {
    return this.lifecycle.run();
  }

  /** Begin shutdown; its triggers, the closing of connections and run()'s Deferred all happen in iterate(). */
  stop(): void {
    this.lifecycle.stop();
  }

  callWhenRunning(fn: () => unknown): void {
    this.lifecycle.callWhenRunning(fn);
  }

  addSystemEventTrigger(
    phase: SystemEventPhase,
    event: SystemEvent,
    fn: () => unknown,
  ): ITriggerHandle {
    return this.lifecycle.addSystemEventTrigger(phase, event, fn);
  }

  removeSystemEventTrigger(handle: ITriggerHandle): void {
    this.lifecycle.removeSystemEventTrigger(handle);
  }

  /** Run `fn` in the next iterate() (worker threads post here). Safe to call at any time. */
  callFromThread(fn: () => unknown): void {
    this.queue.push(() => {
      try {
        fn();
      } catch (error) {
        reportError('A callFromThread() function threw', error);
      }
    });
  }

  /**
   * The thread pool (deferToThread, adbapi) hands task results over here, so their Deferreds
   * fire inside iterate() like everything else.
   */
  readonly deliverThreadResult = (deliver: () => void): void => {
    this.queue.push(deliver);
  };

  /** How many connections this reactor has open (both accepted and outgoing). */
  get openConnectionCount(): number {
    return this.resources.connectionCount;
  }

  // TCP and TLS

  listenTCP(
    port: number,
    factory: IProtocolFactory,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort> {
    return this.ports.relay(listenTCP(this.services, port, this.serverFactory(factory), options));
  }

  connectTCP(
    host: string,
    port: number,
    factory: IClientFactory,
    options?: TCPConnectOptions,
  ): IConnector {
    return connectTCP(this.services, host, port, this.clientFactory(factory), options);
  }

  listenTLS(
    port: number,
    factory: IProtocolFactory,
    tls: TLSOptions,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort> {
    return this.ports.relay(
      listenTLS(this.services, port, this.serverFactory(factory), tls, options),
    );
  }

  connectTLS(
    host: string,
    port: number,
    factory: IClientFactory,
    tls: TLSOptions,
    options?: TCPConnectOptions,
  ): IConnector {
    return connectTLS(this.services, host, port, this.clientFactory(factory), tls, options);
  }

  // Unix sockets

  listenUNIX(
    path: string,
    factory: IProtocolFactory,
    options?: UNIXListenOptions,
  ): Deferred<IListeningPort> {
    return this.ports.relay(listenUNIX(this.services, path, this.serverFactory(factory), options));
  }

  connectUNIX(
    path: string,
    factory: IClientFactory,
    options?: { readonly timeout?: number },
  ): IConnector {
    return connectUNIX(this.services, path, this.clientFactory(factory), options);
  }

  // UDP

  listenUDP(
    port: number,
    protocol: IDatagramProtocol,
    options?: UDPListenOptions,
  ): Deferred<IUDPTransport> {
    return this.ports.relay(
      listenUDP(this.services, port, this.datagramProtocol(protocol), options),
    );
  }

  listenMulticast(
    port: number,
    protocol: IDatagramProtocol,
    options?: MulticastListenOptions,
  ): Deferred<IMulticastTransport> {
    return this.ports.relay(
      listenMulticast(this.services, port, this.datagramProtocol(protocol), options),
    );
  }

  // Child processes

  /**
   * Start a child process; see IReactorProcess.spawnProcess and docs/processes.md. The
   * protocol's makeConnection() and every later event run in iterate().
   */
  spawnProcess(
    protocol: IProcessProtocol,
    executable: string,
    args?: readonly string[],
    options?: SpawnProcessOptions,
  ): IProcessTransport {
    const queued = new QueuedProcessProtocol(this.queue, this.inboxLimits, protocol);
    return queued.attach(spawnProcess(this.services, queued, executable, args, options));
  }

  /**
   * A protocol whose events wait for iterate(), for transports this reactor did not create —
   * `new StandardIO(reactor.steppedProtocol(keys), reactor)` reads a terminal's keys into a
   * host-stepped program. Connections from listen and connect calls are wrapped already.
   */
  steppedProtocol(protocol: IProtocol): IProtocol {
    return new QueuedStreamProtocol(this.queue, this.inboxLimits, () => protocol);
  }

  private serverFactory(factory: IProtocolFactory): IProtocolFactory {
    return new QueuedServerFactory(this.queue, this.inboxLimits, factory);
  }

  private clientFactory(factory: IClientFactory): IClientFactory {
    return new QueuedClientFactory(this.queue, this.inboxLimits, factory);
  }

  private datagramProtocol(protocol: IDatagramProtocol): IDatagramProtocol {
    return new QueuedDatagramProtocol(this.queue, this.datagramLimits, protocol, (real) =>
      this.ports.view(real),
    );
  }
}
