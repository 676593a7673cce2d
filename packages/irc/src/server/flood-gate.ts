import type { IDelayedCall, IReactorTime } from '@tw/core';
import type { IRCFloodConfig } from './config.js';

/** What a FloodGate does with lines: process them, or give up on the client. */
export interface FloodGateHandlers {
  process(line: string): void;
  excess(): void;
}

/**
 * Per-client flood control: a token bucket on the reactor's clock. Each line costs a token; the
 * bucket holds `burst` and refills at `perSecond`. A line that finds it empty waits in a queue
 * (processed in order as tokens come back); when more than `maxQueuedLines` wait, the client is
 * flooding and `excess()` is called. `burst` or `perSecond` 0 lets every line straight through.
 */
export class FloodGate {
  private tokens: number;
  private lastRefill: number;
  private readonly queue: string[] = [];
  private timer: IDelayedCall | null = null;
  private stopped = false;
  private readonly enabled: boolean;

  constructor(
    private readonly reactor: IReactorTime,
    private readonly config: IRCFloodConfig,
    private readonly handlers: FloodGateHandlers,
  ) {
    this.enabled = config.burst > 0 && config.perSecond > 0;
    this.tokens = config.burst;
    this.lastRefill = reactor.seconds();
  }

  /** A line arrived. */
  offer(line: string): void {
    if (this.stopped) return;
    if (!this.enabled) {
      this.handlers.process(line);
      return;
    }
    if (this.queue.length === 0 && this.take()) {
      this.handlers.process(line);
      return;
    }
    this.queue.push(line);
    if (this.queue.length > this.config.maxQueuedLines) {
      this.stop();
      this.handlers.excess();
      return;
    }
    this.scheduleDrain();
  }

  /** Drop queued lines and timers (the connection is closing). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.timer?.cancel();
    this.timer = null;
  }

  private take(): boolean {
    const now = this.reactor.seconds();
    this.tokens = Math.min(
      this.config.burst,
      this.tokens + (now - this.lastRefill) * this.config.perSecond,
    );
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private scheduleDrain(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, (1 - this.tokens) / this.config.perSecond);
    this.timer = this.reactor.callLater(wait, () => {
      this.timer = null;
      this.drain();
    });
  }

  private drain(): void {
    while (!this.stopped && this.queue.length > 0 && this.take()) {
      this.handlers.process(this.queue.shift()!);
    }
    if (!this.stopped && this.queue.length > 0) this.scheduleDrain();
  }
}
