import { formatAddress } from '../address/address.js';
import type { Failure } from '../defer/failure.js';
import { TwError } from '../errors/tw-error.js';
import type { Address } from '../interfaces/address.js';
import type { ILogger } from '../interfaces/logger.js';
import type { IConnector, IProtocol } from '../interfaces/protocol.js';
import type { IDelayedCall, IReactorTime } from '../interfaces/reactor.js';
import { Logger } from '../log/logger.js';
import { ClientFactory } from './factory.js';

/** A ReconnectingClientFactory had to schedule a retry but was given no clock. */
export class NoClockError extends TwError {
  constructor(owner: string) {
    super(
      'TW_PROTOCOL_NO_CLOCK',
      `${owner} needs a clock to schedule retries: pass { clock: reactor } (or a Clock in ` +
        'tests) to its constructor, or set its `clock` property before connecting.',
    );
  }
}

/** retry() was called with no connector, and no connection attempt has reported one yet. */
export class NoConnectorError extends TwError {
  constructor() {
    super(
      'TW_PROTOCOL_NO_CONNECTOR',
      'retry() has no connector to retry: pass one, or let a failed/lost connection report it first.',
    );
  }
}

export interface ReconnectingClientFactoryOptions {
  /** Schedules the retries: the reactor, or a Clock in tests. */
  readonly clock?: IReactorTime;
  /** Uniform random numbers in [0, 1) for the jitter (default Math.random); tests pin it. */
  readonly random?: () => number;
  /** Where retries and giving up are logged (default: `tw.protocol`). */
  readonly log?: ILogger;
}

/**
 * A client factory that reconnects when a connection fails or is lost, waiting longer each time
 * (Twisted's ReconnectingClientFactory): the delay is multiplied by `factor` (e) per retry, up to
 * `maxDelay`, then drawn from a normal distribution around it with a standard deviation of
 * `jitter` × delay, so that many clients cut off together do not reconnect in lockstep.
 *
 * Each connection made resets the delay (buildProtocol() calls resetDelay(); a subclass that
 * overrides buildProtocol() without calling `super` should call it itself, as in Twisted).
 * stopTrying() stops for good; `maxRetries` gives up after that many retries in a row.
 *
 * ```ts
 * const factory = new ReconnectingClientFactory(EchoClient, { clock: reactor });
 * reactor.connectTCP('127.0.0.1', 7, factory);
 * ```
 */
export class ReconnectingClientFactory<P extends IProtocol = IProtocol> extends ClientFactory<P> {
  /** The longest wait in seconds before jitter (one hour). */
  maxDelay = 3600;
  initialDelay = 1.0;
  /** e: each retry waits this many times longer than the one before. */
  factor = 2.718281828459045;
  /** Standard deviation of the delay, as a fraction of it (a magic number from Twisted). */
  jitter = 0.11962656472;
  /** The delay of the retry scheduled last, in seconds. */
  delay = 1.0;
  /** Retries in a row since the last connection. */
  retries = 0;
  /** Give up after this many retries in a row; null retries for ever. */
  maxRetries: number | null = null;
  /** False once stopTrying() was called (resetDelay() turns it back on). */
  continueTrying = true;
  /** The connector of the last failed or lost connection: what retry() reconnects. */
  connector: IConnector | null = null;
  clock: IReactorTime | null;
  random: () => number;
  log: ILogger;
  private callID: IDelayedCall | null = null;

  constructor(protocol?: new () => P, options: ReconnectingClientFactoryOptions = {}) {
    super(protocol);
    this.clock = options.clock ?? null;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? new Logger('tw.protocol');
  }

  /** Builds the protocol for a connection just made, and resets the delay (we are connected). */
  override buildProtocol(addr: Address): P | null {
    if (this.continueTrying) this.resetDelay();
    return super.buildProtocol(addr);
  }

  override clientConnectionFailed(connector: IConnector, _reason: Failure): void {
    if (!this.continueTrying) return;
    this.connector = connector;
    this.retry();
  }

  override clientConnectionLost(connector: IConnector, _reason: Failure): void {
    if (!this.continueTrying) return;
    this.connector = connector;
    this.retry();
  }

  /** Schedule `connector.connect()` after the next delay (the last connector by default). */
  retry(connector?: IConnector): void {
    if (!this.continueTrying) return;
    const target = connector ?? this.connector;
    if (target === null) throw new NoConnectorError();
    const clock = this.clock;
    if (clock === null) throw new NoClockError('ReconnectingClientFactory');
    this.retries++;
    if (this.maxRetries !== null && this.retries > this.maxRetries) {
      this.log.info('Abandoning {destination} after {retries} retries.', {
        destination: describeDestination(target),
        retries: this.retries - 1,
      });
      return;
    }
    this.delay = Math.min(this.delay * this.factor, this.maxDelay);
    if (this.jitter !== 0) {
      // A negative draw (some ten standard deviations out) would mean "now"; clamp it.
      this.delay = Math.max(0, this.delay + this.delay * this.jitter * this.standardNormal());
    }
    this.log.info('Will retry {destination} in {delay} seconds.', {
      destination: describeDestination(target),
      delay: this.delay,
    });
    this.callID = clock.callLater(this.delay, () => {
      this.callID = null;
      target.connect();
    });
  }

  /** Stop for good: cancel a scheduled retry and abort an attempt in progress. */
  stopTrying(): void {
    if (this.callID !== null) {
      if (this.callID.active()) this.callID.cancel();
      this.callID = null;
    }
    this.continueTrying = false;
    if (this.connector !== null) {
      try {
        this.connector.stopConnecting();
      } catch {
        // Not connecting (already connected or idle): nothing to abort, as Twisted's
        // NotConnectingError is ignored. The connection itself is the caller's to drop.
      }
    }
  }

  /** Back to the initial delay, zero retries, and trying (call it when a connection is made). */
  resetDelay(): void {
    this.delay = this.initialDelay;
    this.retries = 0;
    this.continueTrying = true;
  }

  /** A draw from the standard normal distribution (Box–Muller) using `random`. */
  private standardNormal(): number {
    const u1 = 1 - this.random(); // in (0, 1]: log(0) would be -Infinity
    const u2 = this.random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

function describeDestination(connector: IConnector): string {
  return formatAddress(connector.getDestination());
}
