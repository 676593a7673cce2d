import { Deferred, fail, succeed } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import { maybeDeferred } from '../defer/helpers.js';
import { CancelledError } from '../errors/defer.js';
import type { Address } from '../interfaces/address.js';
import type { IStreamClientEndpoint } from '../interfaces/endpoint.js';
import type { ILogger } from '../interfaces/logger.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { IDelayedCall, IReactorTime } from '../interfaces/reactor.js';
import type { ITransport } from '../interfaces/transport.js';
import { Logger } from '../log/logger.js';
import { backoffPolicy, type RetryPolicy } from './backoff-policy.js';
import { Service } from './service.js';

export interface ClientServiceOptions<P extends IProtocol> {
  /** Schedules retries: the reactor, or a Clock in tests. */
  readonly clock: IReactorTime;
  /** Seconds to wait before the next attempt (default: backoffPolicy()). */
  readonly retryPolicy?: RetryPolicy;
  /**
   * Runs on each new connection before whenConnected() hears of it — log in, subscribe. A
   * returned Deferred/Promise is waited for; if it fails, the connection is dropped and the
   * attempt counts as failed.
   */
  readonly prepareConnection?: (protocol: P) => unknown;
  /** Where connects, losses and retries are logged (default: `tw.application`). */
  readonly log?: ILogger;
  /** How the endpoint is named in log events, e.g. the description it was parsed from. */
  readonly description?: string;
}

type ClientState = 'idle' | 'connecting' | 'waiting' | 'connected' | 'disconnecting' | 'stopped';

/** One connection attempt and, if it succeeds, the connection it made. */
interface Attempt<P> {
  /** The connect (and prepareConnection) still running; cancelled by stopService(). */
  inProgress: Deferred<unknown> | null;
  /** Set once the protocol is attached to a transport. */
  transport: ITransport | null;
  /** Set once the connection has ended. */
  lost: Failure | null;
  protocol: P | null;
}

interface ConnectionWaiter<P> {
  readonly deferred: Deferred<P>;
  /** Fail after this many more failed attempts; null waits for as long as the service runs. */
  remainingFailures: number | null;
}

/**
 * Keeps a connection up through a client endpoint (Twisted's ClientService, 16.1+): connects
 * when started, and whenever the connection fails or is lost tries again after
 * `retryPolicy(failedAttempts)` seconds — exponential backoff with jitter by default — until
 * stopped. stopService() stops retrying, drops the connection, and fires once it has ended.
 *
 * Code that needs the connection asks whenConnected(), which fires with the protocol now if
 * connected, or with the next one made.
 *
 * ```ts
 * const service = new ClientService(clientFromString(reactor, 'tcp:host=irc.example.org:port=6667'),
 *   new IRCClientFactory(), { clock: reactor });
 * service.startService();
 * const client = await service.whenConnected();
 * ```
 */
export class ClientService<P extends IProtocol = IProtocol> extends Service {
  readonly endpoint: IStreamClientEndpoint;
  readonly factory: IProtocolFactory<P>;
  private readonly clock: IReactorTime;
  private readonly retryPolicy: RetryPolicy;
  private readonly prepareConnection: ((protocol: P) => unknown) | undefined;
  private readonly log: ILogger;
  private readonly description: string;

  private state: ClientState = 'idle';
  private attempt: Attempt<P> | null = null;
  private current: P | null = null;
  private failedAttempts = 0;
  private retryCall: IDelayedCall | null = null;
  private restartWhenStopped = false;
  private readonly connectionWaiters: ConnectionWaiter<P>[] = [];
  private readonly stopWaiters: Deferred<void>[] = [];

  constructor(
    endpoint: IStreamClientEndpoint,
    factory: IProtocolFactory<P>,
    options: ClientServiceOptions<P>,
  ) {
    super();
    this.endpoint = endpoint;
    this.factory = factory;
    this.clock = options.clock;
    this.retryPolicy = options.retryPolicy ?? backoffPolicy();
    this.prepareConnection = options.prepareConnection;
    this.log = options.log ?? new Logger('tw.application');
    this.description = options.description ?? endpoint.constructor.name;
  }

  /** Start connecting (a second call while running does nothing). */
  override startService(): void {
    if (this.running) return;
    super.startService();
    if (this.state === 'disconnecting') this.restartWhenStopped = true;
    else this.connect();
  }

  /**
   * Stop retrying and drop the connection (or the attempt in progress). Fires once the
   * connection has ended; whenConnected() Deferreds still waiting fail with CancelledError.
   */
  override stopService(): Deferred<void> {
    super.stopService();
    this.restartWhenStopped = false;
    switch (this.state) {
      case 'stopped':
        return succeed(undefined);
      case 'idle':
      case 'waiting': {
        this.retryCall?.cancel();
        this.retryCall = null;
        const stopped = this.waitForStop();
        this.finishStopping();
        return stopped;
      }
      case 'connecting': {
        this.state = 'disconnecting';
        const stopped = this.waitForStop();
        // Cancelling lands in connectionFailed(), which drops a connection made meanwhile.
        this.attempt?.inProgress?.cancel();
        return stopped;
      }
      case 'connected': {
        this.state = 'disconnecting';
        const stopped = this.waitForStop();
        const transport = this.attempt?.transport ?? null;
        if (transport !== null) transport.loseConnection();
        else this.finishStopping();
        return stopped;
      }
      case 'disconnecting':
        return this.waitForStop();
    }
  }

  /**
   * The connected protocol: now if there is a connection, else the next one made. With
   * `failAfterFailures`, fails with the last attempt's error once that many attempts in a row
   * have failed after this call. Fails with CancelledError if the service is (or gets) stopped.
   */
  whenConnected(failAfterFailures?: number): Deferred<P> {
    if (
      failAfterFailures !== undefined &&
      !(Number.isInteger(failAfterFailures) && failAfterFailures >= 1)
    ) {
      throw new RangeError(
        `whenConnected(failAfterFailures) needs a whole number of at least 1, not ${failAfterFailures}.`,
      );
    }
    if (this.state === 'connected' && this.current !== null) return succeed(this.current);
    if (this.state === 'stopped') {
      return fail(new CancelledError('The ClientService is stopped; start it to connect again.'));
    }
    const waiter: ConnectionWaiter<P> = {
      deferred: new Deferred<P>(() => this.forgetWaiter(waiter)),
      remainingFailures: failAfterFailures ?? null,
    };
    this.connectionWaiters.push(waiter);
    return waiter.deferred;
  }

  private connect(): void {
    this.state = 'connecting';
    const attempt: Attempt<P> = { inProgress: null, transport: null, lost: null, protocol: null };
    this.attempt = attempt;
    const factory = this.notifyingFactory(attempt);
    const inProgress = maybeDeferred(() => this.endpoint.connect(factory))
      .addCallback((protocol: P) => this.prepare(protocol))
      .addCallbacks(
        (protocol: P) => this.connectionMade(attempt, protocol),
        (failure: Failure) => this.connectionFailed(attempt, failure),
      );
    attempt.inProgress = inProgress;
  }

  private prepare(protocol: P): P | Deferred<P> {
    const prepareConnection = this.prepareConnection;
    if (prepareConnection === undefined) return protocol;
    return maybeDeferred(() => prepareConnection(protocol)).addCallback(() => protocol);
  }

  /**
   * The user's factory, with each protocol it builds watched: we need its transport to drop the
   * connection and its connectionLost to reconnect. The protocol itself is returned (patched on
   * the instance, after its own handlers run) so `transport.protocol` and the protocol the
   * endpoint hands back are the user's object.
   */
  private notifyingFactory(attempt: Attempt<P>): IProtocolFactory<P> {
    const inner = this.factory;
    return {
      doStart: () => inner.doStart(),
      doStop: () => inner.doStop(),
      buildProtocol: (addr: Address): P | null => {
        // A connection completing after we gave up on its attempt (stopped, or moved on) is refused.
        if (this.attempt !== attempt) return null;
        const protocol = inner.buildProtocol(addr);
        if (protocol === null) return null;
        attempt.protocol = protocol;
        const makeConnection = protocol.makeConnection.bind(protocol);
        const connectionLost = protocol.connectionLost.bind(protocol);
        protocol.makeConnection = (transport: ITransport) => {
          attempt.transport = transport;
          makeConnection(transport);
        };
        protocol.connectionLost = (reason: Failure) => {
          try {
            connectionLost(reason);
          } finally {
            attempt.lost = reason;
            this.clientDisconnected(attempt);
          }
        };
        return protocol;
      },
    };
  }

  private connectionMade(attempt: Attempt<P>, protocol: P): void {
    if (attempt !== this.attempt) return;
    if (attempt.lost !== null) {
      // Lost while prepareConnection ran (and it succeeded anyway): not a usable connection.
      this.connectionFailed(attempt, attempt.lost);
      return;
    }
    if (this.state === 'disconnecting') {
      attempt.transport?.loseConnection();
      return;
    }
    this.state = 'connected';
    this.current = protocol;
    this.failedAttempts = 0;
    this.log.info('Connected to {endpoint}', { endpoint: this.description });
    for (const waiter of this.connectionWaiters.splice(0)) waiter.deferred.callback(protocol);
  }

  private connectionFailed(attempt: Attempt<P>, failure: Failure): void {
    if (attempt !== this.attempt) return;
    const reason = attempt.lost ?? failure;
    const live = attempt.transport !== null && attempt.lost === null;
    if (this.state === 'disconnecting') {
      // Stopping: wait for a connection made meanwhile to end; else we are done.
      if (live) attempt.transport?.loseConnection();
      else this.finishStopping();
      return;
    }
    // prepareConnection failed on a live connection: drop it and forget it.
    if (live) attempt.transport?.loseConnection();
    this.attempt = null;
    this.failedAttempts++;
    this.log.info('Connecting to {endpoint} failed: {reason}', {
      endpoint: this.description,
      reason: reason.getErrorMessage(),
    });
    this.deliverConnectionFailure(reason);
    this.scheduleRetry();
  }

  private clientDisconnected(attempt: Attempt<P>): void {
    if (attempt !== this.attempt) return;
    switch (this.state) {
      case 'connected':
        this.attempt = null;
        this.current = null;
        this.failedAttempts++;
        this.log.info('Lost connection to {endpoint}: {reason}', {
          endpoint: this.description,
          reason: attempt.lost?.getErrorMessage(),
        });
        this.scheduleRetry();
        return;
      case 'connecting':
        // Lost before the attempt finished (in prepareConnection): connectionFailed() takes
        // over with the loss as the reason.
        attempt.inProgress?.cancel();
        return;
      case 'disconnecting':
        this.finishStopping();
        return;
      case 'idle':
      case 'waiting':
      case 'stopped':
        return;
    }
  }

  private scheduleRetry(): void {
    this.state = 'waiting';
    const delay = this.retryPolicy(this.failedAttempts);
    this.log.info('Scheduling retry {attempt} to connect {endpoint} in {delay} seconds.', {
      attempt: this.failedAttempts,
      endpoint: this.description,
      delay,
    });
    this.retryCall = this.clock.callLater(delay, () => {
      this.retryCall = null;
      this.connect();
    });
  }

  /** Fail the whenConnected() waiters whose failAfterFailures budget this failure uses up. */
  private deliverConnectionFailure(reason: Failure): void {
    const ready: Deferred<P>[] = [];
    for (let i = this.connectionWaiters.length - 1; i >= 0; i--) {
      const waiter = this.connectionWaiters[i]!;
      if (waiter.remainingFailures === null) continue;
      waiter.remainingFailures--;
      if (waiter.remainingFailures > 0) continue;
      this.connectionWaiters.splice(i, 1);
      ready.unshift(waiter.deferred);
    }
    for (const deferred of ready) deferred.errback(reason);
  }

  private finishStopping(): void {
    this.state = 'stopped';
    this.attempt = null;
    this.current = null;
    this.failedAttempts = 0;
    if (!this.restartWhenStopped) {
      for (const waiter of this.connectionWaiters.splice(0)) {
        waiter.deferred.errback(
          new CancelledError('The ClientService was stopped before a connection was made.'),
        );
      }
    }
    for (const stopped of this.stopWaiters.splice(0)) stopped.callback(undefined);
    if (this.restartWhenStopped) {
      this.restartWhenStopped = false;
      this.connect();
    }
  }

  private waitForStop(): Deferred<void> {
    const stopped = new Deferred<void>();
    this.stopWaiters.push(stopped);
    return stopped;
  }

  private forgetWaiter(waiter: ConnectionWaiter<P>): void {
    const index = this.connectionWaiters.indexOf(waiter);
    if (index >= 0) this.connectionWaiters.splice(index, 1);
  }
}
