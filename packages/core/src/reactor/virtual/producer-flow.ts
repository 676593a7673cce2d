import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import type { VirtualReactor } from './virtual-reactor.js';

type Producer = IPushProducer | IPullProducer;

/** What ProducerFlow needs from its transport. */
export interface ProducerFlowHost {
  readonly reactor: VirtualReactor;
  /** Bytes written and not yet consumed by the peer. */
  unconsumed(): number;
  /** The connection is open (producers are only asked while it is). */
  isOpen(): boolean;
  /** A producer threw: the transport reports it and aborts. */
  producerFailed(error: unknown): void;
}

/**
 * Twisted's producer/consumer flow control for a virtual transport: a streaming producer is
 * paused once more than `sendBufferSize` bytes are unconsumed by the peer and resumed below
 * half of it; a pull producer is asked for a chunk on a later turn whenever there is room.
 */
export class ProducerFlow {
  producer: Producer | null = null;
  private streaming = false;
  private paused = false;
  private pullScheduled = false;
  private wroteSincePull = false;

  constructor(
    private readonly host: ProducerFlowHost,
    private readonly sendBufferSize: number,
  ) {}

  register(producer: Producer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new Error(
        'A producer is already registered with this transport: unregisterProducer() first.',
      );
    }
    this.producer = producer;
    this.streaming = streaming;
    this.paused = false;
    if (!streaming) {
      this.schedulePull();
    } else if (this.host.unconsumed() > this.sendBufferSize) {
      this.paused = true;
      (producer as IPushProducer).pauseProducing();
    }
  }

  /** A paused streaming producer or a pull producer waits for the peer to consume. */
  get waitsForRoom(): boolean {
    return this.producer !== null && (!this.streaming || this.paused);
  }

  unregister(): void {
    this.producer = null;
    this.streaming = false;
    this.paused = false;
  }

  /** Something was written: pause a streaming producer once the buffer is full. */
  wrote(): void {
    this.wroteSincePull = true;
    const producer = this.producer;
    if (producer === null || !this.streaming || this.paused) return;
    if (this.host.unconsumed() > this.sendBufferSize) {
      this.paused = true;
      this.call(() => (producer as IPushProducer).pauseProducing());
    }
  }

  /** The peer consumed some of what we sent: resume or ask for more. */
  drained(): void {
    const producer = this.producer;
    if (producer === null || !this.host.isOpen()) return;
    if (!this.streaming) {
      this.schedulePull();
    } else if (this.paused && this.host.unconsumed() <= this.sendBufferSize / 2) {
      this.paused = false;
      this.call(() => (producer as IPushProducer).resumeProducing());
    }
  }

  /** The connection closed: the producer stops for good. */
  stop(): void {
    const producer = this.producer;
    this.unregister();
    if (producer !== null) this.call(() => producer.stopProducing());
  }

  private schedulePull(): void {
    if (this.pullScheduled) return;
    this.pullScheduled = true;
    this.host.reactor.callLater(0, () => {
      this.pullScheduled = false;
      const producer = this.producer;
      if (producer === null || this.streaming || !this.host.isOpen()) return;
      if (this.host.unconsumed() > this.sendBufferSize) return; // drained() asks again
      this.wroteSincePull = false;
      this.call(() => producer.resumeProducing());
      // A producer that wrote nothing is waiting for something else; asking again would spin.
      if (this.producer === producer && this.wroteSincePull) this.schedulePull();
    });
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.host.producerFailed(error);
    }
  }
}
