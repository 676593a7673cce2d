/**
 * IRCLineDecoder: cut a byte stream into IRC lines, incrementally and byte-exactly, with the
 * line and tag limits enforced as bytes arrive (never buffering more than the limits allow).
 */
import { InvalidIRCOptionError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_TAG_BYTES } from './limits.js';
import { decodeLatin1 } from './latin1.js';

/** Options for IRCLineDecoder. */
export interface IRCLineDecoderOptions {
  /**
   * The longest line, in bytes, counting the CR LF but not the tags (default 512, RFC 2812).
   * A longer line is reported through onTooLong('line') and discarded.
   */
  readonly maxLineBytes?: number;
  /**
   * The longest tag section, counting the '@' and the space after it (default 8191, IRCv3).
   * A longer one is reported through onTooLong('tags') and its line discarded.
   */
  readonly maxTagBytes?: number;
  /** The encoding tried first. Only UTF-8 (the Modern IRC default) is supported. */
  readonly encoding?: 'utf-8';
  /**
   * What to decode a line with when it is not valid UTF-8: 'latin1' (ISO-8859-1, what older
   * clients send; the default), null to decode it as UTF-8 with U+FFFD replacements, or
   * 'reject' to discard it and report it through onInvalidEncoding (servers with UTF8ONLY).
   */
  readonly fallback?: 'latin1' | 'reject' | null;
}

const EMPTY = new Uint8Array(0);
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const AT = 0x40;

function checkLimit(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidIRCOptionError(`${name} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

let strictUTF8: InstanceType<typeof TextDecoder> | undefined;
let lenientUTF8: InstanceType<typeof TextDecoder> | undefined;

/**
 * Cuts bytes into lines. Any of CR LF, LF or a bare CR ends a line (many servers and clients
 * send bare LF, a few bare CR); empty lines are skipped, which is what makes a CR LF split
 * across two chunks, or sent as CR then LF, come out as one line end.
 *
 * ```ts
 * const decoder = new IRCLineDecoder();
 * decoder.onLine = (line) => handle(parseMessage(line));
 * decoder.onTooLong = (kind) => reply(kind === 'tags' ? '417' : '417');
 * decoder.feed(chunk); // as often as data arrives
 * ```
 *
 * Callbacks run synchronously inside `feed`. A callback may throw; the decoder stays usable
 * (its state is reset before each callback), though the rest of that chunk is not processed.
 */
export class IRCLineDecoder {
  /** Called with each complete, non-empty line, decoded, without its line ending. */
  onLine: (line: string) => void = () => {};
  /** Called once for each line that broke a limit; that line is discarded. */
  onTooLong: (kind: 'line' | 'tags') => void = () => {};
  /**
   * With `fallback: 'reject'`: called for each line that is not valid UTF-8, with the line
   * decoded leniently (U+FFFD for the bad bytes) so the caller can name its command; the line
   * is discarded.
   */
  onInvalidEncoding: (line: string) => void = () => {};

  readonly maxLineBytes: number;
  readonly maxTagBytes: number;
  readonly fallback: 'latin1' | 'reject' | null;

  /**
   * Bytes of the current line received in earlier chunks, in one growable buffer: a list of
   * chunks would cost an object per chunk, and a peer trickling one byte per packet would
   * turn 8 KiB of line into a megabyte of bookkeeping.
   */
  private pending: Uint8Array = EMPTY;
  private pendingBytes = 0;
  /** True while inside a tag section (the line began with '@' and no space has come yet). */
  private inTags = false;
  private tagBytes = 0;
  private bodyBytes = 0;
  /** True after a limit breach, until the next line end. */
  private discarding = false;
  /** The body limit: the line limit less the CR LF that does not reach us as content. */
  private readonly maxBodyBytes: number;
  /** Counts feed() calls, so a search result is only used for the chunk it was made in. */
  private feeds = 0;
  /** The next space (-1: none) at or after the last search, in the chunk of feed `spaceFeed`. */
  private nextSpace = -1;
  private spaceFeed = -1;

  constructor(options: IRCLineDecoderOptions = {}) {
    this.maxLineBytes = checkLimit('maxLineBytes', options.maxLineBytes, DEFAULT_MAX_LINE_BYTES, 3);
    this.maxTagBytes = checkLimit('maxTagBytes', options.maxTagBytes, DEFAULT_MAX_TAG_BYTES, 2);
    this.maxBodyBytes = this.maxLineBytes - 2;
    if (options.encoding !== undefined && options.encoding !== 'utf-8') {
      throw new InvalidIRCOptionError(`unsupported IRC encoding ${String(options.encoding)}`);
    }
    this.fallback = options.fallback === undefined ? 'latin1' : options.fallback;
  }

  /** Bytes held for an incomplete line; never more than maxLineBytes + maxTagBytes. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Forget any partial line (after a reconnect, or a STARTTLS-style switch). */
  reset(): void {
    this.resetLine();
    this.discarding = false;
  }

  /** Feed the next bytes of the stream. */
  feed(chunk: Uint8Array): void {
    const length = chunk.byteLength;
    let pos = 0;
    // The next CR and LF at or after pos (-1: none left in this chunk). Native indexOf, and
    // each search resumes where the last stopped, so a chunk is scanned once per byte value.
    let nextLF = chunk.indexOf(LF);
    let nextCR = chunk.indexOf(CR);
    const feed = ++this.feeds;
    while (pos < length) {
      if (nextLF !== -1 && nextLF < pos) nextLF = chunk.indexOf(LF, pos);
      if (nextCR !== -1 && nextCR < pos) nextCR = chunk.indexOf(CR, pos);
      const end = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      if (this.discarding) {
        if (end === -1) return;
        this.discarding = false;
        pos = end + 1;
        continue;
      }
      const segmentEnd = end === -1 ? length : end;
      const tooLong = this.count(chunk, feed, pos, segmentEnd);
      if (tooLong !== null) {
        this.resetLine();
        this.discarding = end === -1;
        pos = segmentEnd + 1;
        this.onTooLong(tooLong);
        continue;
      }
      if (end === -1) {
        // Copy: the caller may reuse its buffer once feed returns.
        if (segmentEnd > pos) this.append(chunk.subarray(pos, segmentEnd));
        return;
      }
      const bytes = this.take(chunk, pos, end);
      pos = end + 1;
      if (bytes.byteLength > 0) this.deliver(bytes);
    }
  }

  /** Add chunk[start, end) to the current line's counts; the limit it breaks, if any. */
  private count(
    chunk: Uint8Array,
    feed: number,
    start: number,
    end: number,
  ): 'line' | 'tags' | null {
    if (start === end) return null;
    if (this.pendingBytes === 0 && this.tagBytes === 0 && this.bodyBytes === 0) {
      this.inTags = chunk[start] === AT;
    }
    if (this.inTags) {
      // Searched again only once passed, as the line ends are: rescanning the rest of the chunk
      // for every tag-only line would be quadratic work a hostile peer could ask for.
      let space = this.nextSpace;
      if (this.spaceFeed !== feed || (space !== -1 && space < start)) {
        space = chunk.indexOf(SPACE, start);
        this.nextSpace = space;
        this.spaceFeed = feed;
      }
      if (space === -1 || space >= end) {
        this.tagBytes += end - start;
      } else {
        this.tagBytes += space - start + 1;
        this.bodyBytes += end - space - 1;
        this.inTags = false;
      }
    } else {
      this.bodyBytes += end - start;
    }
    if (this.tagBytes > this.maxTagBytes) return 'tags';
    if (this.bodyBytes > this.maxBodyBytes) return 'line';
    return null;
  }

  /** The current line's bytes: what is pending plus chunk[start, end). Resets the line. */
  private take(chunk: Uint8Array, start: number, end: number): Uint8Array {
    if (this.pendingBytes === 0) {
      this.resetLine();
      return chunk.subarray(start, end);
    }
    this.append(chunk.subarray(start, end));
    // Decoded before anything else touches the buffer, so no copy is needed; resetLine keeps
    // a small buffer for the next partial line.
    const bytes = this.pending.subarray(0, this.pendingBytes);
    this.resetLine();
    return bytes;
  }

  private append(part: Uint8Array): void {
    const needed = this.pendingBytes + part.byteLength;
    if (needed > this.pending.byteLength) {
      // Doubling, capped at the most a line can hold (the limits keep `needed` below it).
      const limit = this.maxLineBytes + this.maxTagBytes;
      const grown = new Uint8Array(
        Math.min(limit, Math.max(needed, 256, this.pending.byteLength * 2)),
      );
      grown.set(this.pending.subarray(0, this.pendingBytes));
      this.pending = grown;
    }
    this.pending.set(part, this.pendingBytes);
    this.pendingBytes = needed;
  }

  private resetLine(): void {
    // A buffer grown for a long line is released; the usual small one is kept.
    if (this.pending.byteLength > 1024) this.pending = EMPTY;
    this.pendingBytes = 0;
    this.inTags = false;
    this.tagBytes = 0;
    this.bodyBytes = 0;
  }

  private deliver(bytes: Uint8Array): void {
    if (this.fallback !== 'reject') {
      this.onLine(this.decode(bytes));
      return;
    }
    strictUTF8 ??= new TextDecoder('utf-8', { fatal: true });
    let line: string;
    try {
      line = strictUTF8.decode(bytes);
    } catch {
      lenientUTF8 ??= new TextDecoder('utf-8');
      this.onInvalidEncoding(lenientUTF8.decode(bytes));
      return;
    }
    this.onLine(line);
  }

  private decode(bytes: Uint8Array): string {
    if (this.fallback === null) {
      lenientUTF8 ??= new TextDecoder('utf-8');
      return lenientUTF8.decode(bytes);
    }
    strictUTF8 ??= new TextDecoder('utf-8', { fatal: true });
    try {
      return strictUTF8.decode(bytes);
    } catch {
      return decodeLatin1(bytes);
    }
  }
}
