import type { Address } from '../interfaces/address.js';
import type { IReactorTime } from '../interfaces/reactor.js';
import { defaultPeerKey } from '../policies/limit-connections-by-peer.js';

/**
 * How failed logins are slowed down. Times are seconds of reactor time.
 *
 * After the n-th failure in a row for one (user name, peer) pair the failure is reported only
 * after `min(maxDelay, baseDelay · factor^(n-1))`: a person who mistyped waits a second, a
 * guessing program is slowed to a crawl. With `lockoutThreshold` set, that many failures within
 * `lockoutWindow` refuse every attempt of the pair — even with the right password — for
 * `lockoutDuration`. Lockout is off by default because it lets anyone who can reach the server
 * lock a user out from that peer.
 */
export interface LoginThrottleOptions {
  /** Delay after the first failure; default 1. */
  readonly baseDelay?: number;
  /** Growth per further failure; default 2. */
  readonly factor?: number;
  /** Cap on the delay; default 30. */
  readonly maxDelay?: number;
  /** Failures within lockoutWindow that lock the pair out; default null (no lockout). */
  readonly lockoutThreshold?: number | null;
  /** Default 900 (15 minutes). */
  readonly lockoutWindow?: number;
  /** Default 900 (15 minutes). */
  readonly lockoutDuration?: number;
  /** A pair with no failure for this long starts afresh; default 3600. */
  readonly forgetAfter?: number;
  /**
   * Pairs remembered at most; the least recently failed are forgotten first, so a flood of
   * made-up user names costs bounded memory. Default 10000.
   */
  readonly maxTrackedKeys?: number;
}

interface FailureRecord {
  /** Failures in a row (reset by a success or forgetAfter idle). */
  consecutive: number;
  /** Times of the most recent failures, at most lockoutThreshold of them. */
  recent: number[];
  lastFailure: number;
  lockedUntil: number;
}

/** Rate limits failed logins per (user name, peer); Portal consults it on every login. */
export class LoginThrottle {
  private readonly records = new Map<string, FailureRecord>();
  private readonly baseDelay: number;
  private readonly factor: number;
  private readonly maxDelay: number;
  private readonly lockoutThreshold: number | null;
  private readonly lockoutWindow: number;
  private readonly lockoutDuration: number;
  private readonly forgetAfter: number;
  private readonly maxTrackedKeys: number;

  constructor(
    readonly clock: IReactorTime,
    options: LoginThrottleOptions = {},
  ) {
    this.baseDelay = options.baseDelay ?? 1;
    this.factor = options.factor ?? 2;
    this.maxDelay = options.maxDelay ?? 30;
    this.lockoutThreshold = options.lockoutThreshold ?? null;
    this.lockoutWindow = options.lockoutWindow ?? 900;
    this.lockoutDuration = options.lockoutDuration ?? 900;
    this.maxTrackedKeys = options.maxTrackedKeys ?? 10000;
    // A record must outlive the lockout it carries and the window its failures count in.
    const forgetAfter = options.forgetAfter ?? 3600;
    this.forgetAfter =
      this.lockoutThreshold === null
        ? forgetAfter
        : Math.max(forgetAfter, this.lockoutDuration, this.lockoutWindow);
    if (this.lockoutThreshold !== null && !(this.lockoutThreshold >= 1)) {
      throw new RangeError(
        `lockoutThreshold must be at least 1 or null, not ${this.lockoutThreshold}.`,
      );
    }
  }

  /** The key of a (user name, peer) pair. A TCP peer counts by host, not port. */
  static keyFor(username: string, peer: Address | string | null): string {
    const where = peer === null ? '' : typeof peer === 'string' ? peer : defaultPeerKey(peer);
    return `${where}\u0000${username}`;
  }

  /** True while the pair is locked out. */
  isLockedOut(key: string): boolean {
    const record = this.current(key);
    return record !== undefined && record.lockedUntil > this.clock.seconds();
  }

  /** The delay a failure of the pair would get now (without recording one). */
  pendingDelay(key: string): number {
    const record = this.current(key);
    return this.delayAfter(record === undefined ? 1 : record.consecutive + 1);
  }

  /** Count a failure; returns how long to wait before reporting it. */
  recordFailure(key: string): number {
    const now = this.clock.seconds();
    const record = this.current(key) ?? {
      consecutive: 0,
      recent: [],
      lastFailure: now,
      lockedUntil: 0,
    };
    record.consecutive += 1;
    record.lastFailure = now;
    if (this.lockoutThreshold !== null) {
      record.recent.push(now);
      while (record.recent.length > this.lockoutThreshold) record.recent.shift();
      const inWindow = record.recent.filter((t) => now - t < this.lockoutWindow).length;
      if (inWindow >= this.lockoutThreshold) {
        record.lockedUntil = now + this.lockoutDuration;
        record.recent = [];
      }
    }
    // Re-insert so the Map's order is least-recently-failed first.
    this.records.delete(key);
    this.records.set(key, record);
    this.evict();
    return this.delayAfter(record.consecutive);
  }

  /** Forget the pair's failures after a successful login. */
  recordSuccess(key: string): void {
    this.records.delete(key);
  }

  /** How many pairs are remembered (for tests and metrics). */
  get trackedKeys(): number {
    return this.records.size;
  }

  private delayAfter(failures: number): number {
    return Math.min(this.maxDelay, this.baseDelay * this.factor ** (failures - 1));
  }

  private current(key: string): FailureRecord | undefined {
    const record = this.records.get(key);
    if (record === undefined) return undefined;
    const now = this.clock.seconds();
    if (record.lockedUntil <= now && now - record.lastFailure >= this.forgetAfter) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  private evict(): void {
    for (const key of this.records.keys()) {
      if (this.records.size <= this.maxTrackedKeys) return;
      this.records.delete(key);
    }
  }
}
