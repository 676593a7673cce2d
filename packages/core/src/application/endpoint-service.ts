import { formatAddress } from '../address/address.js';
import { Deferred, succeed } from '../defer/deferred.js';
import { Failure, markObserved } from '../defer/failure.js';
import { maybeDeferred } from '../defer/helpers.js';
import { CancelledError } from '../errors/defer.js';
import type { IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { ILogger } from '../interfaces/logger.js';
import type { IProtocolFactory } from '../interfaces/protocol.js';
import type { IListeningPort } from '../interfaces/reactor.js';
import { Logger } from '../log/logger.js';
import { Service } from './service.js';

export interface StreamServerEndpointServiceOptions {
  /** Where listen failures and the bound address are logged (default: `tw.application`). */
  readonly log?: ILogger;
  /** How the endpoint is named in log events, e.g. the description it was parsed from. */
  readonly description?: string;
  /**
   * Throw a listen failure that happens synchronously (the endpoint's Deferred has already
   * failed) out of privilegedStartService()/startService() instead of only logging it —
   * Twisted's `_raiseSynchronously`, what a command line wants at startup. Applies to the
   * first start only.
   */
  readonly raiseSynchronously?: boolean;
}

/**
 * A service that listens on a server endpoint while it runs (Twisted's
 * StreamServerEndpointService): privilegedStartService()/startService() call
 * `endpoint.listen(factory)`, stopService() stops listening (connections already accepted stay
 * open; the factory owns them).
 *
 * startService() returns a Deferred that fires once the port is bound, or fails with the listen
 * error (CannotListenError, …); the error is also logged, so a caller that ignores the Deferred
 * still learns of it.
 *
 * ```ts
 * const service = new StreamServerEndpointService(serverFromString(reactor, 'tcp:0'), factory);
 * await service.startService();
 * console.log(service.listeningPort?.getHost());
 * ```
 */
export class StreamServerEndpointService extends Service {
  readonly endpoint: IStreamServerEndpoint;
  readonly factory: IProtocolFactory;
  /** See {@link StreamServerEndpointServiceOptions.raiseSynchronously}; reset after a start. */
  raiseSynchronously: boolean;
  private readonly log: ILogger;
  /**
   * How the endpoint is named in logs and in `tw`'s table: the description it was parsed from,
   * when one was given.
   */
  readonly description: string;
  /** The listen in progress or done; fires with the port, or null when listening failed. */
  private waitingForPort: Deferred<IListeningPort | null> | null = null;
  /** The outcome of the current listen once known: the port, or why there is none. */
  private outcome: IListeningPort | Failure | null = null;
  private readonly listenWaiters: Deferred<void>[] = [];

  constructor(
    endpoint: IStreamServerEndpoint,
    factory: IProtocolFactory,
    options: StreamServerEndpointServiceOptions = {},
  ) {
    super();
    this.endpoint = endpoint;
    this.factory = factory;
    this.raiseSynchronously = options.raiseSynchronously ?? false;
    this.log = options.log ?? new Logger('tw.application');
    this.description = options.description ?? endpoint.constructor.name;
  }

  /** The bound port while listening, else null. */
  get listeningPort(): IListeningPort | null {
    return this.outcome instanceof Failure ? null : this.outcome;
  }

  /** Start listening (once; later calls while listening do nothing). */
  override privilegedStartService(): void {
    super.privilegedStartService();
    if (this.waitingForPort !== null) return;
    const raiseNow = this.raiseSynchronously;
    this.raiseSynchronously = false;
    this.outcome = null;
    let inThisCall = true;
    let raised: Failure | null = null;
    this.waitingForPort = maybeDeferred(() => this.endpoint.listen(this.factory)).addCallbacks(
      (port: IListeningPort) => {
        this.log.info('Listening on {address} ({endpoint})', {
          address: formatAddress(port.getHost()),
          endpoint: this.description,
        });
        this.settle(port);
        return port;
      },
      (failure: Failure) => {
        if (raiseNow && inThisCall) raised = failure;
        else if (failure.check(CancelledError) !== null) markObserved(failure);
        else
          this.log.failure(
            'Cannot listen on {endpoint}',
            failure,
            { endpoint: this.description },
            'error',
          );
        this.settle(failure);
        return null;
      },
    );
    inThisCall = false;
    if (raised !== null) (raised as Failure).raiseException();
  }

  /**
   * Start listening. The Deferred fires once the port is bound, or fails with the reason it
   * could not be (which is logged as well).
   */
  override startService(): Deferred<void> {
    super.startService();
    if (this.waitingForPort === null) this.privilegedStartService();
    const waiter = new Deferred<void>();
    if (this.outcome === null) this.listenWaiters.push(waiter);
    else this.deliver(waiter, this.outcome);
    return waiter;
  }

  /**
   * Stop listening: a listen still in progress is cancelled, a bound port is closed. Fires once
   * the port is closed; `running` turns false then.
   */
  override stopService(): Deferred<void> {
    const waiting = this.waitingForPort;
    this.waitingForPort = null;
    if (waiting === null) {
      super.stopService();
      return succeed(undefined);
    }
    waiting.cancel();
    return waiting
      .addCallback((port) => port?.stopListening())
      .addBoth((result) => {
        this.running = false;
        this.outcome = null;
        return result;
      }) as Deferred<void>;
  }

  private settle(outcome: IListeningPort | Failure): void {
    this.outcome = outcome;
    for (const waiter of this.listenWaiters.splice(0)) this.deliver(waiter, outcome);
  }

  private deliver(waiter: Deferred<void>, outcome: IListeningPort | Failure): void {
    if (outcome instanceof Failure) waiter.errback(outcome);
    else waiter.callback(undefined);
  }
}
