import type { IDelayedCall, IReactorTime } from '@tw/core';

/** What the keepalive does when the server goes quiet. */
export interface KeepaliveHost {
  /** Send `PING <token>` past flood control. */
  sendPing(token: string): void;
  /** Registration did not finish in time. */
  registrationTimedOut(seconds: number): void;
  /** The server sent nothing, not even a PONG, for two ping intervals. */
  serverSilent(seconds: number): void;
}

/**
 * Notices a dead link from the client side (Twisted's heartbeat): when the server has sent
 * nothing for `pingInterval` seconds the client PINGs it, and when another interval passes in
 * silence the connection is given up, so a ClientService can reconnect instead of waiting on a
 * half-open TCP connection forever. Registration has its own deadline for the same reason.
 *
 * Activity is a timestamp, not a timer reset per chunk: the timer wakes once per interval.
 */
export class ServerKeepalive {
  private lastActivity: number;
  private idleTimer: IDelayedCall | null = null;
  private registrationTimer: IDelayedCall | null = null;
  private pinged = false;

  constructor(
    private readonly clock: IReactorTime,
    private readonly registrationTimeout: number,
    private readonly pingInterval: number,
    private readonly host: KeepaliveHost,
  ) {
    this.lastActivity = clock.seconds();
  }

  start(): void {
    if (this.registrationTimeout > 0) {
      this.registrationTimer = this.clock.callLater(this.registrationTimeout, () => {
        this.registrationTimer = null;
        this.host.registrationTimedOut(this.registrationTimeout);
      });
    }
    this.schedule(this.pingInterval);
  }

  /** Registration finished: its deadline no longer applies. */
  registered(): void {
    this.registrationTimer?.cancel();
    this.registrationTimer = null;
  }

  /** The server sent something. */
  activity(): void {
    this.lastActivity = this.clock.seconds();
    this.pinged = false;
  }

  stop(): void {
    this.registered();
    this.idleTimer?.cancel();
    this.idleTimer = null;
  }

  private schedule(delay: number): void {
    if (this.pingInterval <= 0) return;
    this.idleTimer = this.clock.callLater(delay, () => this.wake());
  }

  private wake(): void {
    this.idleTimer = null;
    const quiet = this.clock.seconds() - this.lastActivity;
    if (quiet < this.pingInterval) {
      this.schedule(this.pingInterval - quiet);
      return;
    }
    if (this.pinged) {
      this.host.serverSilent(quiet);
      return;
    }
    this.pinged = true;
    this.host.sendPing(`tw-${Math.floor(this.clock.seconds())}`);
    this.schedule(this.pingInterval);
  }
}
