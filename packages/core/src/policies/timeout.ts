import type { Failure } from '../defer/failure.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { IDelayedCall, IReactorTime } from '../interfaces/reactor.js';
import type { ITransport } from '../interfaces/transport.js';
import { ProtocolWrapper, WrappingFactory } from './wrapping-factory.js';

/**
 * An idle timer (Twisted's `policies.TimeoutMixin`, as a helper used by composition): calls
 * `onTimeout` once `seconds` pass without `resetTimeout()`. A protocol typically creates one in
 * connectionMade(), calls `resetTimeout()` in dataReceived() and `cancel()` in connectionLost():
 *
 * ```ts
 * this.idle = new IdleTimeout(reactor, 300, () => this.transport.loseConnection());
 * ```
 *
 * The timer fires once; after that `resetTimeout()` does nothing until `setTimeout()` re-arms it.
 */
export class IdleTimeout {
  private period: number | null = null;
  private call: IDelayedCall | null = null;

  /** Starts counting at once unless `seconds` is null. */
  constructor(
    private readonly clock: IReactorTime,
    seconds: number | null,
    private readonly onTimeout: () => void,
  ) {
    this.setTimeout(seconds);
  }

  /** The current period in seconds, or null when disabled. */
  get timeOut(): number | null {
    return this.period;
  }

  /** True while the timer is counting. */
  get active(): boolean {
    return this.call !== null;
  }

  /** Start counting the period again from now (call it on every sign of activity). */
  resetTimeout(): void {
    if (this.call !== null && this.period !== null) this.call.reset(this.period);
  }

  /**
   * Change the period and restart counting from now; null disables the timer. Returns the
   * previous period.
   */
  setTimeout(seconds: number | null): number | null {
    const previous = this.period;
    this.period = seconds;
    if (seconds === null) {
      this.cancel();
    } else if (this.call !== null) {
      this.call.reset(seconds);
    } else {
      this.call = this.clock.callLater(seconds, () => this.timedOut());
    }
    return previous;
  }

  /** Stop the timer (the period is kept for a later setTimeout()). */
  cancel(): void {
    if (this.call === null) return;
    if (this.call.active()) this.call.cancel();
    this.call = null;
  }

  private timedOut(): void {
    this.call = null;
    this.onTimeout();
  }
}

/**
 * Wraps a protocol and closes its connection after `timeoutPeriod` seconds without data in either
 * direction (Twisted's `policies.TimeoutProtocol`). Built by TimeoutFactory.
 */
export class TimeoutProtocol extends ProtocolWrapper {
  private readonly idle: IdleTimeout;
  /** The period to count once connected (and the one setTimeout() last chose). */
  private pendingPeriod: number | null;

  constructor(factory: TimeoutFactory, wrappedProtocol: IProtocol, timeoutPeriod: number | null) {
    super(factory, wrappedProtocol);
    // Not counting yet: the period starts when the connection is made.
    this.idle = new IdleTimeout(factory.clock, null, () => this.timeoutFunc());
    this.pendingPeriod = timeoutPeriod;
  }

  override makeConnection(transport: ITransport): void {
    this.idle.setTimeout(this.pendingPeriod);
    super.makeConnection(transport);
  }

  /** Change the idle period (null: never time out), counting from now. */
  setTimeout(timeoutPeriod: number | null): void {
    this.pendingPeriod = timeoutPeriod;
    if (this.connected) this.idle.setTimeout(timeoutPeriod);
  }

  /** Stop the timer for good. */
  cancelTimeout(): void {
    this.pendingPeriod = null;
    this.idle.cancel();
  }

  /** Start the idle period over. */
  resetTimeout(): void {
    this.idle.resetTimeout();
  }

  override write(data: Uint8Array): void {
    this.idle.resetTimeout();
    super.write(data);
  }

  override writeSequence(chunks: Iterable<Uint8Array>): void {
    this.idle.resetTimeout();
    super.writeSequence(chunks);
  }

  override dataReceived(data: Uint8Array): void {
    this.idle.resetTimeout();
    super.dataReceived(data);
  }

  override connectionLost(reason: Failure): void {
    this.idle.cancel();
    super.connectionLost(reason);
  }

  /** The connection was idle too long. Default: close it. */
  timeoutFunc(): void {
    this.loseConnection();
  }
}

export interface TimeoutFactoryOptions {
  /** The reactor (or Clock) whose time is measured. */
  readonly clock: IReactorTime;
  /** Seconds of idleness before a connection is closed; null never closes. Default 1800. */
  readonly timeoutPeriod?: number | null;
}

/**
 * Closes connections that stay idle (no data read or written) for `timeoutPeriod` seconds
 * (Twisted's `policies.TimeoutFactory`, default 30 minutes).
 */
export class TimeoutFactory extends WrappingFactory {
  readonly clock: IReactorTime;
  timeoutPeriod: number | null;

  constructor(wrappedFactory: IProtocolFactory, options: TimeoutFactoryOptions) {
    super(wrappedFactory);
    this.clock = options.clock;
    this.timeoutPeriod = options.timeoutPeriod === undefined ? 30 * 60 : options.timeoutPeriod;
  }

  protected override wrapProtocol(wrapped: IProtocol): TimeoutProtocol {
    return new TimeoutProtocol(this, wrapped, this.timeoutPeriod);
  }
}
