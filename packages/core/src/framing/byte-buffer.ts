import { Buffer } from 'node:buffer';

const EMPTY = Buffer.alloc(0);

/** A Buffer view of `bytes`, sharing its memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The receive buffer under the framing protocols: a FIFO of bytes that appends in amortised O(1)
 * and hands out frames without copying.
 *
 * Two rules make the zero-copy hand-out safe:
 * - When the buffer is empty, a pushed chunk is *borrowed* (kept by reference, not copied), so the
 *   common case "whole frames in one chunk" parses straight out of the transport's chunk.
 *   `settle()` copies any borrowed leftover before the caller may reuse its chunk.
 * - Bytes that were consumed are never written again: a full owned store is replaced by a larger
 *   one instead of being compacted in place, so views returned by `take()` stay valid forever.
 */
export class ByteBuffer {
  private storage: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  /** True while `storage` is a caller's chunk that we must not write into. */
  private borrowed = false;

  /** How many unconsumed bytes are held. */
  get length(): number {
    return this.end - this.start;
  }

  /** Append `chunk`. It may be kept by reference until `settle()`. */
  push(chunk: Uint8Array): void {
    const size = chunk.byteLength;
    if (size === 0) return;
    if (this.start === this.end) {
      this.storage = asBuffer(chunk);
      this.start = 0;
      this.end = size;
      this.borrowed = true;
      return;
    }
    if (this.borrowed || this.end + size > this.storage.length) this.moveToNewStore(size);
    this.storage.set(chunk, this.end);
    this.end += size;
  }

  /** Copy a borrowed remainder into memory we own, so the caller may reuse its chunk. */
  settle(): void {
    if (this.borrowed && this.start !== this.end) this.moveToNewStore(0);
  }

  /** A view of the unconsumed bytes; valid until the next push(). */
  peek(): Buffer {
    return this.storage.subarray(this.start, this.end);
  }

  /** The unconsumed byte at `index`. */
  byteAt(index: number): number {
    return this.storage[this.start + index]!;
  }

  /** Index (relative to the unconsumed bytes) of `needle` at or after `from`, or -1. */
  indexOf(needle: Uint8Array, from: number): number {
    if (needle.byteLength === 1) return this.peek().indexOf(needle[0]!, from);
    return this.peek().indexOf(needle, from);
  }

  /** Remove and return the first `count` bytes (a view that stays valid). */
  take(count: number): Buffer {
    const view = this.storage.subarray(this.start, this.start + count);
    this.skip(count);
    return view;
  }

  /** Remove and return everything. */
  takeAll(): Buffer {
    return this.take(this.length);
  }

  /** Drop the first `count` bytes. */
  skip(count: number): void {
    this.start += count;
    if (this.start >= this.end) this.clear();
  }

  /** Drop everything, releasing the store. */
  clear(): void {
    this.storage = EMPTY;
    this.start = 0;
    this.end = 0;
    this.borrowed = false;
  }

  private moveToNewStore(extra: number): void {
    const live = this.end - this.start;
    // Doubling keeps appends amortised O(1) even for a long frame fed one byte at a time.
    const capacity = Math.max(256, (live + extra) * 2);
    const next = Buffer.allocUnsafe(capacity);
    this.storage.copy(next, 0, this.start, this.end);
    this.storage = next;
    this.start = 0;
    this.end = live;
    this.borrowed = false;
  }
}

/** UTF-8 bytes of `text`, or `data` itself when it is already bytes. */
export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
