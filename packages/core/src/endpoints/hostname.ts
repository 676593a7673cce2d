import { ipAddress } from '../address/address.js';
import { Deferred } from '../defer/deferred.js';
import type { Failure } from '../defer/failure.js';
import { ConnectTimeoutError, DNSLookupError } from '../errors/connection.js';
import { CancelledError } from '../errors/defer.js';
import type { Address, IPv4Address, IPv6Address } from '../interfaces/address.js';
import type { IStreamClientEndpoint } from '../interfaces/endpoint.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type {
  IDelayedCall,
  IReactorPluggableResolver,
  IReactorTCP,
  IReactorTime,
} from '../interfaces/reactor.js';
import { AllConnectionAttemptsFailedError, ConnectingCancelledError } from './errors.js';
import { isIPLiteral } from './ip-literal.js';
import { DEFAULT_CONNECT_TIMEOUT, TCP4ClientEndpoint, TCP6ClientEndpoint } from './tcp.js';

/** What HostnameEndpoint needs from its reactor: time, TCP and a resolver. */
export type HostnameEndpointReactor = IReactorTime & IReactorTCP & IReactorPluggableResolver;

export interface HostnameEndpointOptions {
  /** Seconds for the whole connect, name resolution included (default 30); then ConnectTimeoutError. */
  readonly timeout?: number;
  /** Local address to connect from. */
  readonly bindAddress?: { readonly host: string; readonly port?: number };
  /** RFC 8305 "Connection Attempt Delay": seconds before the next address is tried (default 0.25). */
  readonly attemptDelay?: number;
  /**
   * The endpoint used to try one resolved address. Default: TCP6ClientEndpoint for IPv6,
   * TCP4ClientEndpoint for IPv4. The `tls:` client parser passes one that makes a
   * TLSClientEndpoint verifying the original host name.
   */
  readonly endpointForAddress?: (
    address: IPv4Address | IPv6Address,
    timeout: number,
  ) => IStreamClientEndpoint;
}

/** RFC 8305 recommends 250 ms. */
export const DEFAULT_ATTEMPT_DELAY = 0.25;

/**
 * Connects to a host name the way RFC 8305 ("Happy Eyeballs v2") asks (Twisted's
 * HostnameEndpoint): resolve with `reactor.resolver`, order the addresses IPv6 first,
 * alternating families, and start one attempt after another — the next one `attemptDelay`
 * seconds after the previous started, or at once when an attempt fails. The first attempt to
 * connect wins; the others are cancelled.
 *
 * Failures: DNSLookupError when the name does not resolve (or to no IP address);
 * AllConnectionAttemptsFailedError (a ConnectError, with every attempt's failure in
 * `failures`) when every address failed; ConnectTimeoutError after `timeout` seconds;
 * ConnectingCancelledError when the returned Deferred is cancelled.
 *
 * All timing goes through `reactor.callLater`, so it runs on virtual time in tests.
 */
export class HostnameEndpoint implements IStreamClientEndpoint {
  /** The host name (or IP literal) without IPv6 brackets. */
  readonly host: string;

  constructor(
    private readonly reactor: HostnameEndpointReactor,
    host: string,
    readonly port: number,
    private readonly options: HostnameEndpointOptions = {},
  ) {
    this.host = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  }

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    return new HappyEyeballsAttempt(
      this.reactor,
      this.host,
      this.port,
      this.options,
      factory,
    ).start();
  }
}

/** One connect() call's state: the resolution, the attempts in flight, their failures, the timers. */
class HappyEyeballsAttempt<P extends IProtocol> {
  private finished = false;
  private exhausted = false;
  private queue: Array<IPv4Address | IPv6Address> = [];
  private readonly pending = new Set<Deferred<P>>();
  private readonly failures: Failure[] = [];
  private resolution: Deferred<Address[]> | null = null;
  private nextAttemptTimer: IDelayedCall | null = null;
  private timeoutTimer: IDelayedCall | null = null;
  private readonly result: Deferred<P>;
  private readonly timeout: number;

  constructor(
    private readonly reactor: HostnameEndpointReactor,
    private readonly host: string,
    private readonly port: number,
    private readonly options: HostnameEndpointOptions,
    private readonly factory: IProtocolFactory<P>,
  ) {
    this.timeout = options.timeout ?? DEFAULT_CONNECT_TIMEOUT;
    this.result = new Deferred<P>((deferred) => {
      this.finish();
      deferred.errback(new ConnectingCancelledError(null, this.destination()));
    });
  }

  start(): Deferred<P> {
    this.timeoutTimer = this.reactor.callLater(this.timeout, () => {
      this.timeoutTimer = null;
      if (this.finished) return;
      this.finish();
      this.result.errback(
        new ConnectTimeoutError(
          `Could not connect to ${this.destination()} within ${this.timeout} seconds ` +
            `(${this.failures.length} attempt(s) failed before that). Raise the timeout option if the host is slow.`,
        ),
      );
    });
    if (isIPLiteral(this.host)) {
      this.addressesResolved([ipAddress('TCP', this.host, this.port)]);
    } else {
      this.resolve();
    }
    return this.result;
  }

  private resolve(): void {
    let resolution: Deferred<Address[]>;
    try {
      resolution = this.reactor.resolver.resolveHostName(this.host, this.port);
    } catch (error) {
      resolution = Deferred.fail(error);
    }
    this.resolution = resolution;
    resolution.addCallbacks(
      (addresses) => {
        this.resolution = null;
        this.addressesResolved(addresses);
        return null;
      },
      (failure) => {
        this.resolution = null;
        if (this.finished) return null;
        this.finish();
        const error = failure.value;
        this.result.errback(
          error instanceof DNSLookupError
            ? error
            : new DNSLookupError(
                `Could not resolve ${JSON.stringify(this.host)}: ${describe(error)}`,
                { cause: error },
              ),
        );
        return null;
      },
    );
  }

  private addressesResolved(addresses: readonly Address[]): void {
    if (this.finished) return;
    this.queue = interleaveAddressFamilies(addresses);
    if (this.queue.length === 0) {
      this.finish();
      this.result.errback(
        new DNSLookupError(`${JSON.stringify(this.host)} resolved to no IP address.`),
      );
      return;
    }
    this.startNextAttempt();
  }

  private startNextAttempt(): void {
    this.cancelNextAttemptTimer();
    if (this.finished) return;
    const address = this.queue.shift();
    if (address === undefined) {
      this.exhausted = true;
      this.failIfAllFailed();
      return;
    }
    let attempt: Deferred<P>;
    try {
      attempt = this.endpointFor(address).connect(this.factory);
    } catch (error) {
      attempt = Deferred.fail(error);
    }
    this.pending.add(attempt);
    attempt.addCallbacks(
      (protocol) => {
        this.pending.delete(attempt);
        this.won(protocol);
        return null;
      },
      (failure) => {
        this.pending.delete(attempt);
        if (this.finished) return null;
        this.failures.push(failure);
        this.startNextAttempt();
        return null;
      },
    );
    // When the attempt failed synchronously the next one has started (and scheduled its own timer).
    if (!this.finished && this.pending.has(attempt) && this.queue.length > 0) {
      this.nextAttemptTimer = this.reactor.callLater(
        this.options.attemptDelay ?? DEFAULT_ATTEMPT_DELAY,
        () => {
          this.nextAttemptTimer = null;
          this.startNextAttempt();
        },
      );
    }
  }

  private endpointFor(address: IPv4Address | IPv6Address): IStreamClientEndpoint {
    if (this.options.endpointForAddress !== undefined)
      return this.options.endpointForAddress(address, this.timeout);
    const options =
      this.options.bindAddress === undefined
        ? { timeout: this.timeout }
        : { timeout: this.timeout, bindAddress: this.options.bindAddress };
    return address.family === 'IPv6'
      ? new TCP6ClientEndpoint(this.reactor, address.host, this.port, options)
      : new TCP4ClientEndpoint(this.reactor, address.host, this.port, options);
  }

  private won(protocol: P): void {
    if (this.finished) {
      // Only reachable if an attempt ignored cancellation: drop the surplus connection.
      (protocol as { transport?: { loseConnection?: () => void } }).transport?.loseConnection?.();
      return;
    }
    this.finish();
    this.result.callback(protocol);
  }

  private failIfAllFailed(): void {
    if (this.finished || !this.exhausted || this.pending.size > 0) return;
    this.finish();
    this.result.errback(new AllConnectionAttemptsFailedError(this.host, this.port, this.failures));
  }

  /** Stop everything still running: timers, the resolution, attempts in flight. */
  private finish(): void {
    this.finished = true;
    this.cancelNextAttemptTimer();
    if (this.timeoutTimer?.active()) this.timeoutTimer.cancel();
    this.timeoutTimer = null;
    this.resolution?.cancel();
    this.resolution = null;
    for (const attempt of [...this.pending]) attempt.cancel();
    this.pending.clear();
  }

  private cancelNextAttemptTimer(): void {
    if (this.nextAttemptTimer?.active()) this.nextAttemptTimer.cancel();
    this.nextAttemptTimer = null;
  }

  private destination(): string {
    return `${this.host} port ${this.port}`;
  }
}

/**
 * RFC 8305 §4: IP addresses only, duplicates removed, IPv6 first, then alternating families,
 * keeping the resolver's order within each family.
 */
export function interleaveAddressFamilies(
  addresses: readonly Address[],
): Array<IPv4Address | IPv6Address> {
  const seen = new Set<string>();
  const v6: IPv6Address[] = [];
  const v4: IPv4Address[] = [];
  for (const address of addresses) {
    if (address.family !== 'IPv4' && address.family !== 'IPv6') continue;
    const key = `${address.family} ${address.host}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (address.family === 'IPv6') v6.push(address);
    else v4.push(address);
  }
  const ordered: Array<IPv4Address | IPv6Address> = [];
  for (let i = 0; i < Math.max(v6.length, v4.length); i++) {
    if (i < v6.length) ordered.push(v6[i]!);
    if (i < v4.length) ordered.push(v4[i]!);
  }
  return ordered;
}

function describe(error: unknown): string {
  if (error instanceof CancelledError) return 'the lookup was cancelled';
  return error instanceof Error ? error.message : String(error);
}
