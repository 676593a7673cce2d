import type { Deferred } from '../../defer/deferred.js';
import type {
  IClientFactory,
  IConnector,
  IDatagramProtocol,
  IMulticastTransport,
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
import type { IProcessProtocol, SpawnProcessOptions } from '../../interfaces/process.js';
import { ReactorLifecycle } from './lifecycle.js';
import { OpenResources, type ReactorServices } from './open-resources.js';
import { reportError } from './report-error.js';
import { NodeResolver } from './resolver.js';
import { spawnProcess } from './process.js';
import type { ProcessTransport } from './process-transport.js';
import { connectTCP, connectTLS, listenTCP, listenTLS } from './tcp.js';
import { TimerQueue } from './time.js';
import { listenMulticast, listenUDP } from './udp.js';
import { connectUNIX, listenUNIX } from './unix.js';

export interface NodeReactorOptions {
  /** Map SIGINT and SIGTERM to a graceful stop() while running (default true). */
  readonly installSignalHandlers?: boolean;
  /**
   * At shutdown, connections are closed cleanly (their buffered data is sent); those still open
   * after this many seconds are aborted. Default 5.
   */
  readonly shutdownGracePeriod?: number;
  /** How host names are resolved (default: the OS resolver through dns.lookup). */
  readonly resolver?: IResolver;
}

const DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;

/**
 * The reactor on Node's event loop. Create one in your program's entry point (or let `react()`
 * do it) and hand it to whatever needs time or I/O; packages never create or import one.
 *
 * Node's loop is always turning, so timers and sockets work as soon as the reactor exists.
 * run() fires the 'startup' triggers and callWhenRunning() calls, keeps the process alive until
 * stop(), and (unless `installSignalHandlers: false`) turns SIGINT/SIGTERM into stop(). stop()
 * runs the 'shutdown' triggers — a 'before' trigger returning a Deferred or Promise delays the
 * rest — then closes every port, pending connection attempt and connection the reactor opened,
 * then the 'after' triggers; the Deferred from run() fires last.
 *
 * listenTLS/connectTLS hand the protocol its transport once the TLS handshake completed, so
 * getPeerCertificate() already works in connectionMade().
 */
export class NodeReactor implements IReactor {
  readonly resolver: IResolver;
  private readonly time: TimerQueue;
  private readonly lifecycle: ReactorLifecycle;
  private readonly resources = new OpenResources();
  private readonly services: ReactorServices;

  constructor(options: NodeReactorOptions = {}) {
    this.resolver = options.resolver ?? new NodeResolver();
    this.time = new TimerQueue((error) => reportError('A delayed call threw', error));
    const grace = options.shutdownGracePeriod ?? DEFAULT_SHUTDOWN_GRACE_SECONDS;
    this.services = {
      callLater: (delay, fn) => this.time.callLater(delay, fn),
      resources: this.resources,
    };
    this.lifecycle = new ReactorLifecycle(
      {
        later: (fn) => {
          this.time.callLater(0, fn);
        },
        disconnectAll: () => this.resources.closeAll(grace, this.services.callLater),
        onError: (error) => reportError('A system event trigger failed', error),
      },
      options.installSignalHandlers === undefined
        ? {}
        : { installSignalHandlers: options.installSignalHandlers },
    );
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

  run(): Deferred<void> {
    return this.lifecycle.run();
  }

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

  /** Run `fn` on the reactor's thread on a later turn (worker threads post here). */
  callFromThread(fn: () => unknown): void {
    setImmediate(() => {
      try {
        fn();
      } catch (error) {
        reportError('A callFromThread() function threw', error);
      }
    });
  }

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
    return listenTCP(this.services, port, factory, options);
  }

  connectTCP(
    host: string,
    port: number,
    factory: IClientFactory,
    options?: TCPConnectOptions,
  ): IConnector {
    return connectTCP(this.services, host, port, factory, options);
  }

  listenTLS(
    port: number,
    factory: IProtocolFactory,
    tls: TLSOptions,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort> {
    return listenTLS(this.services, port, factory, tls, options);
  }

  connectTLS(
    host: string,
    port: number,
    factory: IClientFactory,
    tls: TLSOptions,
    options?: TCPConnectOptions,
  ): IConnector {
    return connectTLS(this.services, host, port, factory, tls, options);
  }

  // Unix sockets

  listenUNIX(
    path: string,
    factory: IProtocolFactory,
    options?: UNIXListenOptions,
  ): Deferred<IListeningPort> {
    return listenUNIX(this.services, path, factory, options);
  }

  connectUNIX(
    path: string,
    factory: IClientFactory,
    options?: { readonly timeout?: number },
  ): IConnector {
    return connectUNIX(this.services, path, factory, options);
  }

  // UDP

  listenUDP(
    port: number,
    protocol: IDatagramProtocol,
    options?: UDPListenOptions,
  ): Deferred<IUDPTransport> {
    return listenUDP(this.services, port, protocol, options);
  }

  listenMulticast(
    port: number,
    protocol: IDatagramProtocol,
    options?: MulticastListenOptions,
  ): Deferred<IMulticastTransport> {
    return listenMulticast(this.services, port, protocol, options);
  }

  // Child processes

  /** Start a child process; see IReactorProcess.spawnProcess and docs/processes.md. */
  spawnProcess(
    protocol: IProcessProtocol,
    executable: string,
    args?: readonly string[],
    options?: SpawnProcessOptions,
  ): ProcessTransport {
    return spawnProcess(this.services, protocol, executable, args, options);
  }
}
