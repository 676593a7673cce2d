import type { RunQueue } from './run-queue.js';

/** Bytes waiting for iterate() across every connection and process of one reactor. */
export class QueuedBytesTotal {
  bytes = 0;
  constructor(readonly max: number) {}
}

/** Bounds on what connections may have waiting for the next iterate(). */
export interface InboxLimits {
  /**
   * Bytes one connection received but not yet delivered, above which it stops reading from its
   * socket (or pipe) until iterate() has delivered half of them. Default 1 MiB.
   */
  readonly maxQueuedBytes: number;
  /**
   * The same across all connections: once exceeded, every connection that receives more stops
   * reading until iterate() delivered its data — so many peers sending at once cannot add up
   * to many times maxQueuedBytes.
   */
  readonly total: QueuedBytesTotal;
}

export const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
export const DEFAULT_MAX_QUEUED_BYTES_TOTAL = 16 * 1024 * 1024;

/**
 * The ordered events of one connection (or process) waiting for iterate(). One task in the
 * run queue delivers them all, in order, so a connection's data always precedes its
 * connectionLost.
 *
 * Two things pause reading: the protocol (pauseProducing on its transport: no more data is
 * delivered, even data already queued, until resumeProducing) and the backlog (more than
 * `maxQueuedBytes` waiting because the host ticks slower than the peer sends). The source is
 * read again only when neither holds, so a slow host loop never buffers without bound.
 */
export abstract class EventInbox<E> {
  private events: E[] = [];
  private head = 0;
  private queuedBytes = 0;
  private draining = false;
  private scheduled = false;
  private pausedByProtocol = false;
  private pausedByBacklog = false;
  /** Once the connection is gone, holding its data back serves no one: deliver everything. */
  private ended = false;

  protected constructor(
    protected readonly queue: RunQueue,
    private readonly limits: InboxLimits,
  ) {}

  /** Hand one event to the wrapped protocol. */
  protected abstract deliver(event: E): void;
  /** Bytes of data an event carries (0 for anything that is not data). */
  protected abstract bytesOf(event: E): number;
  /** Stop / restart reading from the real socket or pipe. */
  protected abstract pauseSource(): void;
  protected abstract resumeSource(): void;

  /** Add an event; `final` marks the last one the source will produce. */
  protected enqueue(event: E, final = false): void {
    const bytes = this.bytesOf(event);
    this.events.push(event);
    if (final) this.ended = true;
    if (bytes > 0) {
      this.queuedBytes += bytes;
      const total = this.limits.total;
      total.bytes += bytes;
      const over = this.queuedBytes > this.limits.maxQueuedBytes || total.bytes > total.max;
      if (!this.pausedByBacklog && !this.ended && over) {
        this.pausedByBacklog = true;
        if (!this.pausedByProtocol) this.pauseSource();
      }
    }
    if (this.draining) return; // the running drain() picks it up, in order
    if (this.queue.active && this.size === 1) this.drain();
    else this.schedule();
  }

  /** The protocol paused its transport. */
  protected pauseByProtocol(): void {
    if (this.pausedByProtocol) return;
    this.pausedByProtocol = true;
    if (!this.pausedByBacklog) this.pauseSource();
  }

  /** The protocol resumed its transport; held data goes out in the next iterate(). */
  protected resumeByProtocol(): void {
    if (!this.pausedByProtocol) return;
    this.pausedByProtocol = false;
    if (!this.pausedByBacklog) this.resumeSource();
    if (this.size > 0) this.schedule();
  }

  private get size(): number {
    return this.events.length - this.head;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.queue.push(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    this.draining = true;
    try {
      while (this.head < this.events.length) {
        const event = this.events[this.head]!;
        const bytes = this.bytesOf(event);
        if (bytes > 0 && this.pausedByProtocol && !this.ended) break;
        this.events[this.head++] = undefined as E;
        this.queuedBytes -= bytes;
        this.limits.total.bytes -= bytes;
        this.deliver(event);
      }
    } finally {
      this.draining = false;
      if (this.head === this.events.length) {
        this.events = [];
        this.head = 0;
      }
      // Events that arrived while draining (a protocol reacting to its own callback).
      if (this.size > 0 && !(this.pausedByProtocol && !this.ended)) this.schedule();
      this.releaseBacklog();
    }
  }

  /**
   * Read again once this connection's own backlog is down to half. Only its own: the total
   * falls as the other connections drain in this same iterate(), and a connection waiting on
   * the total would have no drain left to wake it.
   */
  private releaseBacklog(): void {
    if (!this.pausedByBacklog || this.queuedBytes > this.limits.maxQueuedBytes / 2) return;
    this.pausedByBacklog = false;
    if (!this.pausedByProtocol && !this.ended) this.resumeSource();
  }
}
