import type { IReactorTime } from '@tw/core';

import type { ResolvedHTTPServerOptions } from './options.js';
import { Deadline } from './read-deadline.js';

/** Where the channel is in reading a request; each phase has its own read timeout. */
export type ReadPhase = 'idle' | 'head' | 'body' | 'waiting';

/**
 * The timeouts of one HTTP connection: a read deadline that follows the phase of the request
 * being read (idleTimeout with no request, headersTimeout from its first byte, bodyTimeout
 * between body bytes, none while its answer is awaited) and a write deadline while the client
 * does not read our responses (writeTimeout).
 *
 * While a batch of received bytes is parsed every deadline moved uses one reading of the
 * clock (beginBatch): with 16 pipelined requests that is 1 reading instead of 32. Virtual time
 * cannot move meanwhile; real time only by how long the batch takes, which a deadline may lose.
 */
export class ChannelTimeouts {
  phase: ReadPhase = 'idle';
  private readonly read: Deadline;
  private readonly write: Deadline;
  /** The reactor's time while a batch of received bytes is parsed, else -1. */
  private batchNow = -1;

  constructor(
    private readonly reactor: IReactorTime,
    private readonly options: ResolvedHTTPServerOptions,
    onReadTimeout: () => void,
    onWriteTimeout: () => void,
  ) {
    this.read = new Deadline(reactor, onReadTimeout);
    this.write = new Deadline(reactor, onWriteTimeout);
  }

  beginBatch(): void {
    this.batchNow = this.reactor.seconds();
  }

  endBatch(): void {
    this.batchNow = -1;
  }

  /** No request under way: the connection may stay idle for idleTimeout. */
  awaitRequest(): void {
    this.read.set(this.options.idleTimeout, this.now());
  }

  /** A request's first bytes arrived: its headers must be complete within headersTimeout. */
  startHead(): void {
    this.phase = 'head';
    this.read.set(this.options.headersTimeout, this.now());
  }

  /** Headers complete: read the body (bodyTimeout between bytes) or wait for the answer. */
  headersDone(hasBody: boolean): void {
    if (hasBody) {
      this.phase = 'body';
      this.read.set(this.options.bodyTimeout, this.now());
    } else {
      this.phase = 'waiting';
      this.read.clear();
    }
  }

  /** The request is read in full: no read deadline until the next one starts. */
  messageDone(): void {
    this.phase = 'idle';
    this.read.clear();
  }

  /** Body bytes arrived, or we asked for them (100 Continue, reading resumed). */
  bodyProgress(): void {
    if (this.phase === 'body') this.read.set(this.options.bodyTimeout, this.now());
  }

  /** Restart the body timeout whatever the phase (100 Continue sent for the request read). */
  restartBody(): void {
    this.read.set(this.options.bodyTimeout, this.now());
  }

  /** We are the slow side (reading paused, 100 Continue not sent): no read deadline. */
  suspendBody(): void {
    if (this.phase === 'body') this.read.clear();
  }

  clearRead(): void {
    this.read.clear();
  }

  /** The transport paused us: the client must read our responses within writeTimeout. */
  writeBlocked(): void {
    this.write.set(this.options.writeTimeout, this.now());
  }

  writeUnblocked(): void {
    this.write.clear();
  }

  /** For good: the connection is closing or handed to another protocol. */
  stop(): void {
    this.read.stop();
    this.write.stop();
  }

  /** The reactor's time: the batch's reading while parsing one, else a fresh one. */
  private now(): number {
    return this.batchNow >= 0 ? this.batchNow : this.reactor.seconds();
  }
}
