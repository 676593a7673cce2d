/**
 * Twisted's producer/consumer flow control. A consumer (a transport) accepts writes; a producer
 * feeds it. A *streaming* producer (IPushProducer) writes on its own and is paused when the
 * consumer's buffer is full and resumed when it drains. A *pull* producer (IPullProducer) writes
 * one chunk each time the consumer calls `resumeProducing()`, i.e. whenever it is ready for more.
 */
export interface IProducer {
  /** Stop for good: the consumer is going away. */
  stopProducing(): void;
}

export interface IPushProducer extends IProducer {
  pauseProducing(): void;
  resumeProducing(): void;
}

export interface IPullProducer extends IProducer {
  /** Produce (write) one more chunk to the consumer. */
  resumeProducing(): void;
}

export interface IConsumer {
  /**
   * Attach a producer. `streaming` true: an IPushProducer, paused and resumed by the consumer.
   * `streaming` false: an IPullProducer, asked for each chunk. Only one producer at a time;
   * registering a second throws.
   */
  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void;
  unregisterProducer(): void;
  write(data: Uint8Array): void;
}
