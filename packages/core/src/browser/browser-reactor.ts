import { Deferred } from '../defer/deferred.js';
import { Failure } from '../defer/failure.js';
import { ConnectError, ConnectTimeoutError, ConnectionRefusedError } from '../errors/connection.js';
import { ConnectingCancelledError, NoProtocolError } from '../endpoints/errors.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type {
  IDelayedCall,
  IListeningPort,
  IReactor,
  IResolver,
  ITriggerHandle,
  SystemEvent,
  SystemEventPhase,
} from '../interfaces/reactor.js';
import type { IConnector, IUDPTransport, IMulticastTransport } from '../interfaces/protocol.js';
import type { IProcessTransport } from '../interfaces/process.js';
import { ReactorLifecycle } from '../reactor/node/lifecycle.js';
import { BrowserTimers } from './browser-time.js';
import {
  globalPageEvents,
  globalTimerFunctions,
  globalWebSocket,
  type BrowserTimerFunctions,
  type PageEventTarget,
  type WebSocketConstructor,
  type WebSocketLike,
} from './dom-types.js';
import { NoWebSocketError, UnsupportedReactorFeature } from './errors.js';
import {
  BrowserWebSocketTransport,
  DEFAULT_BROWSER_WEBSOCKET_TRANSPORT_OPTIONS,
  type BrowserWebSocketAddress,
  type BrowserWebSocketTransportOptions,
} from './websocket-transport.js';

/** How a BrowserReactor finds the page's facilities; every field defaults to globalThis's. */
export interface BrowserReactorOptions {
  /** The WebSocket class (default globalThis.WebSocket; null: none). Tests pass a stand-in. */
  readonly webSocket?: WebSocketConstructor | null;
  /** setTimeout/clearTimeout/performance.now (default globalThis's). */
  readonly timers?: BrowserTimerFunctions;
  /**
   * Where 'pagehide' comes from (default: the window, when there is one; null: none). While the
   * reactor runs, the page being hidden for good stops it, so shutdown triggers run and open
   * WebSockets close with 1000 rather than being dropped.
   */
  readonly pageEvents?: PageEventTarget | null;
  /** The page's URL: the host of relative `ws:` endpoints (default globalThis.location.href). */
  readonly pageURL?: string;
  /** Flow-control limits of the WebSocket transports. */
  readonly transport?: Partial<BrowserWebSocketTransportOptions>;
  /** Where errors thrown by timed calls and triggers go (default console.error). */
  readonly onError?: (error: unknown) => void;
}

/** Options of one WebSocket connection. */
export interface BrowserConnectOptions {
  /** Subprotocols to offer (Sec-WebSocket-Protocol). */
  readonly subprotocols?: readonly string[];
  /** Seconds before the attempt fails with ConnectTimeoutError (default 30). */
  readonly timeout?: number;
}

/** Seconds shutdown waits for open WebSockets to finish their closing handshake. */
const SHUTDOWN_CLOSE_WAIT = 5;

/**
 * The reactor of a web page (twisted's reactors for GUI loops, for the browser's event loop):
 * time from setTimeout and performance.now(), run()/stop() with system event triggers, and
 * stream connections over the browser's WebSocket (connectWebSocket, or the `ws:`/`wss:`
 * endpoints of createBrowserEndpointRegistry()). A page cannot listen, open raw sockets or spawn
 * processes: those methods throw UnsupportedReactorFeature.
 *
 * @example
 * const reactor = new BrowserReactor();
 * reactor.run();
 * const endpoint = browserClientFromString(reactor, 'ws:path=/irc/ws');
 * const client = await endpoint.connect(new IRCClientFactory({ nick: 'ada' }));
 */
export class BrowserReactor implements IReactor {
  private readonly timers: BrowserTimers;
  private readonly lifecycle: ReactorLifecycle;
  private readonly webSocketClass: WebSocketConstructor | undefined;
  private readonly pageEvents: PageEventTarget | undefined;
  private readonly transportOptions: BrowserWebSocketTransportOptions;
  private readonly open = new Set<BrowserWebSocketTransport>();
  private readonly closeWaiters = new Map<BrowserWebSocketTransport, Deferred<void>>();
  private readonly onError: (error: unknown) => void;
  /** The page's URL (relative ws: endpoints connect to its host), if known. */
  readonly pageURL: string | undefined;
  private readonly onPageHide = (event: unknown): void => {
    // A page kept in the back/forward cache (persisted) may come back: keep running then.
    if ((event as { persisted?: boolean } | null)?.persisted === true) return;
    if (this.running && !this.lifecycle.isStopping) this.stop();
  };

  constructor(options: BrowserReactorOptions = {}) {
    this.onError =
      options.onError ??
      ((error: unknown) => {
        (globalThis as { console?: { error(...a: unknown[]): void } }).console?.error(error);
      });
    this.timers = new BrowserTimers(options.timers ?? globalTimerFunctions(), this.onError);
    this.lifecycle = new ReactorLifecycle(
      {
        later: (fn) => void this.timers.callLater(0, fn),
        disconnectAll: () => this.disconnectAll(),
        onError: this.onError,
      },
      { installSignalHandlers: false },
    );
    this.webSocketClass =
      options.webSocket === null ? undefined : (options.webSocket ?? globalWebSocket());
    this.pageEvents =
      options.pageEvents === null ? undefined : (options.pageEvents ?? globalPageEvents());
    this.transportOptions = {
      ...DEFAULT_BROWSER_WEBSOCKET_TRANSPORT_OPTIONS,
      ...options.transport,
    };
    this.pageURL =
      options.pageURL ?? (globalThis as { location?: { href?: string } }).location?.href;
  }

  // --- time -----------------------------------------------------------------------------------

  seconds(): number {
    return this.timers.seconds();
  }

  callLater<A extends unknown[]>(
    delay: number,
    fn: (...args: A) => unknown,
    ...args: A
  ): IDelayedCall {
    return this.timers.callLater(delay, fn, ...args);
  }

  getDelayedCalls(): IDelayedCall[] {
    return this.timers.getDelayedCalls();
  }

  // --- lifecycle ------------------------------------------------------------------------------

  get running(): boolean {
    return this.lifecycle.running;
  }

  /**
   * Start: fires the startup triggers and the callWhenRunning calls. The page's loop is already
   * turning, so this returns at once; the Deferred fires when stop() has finished.
   */
  run(): Deferred<void> {
    const done = this.lifecycle.run();
    this.pageEvents?.addEventListener('pagehide', this.onPageHide);
    return done.addCallback(() => {
      this.pageEvents?.removeEventListener('pagehide', this.onPageHide);
    });
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

  /** A page has one thread: runs `fn` on a later turn. */
  callFromThread(fn: () => unknown): void {
    this.timers.callLater(0, fn);
  }

  // --- WebSocket connections ------------------------------------------------------------------

  /** The WebSocket transports currently open. */
  get openTransports(): ReadonlySet<BrowserWebSocketTransport> {
    return this.open;
  }

  /**
   * Open a WebSocket to `url` and run `factory`'s protocol over it. Fires with the protocol once
   * its connectionMade() has run; fails with ConnectionRefusedError when the socket closes before
   * opening (a browser does not say why), ConnectTimeoutError, or ConnectingCancelledError.
   */
  connectWebSocket<P extends IProtocol>(
    url: string,
    factory: IProtocolFactory<P>,
    options: BrowserConnectOptions = {},
  ): Deferred<P> {
    const WebSocketClass = this.webSocketClass;
    if (WebSocketClass === undefined) return Deferred.fail(new NoWebSocketError());
    const address: BrowserWebSocketAddress = {
      family: 'custom',
      scheme: url.startsWith('wss:') ? 'wss' : 'ws',
      description: url,
      url,
    };
    let socket: WebSocketLike;
    try {
      socket =
        options.subprotocols === undefined || options.subprotocols.length === 0
          ? new WebSocketClass(url)
          : new WebSocketClass(url, [...options.subprotocols]);
    } catch (error) {
      // A malformed URL or a forbidden port: the constructor throws a SyntaxError.
      return Deferred.fail(
        new ConnectError(`Cannot open a WebSocket to ${url}: ${String(error)}`, { cause: error }),
      );
    }
    socket.binaryType = 'arraybuffer';
    factory.doStart();
    let settled = false;
    const finish = (): void => {
      settled = true;
      if (timeout.active()) timeout.cancel();
      socket.onopen = null;
    };
    const failWith = (error: Error): void => {
      finish();
      socket.onclose = null;
      factory.doStop();
      result.errback(new Failure(error));
    };
    const result = new Deferred<P>(() => {
      if (settled) return;
      socket.close();
      failWith(new ConnectingCancelledError(address));
    });
    const timeout = this.timers.callLater(options.timeout ?? 30, () => {
      if (settled) return;
      socket.close();
      failWith(new ConnectTimeoutError(`Opening the WebSocket to ${url} timed out.`));
    });
    socket.onclose = (event) => {
      if (settled) return;
      failWith(
        new ConnectionRefusedError(
          `The WebSocket to ${url} closed before opening (code ${event.code}): the server is ` +
            'down, refused the handshake, or the browser blocked it.',
        ),
      );
    };
    socket.onerror = () => undefined;
    socket.onopen = () => {
      if (settled) return;
      finish();
      let protocol: P | null;
      try {
        protocol = factory.buildProtocol(address);
      } catch (error) {
        socket.close(1000);
        factory.doStop();
        result.errback(new Failure(error));
        return;
      }
      if (protocol === null) {
        socket.onclose = null;
        socket.close(1000);
        factory.doStop();
        result.errback(new Failure(new NoProtocolError(address)));
        return;
      }
      const transport = new BrowserWebSocketTransport(
        this.timers,
        socket,
        protocol,
        this.transportOptions,
        (gone) => {
          this.open.delete(gone);
          this.closeWaiters.get(gone)?.callback(undefined);
          this.closeWaiters.delete(gone);
          factory.doStop();
        },
        this.pageURL,
      );
      this.open.add(transport);
      protocol.makeConnection(transport);
      result.callback(protocol);
    };
    return result;
  }

  /** Close every open WebSocket (1000) and wait, a few seconds at most, for them to finish. */
  private disconnectAll(): Deferred<void> {
    const waits: Array<Deferred<void>> = [];
    for (const transport of [...this.open]) {
      const closed = new Deferred<void>();
      this.closeWaiters.set(transport, closed);
      waits.push(closed);
      transport.loseConnection();
    }
    const all = new Deferred<void>();
    let remaining = waits.length;
    if (remaining === 0) return Deferred.succeed(undefined);
    const cap = this.timers.callLater(SHUTDOWN_CLOSE_WAIT, () => {
      for (const transport of [...this.open]) transport.abortConnection();
      if (!all.called) all.callback(undefined);
    });
    for (const wait of waits) {
      wait.addCallback(() => {
        if (--remaining === 0 && !all.called) {
          if (cap.active()) cap.cancel();
          all.callback(undefined);
        }
      });
    }
    return all;
  }

  // --- what a page cannot do ------------------------------------------------------------------

  /** There is no DNS in a page: the resolver refuses every lookup. */
  readonly resolver: IResolver = {
    resolveHostName: () => Deferred.fail(new UnsupportedReactorFeature('resolveHostName')),
  };

  listenTCP(): Deferred<IListeningPort> {
    throw new UnsupportedReactorFeature('listenTCP');
  }

  connectTCP(): IConnector {
    throw new UnsupportedReactorFeature('connectTCP');
  }

  listenTLS(): Deferred<IListeningPort> {
    throw new UnsupportedReactorFeature('listenTLS');
  }

  connectTLS(): IConnector {
    throw new UnsupportedReactorFeature('connectTLS');
  }

  listenUNIX(): Deferred<IListeningPort> {
    throw new UnsupportedReactorFeature('listenUNIX');
  }

  connectUNIX(): IConnector {
    throw new UnsupportedReactorFeature('connectUNIX');
  }

  listenUDP(): Deferred<IUDPTransport> {
    throw new UnsupportedReactorFeature('listenUDP');
  }

  listenMulticast(): Deferred<IMulticastTransport> {
    throw new UnsupportedReactorFeature('listenMulticast');
  }

  spawnProcess(): IProcessTransport {
    throw new UnsupportedReactorFeature('spawnProcess');
  }
}
