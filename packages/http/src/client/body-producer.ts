import { Deferred, type IConsumer, type IPushProducer } from '@tw/core';

/**
 * A request body (twisted.web.iweb.IBodyProducer): a push producer that writes the body into
 * the consumer it is given. `length` is the byte count when known (sent as Content-Length),
 * or null (the body goes out chunked). The client pauses and resumes it as the connection's
 * send buffer fills and drains.
 */
export interface IBodyProducer extends IPushProducer {
  readonly length: number | null;
  /** Start writing into `consumer`; the Deferred fires when the whole body was written. */
  startProducing(consumer: IConsumer): Deferred<void>;
}

/** Anything FileBodyProducer reads from: bytes, or a stream of byte chunks (a node Readable). */
export type BodySource = Uint8Array | AsyncIterable<Uint8Array>;

export interface FileBodyProducerOptions {
  /** The body's length when the source is a stream and the length is known (else chunked). */
  readonly length?: number;
  /** Largest chunk written at once from a Uint8Array source (default 64 KiB). */
  readonly readSize?: number;
}

const DEFAULT_READ_SIZE = 64 * 1024;

/**
 * A body producer over bytes or a stream (twisted.web.client.FileBodyProducer). Bytes are written
 * in `readSize` slices, stopping while paused; a stream (node Readable or any async iterable of
 * Uint8Array) is read one chunk at a time, and not read at all while paused, so a slow server
 * holds back the file or socket the body comes from.
 *
 * A Uint8Array source can be produced again after it finished (the pool uses that to retry a
 * request on a stale connection); a stream cannot.
 */
export class FileBodyProducer implements IBodyProducer {
  readonly length: number | null;
  private readonly readSize: number;
  private paused = false;
  private stopped = false;
  private resumeWaiter: (() => void) | null = null;
  private iterator: AsyncIterator<Uint8Array> | null = null;
  private streamStarted = false;

  constructor(
    private readonly source: BodySource,
    options: FileBodyProducerOptions = {},
  ) {
    this.readSize = options.readSize ?? DEFAULT_READ_SIZE;
    this.length = source instanceof Uint8Array ? source.byteLength : (options.length ?? null);
  }

  /** True when the body can be sent again (a byte source). */
  get replayable(): boolean {
    return this.source instanceof Uint8Array;
  }

  startProducing(consumer: IConsumer): Deferred<void> {
    this.paused = false;
    this.stopped = false;
    const done = new Deferred<void>(() => this.stopProducing());
    if (this.source instanceof Uint8Array) this.produceBytes(this.source, consumer, done);
    else {
      if (this.streamStarted)
        return Deferred.fail(new Error('FileBodyProducer: a stream body can only be sent once.'));
      this.streamStarted = true;
      this.iterator = this.source[Symbol.asyncIterator]();
      void this.produceStream(this.iterator, consumer, done);
    }
    return done;
  }

  pauseProducing(): void {
    this.paused = true;
  }

  resumeProducing(): void {
    if (!this.paused) return;
    this.paused = false;
    const waiter = this.resumeWaiter;
    this.resumeWaiter = null;
    waiter?.();
  }

  stopProducing(): void {
    if (this.stopped) return;
    this.stopped = true;
    const waiter = this.resumeWaiter;
    this.resumeWaiter = null;
    waiter?.();
    // Closing the iterator closes the Readable (or file) behind it.
    void this.iterator?.return?.().catch(() => undefined);
  }

  private produceBytes(bytes: Uint8Array, consumer: IConsumer, done: Deferred<void>): void {
    let offset = 0;
    // write() may pause us synchronously (a full send buffer) and resume later from a drain
    // event; the loop runs while not paused and picks up again in resumeProducing().
    const pump = (): void => {
      while (!this.paused && !this.stopped && offset < bytes.byteLength) {
        const end = Math.min(offset + this.readSize, bytes.byteLength);
        const slice = bytes.subarray(offset, end);
        offset = end;
        consumer.write(slice);
      }
      if (this.stopped) return;
      if (offset >= bytes.byteLength) {
        if (!done.called) done.callback(undefined);
        return;
      }
      this.resumeWaiter = pump;
    };
    pump();
  }

  private async produceStream(
    iterator: AsyncIterator<Uint8Array>,
    consumer: IConsumer,
    done: Deferred<void>,
  ): Promise<void> {
    try {
      for (;;) {
        if (this.paused && !this.stopped)
          await new Promise<void>((resolve) => (this.resumeWaiter = resolve));
        if (this.stopped) return;
        const next = await iterator.next();
        if (this.stopped) return;
        if (next.done === true) break;
        consumer.write(next.value);
      }
      if (!done.called) done.callback(undefined);
    } catch (error) {
      if (!done.called && !this.stopped) done.errback(error);
    }
  }
}
