import type { Deferred } from '../defer/deferred.js';
import type { Address } from './address.js';
import type {
  IClientFactory,
  IConnector,
  IDatagramProtocol,
  IMulticastTransport,
  IProtocolFactory,
  IUDPTransport,
} from './protocol.js';
import type { TLSOptions } from './tls.js';
import type { IProcessProtocol, IProcessTransport, SpawnProcessOptions } from './process.js';

/** A call scheduled with callLater(). */
export interface IDelayedCall {
  /** The reactor time (seconds) at which it will run. */
  getTime(): number;
  /** Do not run it. Throws AlreadyCancelled/AlreadyCalled if it is not active. */
  cancel(): void;
  /** Push it `seconds` later than currently scheduled. */
  delay(seconds: number): void;
  /** Reschedule it to run `seconds` from now. */
  reset(seconds: number): void;
  /** Neither run nor cancelled yet. */
  active(): boolean;
}

export interface IReactorTime {
  /** Monotonic seconds (fractional), the reactor's notion of now. */
  seconds(): number;
  /** Run `fn(...args)` after `delay` seconds (0 = on a later turn, never synchronously). */
  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): IDelayedCall;
  /** The calls scheduled and still active, in no promised order. */
  getDelayedCalls(): IDelayedCall[];
}

export type SystemEventPhase = 'before' | 'during' | 'after';
export type SystemEvent = 'startup' | 'shutdown';

/** An opaque handle for removeSystemEventTrigger. */
export interface ITriggerHandle {
  readonly phase: SystemEventPhase;
  readonly event: SystemEvent;
}

export interface IReactorCore {
  /** True between run() starting and stop() completing. */
  readonly running: boolean;
  /**
   * Start: fires 'startup' triggers, then runs until stop(). Returns a Deferred that fires once
   * shutdown completes (the Node reactor does not block the thread; Node's loop keeps running).
   */
  run(): Deferred<void>;
  /**
   * Stop: fires the 'shutdown' triggers; a 'before' trigger that returns a Deferred delays the
   * rest of shutdown until it fires. Throws ReactorNotRunning when not running.
   */
  stop(): void;
  /** Call `fn` once the reactor is running (now, on a later turn, if it already is). */
  callWhenRunning(fn: () => unknown): void;
  addSystemEventTrigger(
    phase: SystemEventPhase,
    event: SystemEvent,
    fn: () => unknown,
  ): ITriggerHandle;
  removeSystemEventTrigger(handle: ITriggerHandle): void;
  /** Call `fn` on the reactor thread from anywhere (a microtask/next turn on Node). */
  callFromThread(fn: () => unknown): void;
}

/** A bound server port. */
export interface IListeningPort {
  getHost(): Address;
  /** Stop accepting; fires once the port is closed. Open connections are not touched. */
  stopListening(): Deferred<void>;
}

export interface TCPListenOptions {
  /** Interface to bind, default '0.0.0.0' for listenTCP. Use '::' for IPv6. */
  readonly interface?: string;
  readonly backlog?: number;
}

export interface TCPConnectOptions {
  /** Seconds before giving up with ConnectTimeoutError (default 30). */
  readonly timeout?: number;
  readonly bindAddress?: { readonly host: string; readonly port?: number };
}

export interface IReactorTCP {
  /** Listen on `port` (0 picks a free one; read it back from getHost()). */
  listenTCP(
    port: number,
    factory: IProtocolFactory,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort>;
  connectTCP(
    host: string,
    port: number,
    factory: IClientFactory,
    options?: TCPConnectOptions,
  ): IConnector;
}

export interface IReactorTLS {
  listenTLS(
    port: number,
    factory: IProtocolFactory,
    tls: TLSOptions,
    options?: TCPListenOptions,
  ): Deferred<IListeningPort>;
  connectTLS(
    host: string,
    port: number,
    factory: IClientFactory,
    tls: TLSOptions,
    options?: TCPConnectOptions,
  ): IConnector;
}

export interface UNIXListenOptions {
  /** File mode of the socket, e.g. 0o660. */
  readonly mode?: number;
  readonly backlog?: number;
  /** Remove a stale socket file left by a dead process (default true). */
  readonly wantPID?: boolean;
}

export interface IReactorUNIX {
  listenUNIX(
    path: string,
    factory: IProtocolFactory,
    options?: UNIXListenOptions,
  ): Deferred<IListeningPort>;
  connectUNIX(
    path: string,
    factory: IClientFactory,
    options?: { readonly timeout?: number },
  ): IConnector;
}

export interface UDPListenOptions {
  readonly interface?: string;
  readonly maxPacketSize?: number;
}

export interface MulticastListenOptions extends UDPListenOptions {
  /** Allow several sockets on this host to bind the same port (SO_REUSEADDR). */
  readonly listenMultiple?: boolean;
}

export interface IReactorUDP {
  listenUDP(
    port: number,
    protocol: IDatagramProtocol,
    options?: UDPListenOptions,
  ): Deferred<IUDPTransport>;
  listenMulticast(
    port: number,
    protocol: IDatagramProtocol,
    options?: MulticastListenOptions,
  ): Deferred<IMulticastTransport>;
}

/** Resolves host names (the Node reactor uses dns.lookup; the virtual one a table). */
export interface IResolver {
  /** All addresses for `host`, IPv6 and IPv4, in the resolver's order. */
  resolveHostName(host: string, port: number): Deferred<Address[]>;
}

export interface IReactorPluggableResolver {
  readonly resolver: IResolver;
}

/** Starts child processes (Twisted's IReactorProcess). */
export interface IReactorProcess {
  /**
   * Start `executable` with `args` and connect `protocol` to its pipes. As in Twisted, `args`
   * is the whole argv, `args[0]` included (conventionally the program's name): spawnProcess(p,
   * '/bin/ls', ['ls', '-l']). No shell is involved. A child that cannot be started (missing
   * executable, …) is reported through processEnded() with ProcessSpawnError, never thrown.
   */
  spawnProcess(
    protocol: IProcessProtocol,
    executable: string,
    args?: readonly string[],
    options?: SpawnProcessOptions,
  ): IProcessTransport;
}

/** The reactor most code is handed: time, lifecycle, TCP, TLS, Unix, UDP, processes. */
export interface IReactor
  extends
    IReactorTime,
    IReactorCore,
    IReactorTCP,
    IReactorTLS,
    IReactorUNIX,
    IReactorUDP,
    IReactorProcess,
    IReactorPluggableResolver {}
