import type { ILogObserver, LogEvent } from '../../interfaces/logger.js';

/**
 * Keeps the last `size` events in a ring buffer (Twisted's LimitedHistoryLogObserver): for a
 * "recent events" view, or to hold early events until the real observers are configured and
 * then `replayTo()` them. Register `history.observer`.
 */
export class LimitedHistoryLogObserver {
  private readonly buffer: (LogEvent | undefined)[];
  private next = 0;
  private count = 0;

  /** The observer to register on a publisher. */
  readonly observer: ILogObserver = (event) => {
    this.buffer[this.next] = event;
    this.next = (this.next + 1) % this.size;
    this.count = Math.min(this.count + 1, this.size);
  };

  constructor(readonly size = 1000) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `LimitedHistoryLogObserver size must be a positive integer, got ${String(size)}`,
      );
    }
    this.buffer = new Array<LogEvent | undefined>(size);
  }

  /** The kept events, oldest first. */
  events(): LogEvent[] {
    const start = (this.next - this.count + this.size) % this.size;
    const result: LogEvent[] = [];
    for (let i = 0; i < this.count; i++) {
      const event = this.buffer[(start + i) % this.size];
      if (event !== undefined) result.push(event);
    }
    return result;
  }

  /** Give every kept event, oldest first, to `observer`. */
  replayTo(observer: ILogObserver): void {
    for (const event of this.events()) observer(event);
  }

  /** Forget every kept event. */
  clear(): void {
    this.buffer.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
