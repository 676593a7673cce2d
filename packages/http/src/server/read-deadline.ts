import type { IDelayedCall, IReactorTime } from '@tw/core';

/**
 * One timeout that is moved far more often than it fires. Moving it only stores a number; the
 * reactor timer is re-armed when it fires early or when the deadline moves closer. A request
 * therefore costs no timer operations on the hot path, where clearTimeout/setTimeout per
 * request would.
 */
export class Deadline {
  private deadline = Infinity;
  private timer: IDelayedCall | null = null;
  private timerAt = Infinity;
  private readonly clock: IReactorTime;
  private readonly onExpire: () => void;

  constructor(clock: IReactorTime, onExpire: () => void) {
    this.clock = clock;
    this.onExpire = onExpire;
  }

  /**
   * Expire `seconds` from now (replacing any earlier setting). `now` is the clock's time when
   * the caller has just read it: one reading can serve a whole batch of requests.
   */
  set(seconds: number, now: number = this.clock.seconds()): void {
    const at = now + seconds;
    this.deadline = at;
    if (this.timer === null || at < this.timerAt) this.arm(at, seconds);
  }

  clear(): void {
    this.deadline = Infinity;
  }

  get active(): boolean {
    return this.deadline !== Infinity;
  }

  /** Cancel the reactor timer for good (the connection is gone). */
  stop(): void {
    this.deadline = Infinity;
    const timer = this.timer;
    this.timer = null;
    if (timer !== null && timer.active()) timer.cancel();
  }

  private arm(at: number, seconds: number): void {
    if (this.timer !== null && this.timer.active()) this.timer.cancel();
    this.timerAt = at;
    this.timer = this.clock.callLater(Math.max(0, seconds), () => this.check());
  }

  private check(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.deadline === Infinity) return;
    const now = this.clock.seconds();
    if (now >= this.deadline) {
      this.deadline = Infinity;
      this.onExpire();
      return;
    }
    this.arm(this.deadline, this.deadline - now);
  }
}
