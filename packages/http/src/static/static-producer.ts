/**
 * Streams a response body made of file ranges and fixed bytes (the framing of a multipart
 * response) into a consumer, one chunk at a time, as a push producer: the consumer pauses it
 * when its buffer is full and resumes it when the buffer drains, so a 10 GiB file costs one
 * chunk of memory per connection, not 10 GiB. Optionally gzips on the way (node:zlib).
 */
import { close, read } from 'node:fs';
import { type Gzip, createGzip } from 'node:zlib';

import { type IPushProducer, TwError } from '@tw/core';

/** A piece of the body: bytes as they are, or bytes `start`..`end` (inclusive) of the file. */
export type BodyPiece =
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  | { readonly kind: 'file'; readonly start: number; readonly end: number };

export interface StaticProducerOptions {
  /** An open file descriptor; the producer closes it when done, stopped or failed. */
  readonly fd: number;
  readonly pieces: readonly BodyPiece[];
  /** Where the body goes (request.write). */
  readonly write: (chunk: Uint8Array) => void;
  /** Bytes per read (default 64 KiB). */
  readonly chunkSize?: number;
  /** gzip the body with this compression level (0–9); null or absent: send as is. */
  readonly gzipLevel?: number | null;
  /**
   * Called once when the whole body was written (error null) or when reading failed (the file
   * shrank or an I/O error). Not called after stopProducing().
   */
  readonly onDone: (error: Error | null) => void;
}

export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** The file ended before the bytes we promised in Content-Length were read. */
export class FileTruncatedError extends TwError {
  constructor() {
    super(
      'TW_HTTP_STATIC_FILE_TRUNCATED',
      'The file became shorter while it was being sent; the response was cut short.',
    );
  }
}

/**
 * The producer: call start() after registering it (request.registerProducer(p, true)).
 * `pauseCount` and `paused` make back-pressure observable to tests and metrics.
 */
export class StaticProducer implements IPushProducer {
  /** How many times the consumer paused us. */
  pauseCount = 0;
  paused = false;
  /** Bytes handed to the consumer so far (after compression, when gzipping). */
  bytesWritten = 0;
  private stopped = false;
  private done = false;
  private reading = false;
  private pieceIndex = 0;
  /** The next file offset to read within the current 'file' piece. */
  private position = -1;
  private fdOpen = true;
  private readonly chunkSize: number;
  private readonly gzip: Gzip | null;
  /** Input writes to gzip that have not been processed yet (one at most). */
  private gzipPending = false;

  constructor(private readonly options: StaticProducerOptions) {
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const level = options.gzipLevel;
    if (level === null || level === undefined) {
      this.gzip = null;
    } else {
      this.gzip = createGzip({ level });
      this.gzip.on('data', (chunk: Buffer) => {
        if (this.stopped) return;
        this.bytesWritten += chunk.length;
        options.write(chunk);
      });
      this.gzip.on('end', () => this.finish(null));
      this.gzip.on('error', (error: Error) => this.finish(error));
    }
  }

  /** True once the body was written completely, failed, or was stopped. */
  get finished(): boolean {
    return this.stopped;
  }

  /** Begin producing (unless the consumer already paused us while registering). */
  start(): void {
    this.pump();
  }

  pauseProducing(): void {
    if (this.paused || this.done) return;
    this.paused = true;
    this.pauseCount++;
  }

  resumeProducing(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pump();
  }

  stopProducing(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.done = true;
    this.gzip?.destroy();
    this.closeFd();
  }

  /** Write pieces until paused, stopped, waiting for a read, or finished. */
  private pump(): void {
    while (!this.paused && !this.stopped && !this.done && !this.reading && !this.gzipPending) {
      const piece = this.options.pieces[this.pieceIndex];
      if (piece === undefined) {
        this.endBody();
        return;
      }
      if (piece.kind === 'bytes') {
        this.pieceIndex++;
        this.position = -1;
        this.emit(piece.data);
        continue;
      }
      if (this.position < 0) this.position = piece.start;
      if (this.position > piece.end) {
        this.pieceIndex++;
        this.position = -1;
        continue;
      }
      this.readChunk(piece.end);
      return;
    }
  }

  private readChunk(end: number): void {
    const length = Math.min(this.chunkSize, end - this.position + 1);
    const buffer = Buffer.allocUnsafe(length);
    this.reading = true;
    read(this.options.fd, buffer, 0, length, this.position, (error, bytesRead) => {
      this.reading = false;
      if (this.stopped) return;
      if (error !== null) {
        this.finish(error);
        return;
      }
      if (bytesRead === 0) {
        this.finish(new FileTruncatedError());
        return;
      }
      this.position += bytesRead;
      this.emit(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      this.pump();
    });
  }

  private emit(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.gzip === null) {
      this.bytesWritten += chunk.length;
      this.options.write(chunk);
      return;
    }
    // One input chunk in flight at a time: zlib's own buffers then hold at most one chunk's
    // output, and pausing us really stops the flow.
    this.gzipPending = true;
    this.gzip.write(chunk, () => {
      this.gzipPending = false;
      if (!this.stopped) this.pump();
    });
  }

  private endBody(): void {
    if (this.gzip === null) this.finish(null);
    else {
      // 'end' (→ finish) follows once the trailer is flushed.
      this.done = true;
      this.gzip.end();
    }
  }

  private finish(error: Error | null): void {
    if (this.stopped || (this.done && this.gzip === null)) return;
    this.done = true;
    this.stopped = true;
    this.closeFd();
    this.options.onDone(error);
  }

  private closeFd(): void {
    if (!this.fdOpen) return;
    this.fdOpen = false;
    close(this.options.fd, () => {});
  }
}
