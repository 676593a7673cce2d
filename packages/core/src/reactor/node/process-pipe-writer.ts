import type { Writable } from 'node:stream';

import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import { reportError } from './report-error.js';

type Producer = IPushProducer | IPullProducer;

/**
 * The writing side of a pipe (a child's stdin, our own stdout) with Twisted's flow control: a
 * streaming producer is paused when the stream's buffer is full and resumed on 'drain'; a pull
 * producer is asked for one chunk at a time while the stream has room.
 *
 * close() ends the stream after what was written, waiting for a registered producer to
 * unregister first (its output is part of "what was written"); abort() destroys it now. The
 * owner learns that the pipe is gone from the stream's own 'close' event; `error` tells why
 * when it was not a clean close (EPIPE when the reader went away, …).
 */
export class PipeWriter {
  /** The first error the stream reported, if any. */
  error: unknown = undefined;
  /** True once the stream has closed (cleanly or not). */
  closed = false;

  private producer: Producer | null = null;
  private streaming = false;
  private producerPaused = false;
  private pullScheduled = false;
  private wroteSincePull = false;
  private closeRequested = false;
  private ended = false;

  constructor(
    readonly stream: Writable,
    /** Runs `fn` on a later turn (the pull producer is asked from there). */
    private readonly later: (fn: () => void) => void,
  ) {
    stream.on('drain', () => this.onDrain());
    stream.on('error', (error: Error) => {
      this.error ??= error;
    });
    stream.on('close', () => this.onClose());
  }

  /** True once close() or abort() was called. */
  get closing(): boolean {
    return this.closeRequested;
  }

  /**
   * Queue `data`. Dropped once the pipe is closing, except from a producer still registered.
   * The chunk is handed to the stream without copying: do not change it afterwards.
   */
  write(data: Uint8Array): void {
    if (this.closed || this.ended || data.byteLength === 0) return;
    if (this.closeRequested && this.producer === null) return;
    this.wroteSincePull = true;
    if (!this.stream.write(data) && this.streaming && !this.producerPaused) {
      this.producerPaused = true;
      this.callProducer(() => (this.producer as IPushProducer).pauseProducing());
    }
  }

  registerProducer(producer: Producer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new Error(
        'A producer is already registered with this transport: unregisterProducer() first.',
      );
    }
    if (this.closed || this.ended) {
      producer.stopProducing();
      return;
    }
    this.producer = producer;
    this.streaming = streaming;
    this.producerPaused = false;
    if (!streaming) {
      this.schedulePull();
    } else if (this.stream.writableNeedDrain) {
      this.producerPaused = true;
      (producer as IPushProducer).pauseProducing();
    }
  }

  unregisterProducer(): void {
    this.producer = null;
    this.streaming = false;
    this.producerPaused = false;
    if (this.closeRequested) this.end();
  }

  /** End the stream after buffered data (and the registered producer's output). */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.producer === null) this.end();
  }

  /** Destroy the stream now, discarding unsent data. */
  abort(): void {
    this.closeRequested = true;
    if (!this.closed) this.stream.destroy();
  }

  private end(): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.stream.end();
  }

  private onDrain(): void {
    if (this.producer === null) return;
    if (!this.streaming) {
      this.schedulePull();
    } else if (this.producerPaused) {
      this.producerPaused = false;
      this.callProducer(() => (this.producer as IPushProducer).resumeProducing());
    }
  }

  private onClose(): void {
    this.closed = true;
    this.stopProducer();
  }

  /** The pipe is gone (or its owner is): tell the producer to stop for good. */
  stopProducer(): void {
    const producer = this.producer;
    this.producer = null;
    if (producer !== null) this.callProducer(() => producer.stopProducing());
  }

  /** Ask a pull producer for one more chunk on a later turn, while the stream has room. */
  private schedulePull(): void {
    if (this.pullScheduled) return;
    this.pullScheduled = true;
    this.later(() => {
      this.pullScheduled = false;
      const producer = this.producer;
      if (producer === null || this.streaming || this.closed) return;
      this.wroteSincePull = false;
      this.callProducer(() => producer.resumeProducing());
      // A producer that wrote nothing is waiting for something else; asking again would spin.
      if (this.producer === producer && this.wroteSincePull && !this.stream.writableNeedDrain) {
        this.schedulePull();
      }
    });
  }

  private callProducer(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      reportError('A producer registered with a pipe threw; closing the pipe', error);
      this.error ??= error;
      this.abort();
    }
  }
}
