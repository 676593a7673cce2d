import { randomBytes } from 'node:crypto';
import type { IDelayedCall, IReactorTime } from '@tw/core';
import { Logger } from '@tw/core';
import type { ISession } from '../interfaces.js';

const log = new Logger('tw.http.session');

/** Seconds a session lives without being touched (twisted.web.server.Session.sessionTimeout). */
export const DEFAULT_SESSION_TIMEOUT = 900;
/**
 * Sessions kept at once. A client that sends no cookie gets a new session each time a resource
 * asks for one, so without a cap a flood of cookie-less requests would grow memory for fifteen
 * minutes; at the cap the least recently used session is expired to make room.
 */
export const DEFAULT_MAX_SESSIONS = 100_000;

export interface SessionStoreOptions {
  /** Seconds of inactivity before a session expires (default 900). */
  readonly sessionTimeout?: number;
  /** Most sessions kept at once; the least recently used is expired beyond it (default 100 000). */
  readonly maxSessions?: number;
}

/**
 * Server-side state for one client (twisted.web.server.Session): a random uid the client holds
 * in a cookie, a `data` map for the application, and expiry after `sessionTimeout` seconds
 * without a request (checked with the reactor's clock, so tests run it on a Clock).
 */
export class Session implements ISession {
  readonly data = new Map<string, unknown>();
  /** The reactor time of the last touch(). */
  lastModified: number;
  private readonly expireCallbacks: (() => void)[] = [];
  private expireCall: IDelayedCall | null = null;
  private expired = false;

  constructor(
    private readonly store: SessionStore,
    readonly uid: string,
    private readonly reactor: IReactorTime,
    /** Made over HTTPS: only ever handed back to requests over HTTPS. */
    readonly secure: boolean,
    readonly sessionTimeout: number,
  ) {
    this.lastModified = reactor.seconds();
  }

  /** Schedule the expiry check (the store does this when it makes the session). */
  startCheckingExpiration(): void {
    if (this.expired || this.expireCall !== null) return;
    this.expireCall = this.reactor.callLater(this.sessionTimeout, () => this.checkExpired());
  }

  /** Mark the session as used now, postponing its expiry. */
  touch(): void {
    if (this.expired) return;
    this.lastModified = this.reactor.seconds();
    this.store.markUsed(this);
  }

  /** Call `callback` once when the session expires. */
  notifyOnExpire(callback: () => void): void {
    this.expireCallbacks.push(callback);
  }

  /** End the session now: forget it and run the expiry callbacks. Idempotent. */
  expire(): void {
    if (this.expired) return;
    this.expired = true;
    if (this.expireCall?.active() === true) this.expireCall.cancel();
    this.expireCall = null;
    this.store.forget(this);
    const callbacks = this.expireCallbacks.splice(0);
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        log.failure('Session expiry callback failed', error);
      }
    }
  }

  /** True once expire() ran. */
  get isExpired(): boolean {
    return this.expired;
  }

  // One timer per session, not one reset per request: when it fires early because the session
  // was touched meanwhile, it is rescheduled for the remaining time.
  private checkExpired(): void {
    this.expireCall = null;
    const idle = this.reactor.seconds() - this.lastModified;
    if (idle >= this.sessionTimeout) {
      this.expire();
      return;
    }
    this.expireCall = this.reactor.callLater(this.sessionTimeout - idle, () => this.checkExpired());
  }
}

/**
 * The sessions of one Site, by uid. Lookups are constant time; the map's order doubles as the
 * least-recently-used order that the cap evicts from.
 */
export class SessionStore {
  readonly sessionTimeout: number;
  readonly maxSessions: number;
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly reactor: IReactorTime,
    options: SessionStoreOptions = {},
  ) {
    this.sessionTimeout = options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT;
    this.maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!(this.sessionTimeout > 0)) throw new RangeError('sessionTimeout must be > 0 seconds');
    if (!(this.maxSessions >= 1)) throw new RangeError('maxSessions must be >= 1');
  }

  /** A new session with a fresh 256-bit random uid, already counting down to expiry. */
  makeSession(secure = false): Session {
    while (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.values().next().value as Session;
      oldest.expire();
    }
    const uid = randomBytes(32).toString('hex');
    const session = new Session(this, uid, this.reactor, secure, this.sessionTimeout);
    this.sessions.set(uid, session);
    session.startCheckingExpiration();
    return session;
  }

  /** The live session with this uid, or null (twisted's Site.getSession raises KeyError). */
  getSession(uid: string): Session | null {
    return this.sessions.get(uid) ?? null;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Expire every session (when the site stops). */
  expireAll(): void {
    for (const session of [...this.sessions.values()]) session.expire();
  }

  /** @internal Move to the most-recently-used end. */
  markUsed(session: Session): void {
    if (this.sessions.get(session.uid) !== session) return;
    this.sessions.delete(session.uid);
    this.sessions.set(session.uid, session);
  }

  /** @internal Called by Session.expire(). */
  forget(session: Session): void {
    if (this.sessions.get(session.uid) === session) this.sessions.delete(session.uid);
  }
}
