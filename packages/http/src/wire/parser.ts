import { CHUNKED_FAILED, ChunkedBody, bodyTooLarge, loneLF } from './chunked-body.js';
import { HTTPParseError, type HTTPParseErrorStatus } from './errors.js';
import { FieldSection } from './field-section.js';
import type { BodyFraming, FramingResult } from './framing.js';
import type { HTTPLimits } from './limits.js';
import type { HTTPParserHandler } from './parser-handler.js';
import { PendingBytes } from './pending-bytes.js';
import {
  parseRequestLine,
  parseStatusLine,
  startLineTooLong,
  type StartLine,
} from './start-line.js';
import { statusHasNoBody } from './status-codes.js';

export type { HTTPParserHandler } from './parser-handler.js';

const enum State {
  StartLine,
  HeaderLine,
  BodyLength,
  Chunked,
  TrailerLine,
  BodyEOF,
  Error,
  Closed,
  Detached,
}

const LF = 0x0a;
const CR = 0x0d;

const EMPTY = Buffer.alloc(0);

/**
 * An incremental, byte-exact HTTP/1.1 message parser (RFC 9112) for either side of a
 * connection. Feed it bytes as they arrive, split anywhere; it reports the same events for any
 * split. It never buffers more than one line beyond the limits, and refuses what could be read
 * two ways (request smuggling) with the status a server should answer.
 *
 * Line endings: CRLF, or a lone LF in the start line and header section (§2.2 allows it);
 * a bare CR anywhere is an error. Inside chunked framing only CRLF is accepted, because lenient
 * chunk parsing is what lets two parsers disagree on where a body ends.
 */
export class HTTPParser {
  readonly kind: 'request' | 'response';
  readonly limits: HTTPLimits;

  /** Request method, request-target, and version of the current message ('' before its start line). */
  method = '';
  target = '';
  version = '';
  /** Status code and reason of the current response. */
  statusCode = 0;
  reason = '';
  /** How the current body is delimited, set before onHeaders. */
  bodyFraming: BodyFraming = 'none';
  /** Content-Length of the current message, or -1 when it has none. */
  contentLength = -1;
  /** Whether the connection may carry another message after this one (version, Connection, framing). */
  keepAlive = true;
  /** The current message asks to switch protocols (Connection: upgrade and an Upgrade field). */
  upgrade = false;

  private readonly handler: HTTPParserHandler;
  private state = State.StartLine;
  private paused = false;
  private executing = false;
  /** Bytes fed but not parsed yet: an incomplete line, or everything while paused. */
  private readonly pending = new PendingBytes();

  /** The header (or trailer) section being read, and the framing fields it noted. */
  private readonly section: FieldSection;
  private readonly chunked: ChunkedBody;
  /** Body bytes of a Content-Length body still to come. */
  private remaining = 0;
  private bodyLimit: number;
  private expectNoBody = false;

  constructor(kind: 'request' | 'response', limits: HTTPLimits, handler: HTTPParserHandler) {
    this.kind = kind;
    this.limits = limits;
    this.handler = handler;
    this.bodyLimit = limits.maxBodyBytes;
    this.section = new FieldSection(limits);
    this.chunked = new ChunkedBody(limits, handler);
  }

  /** Parse more bytes. Events are reported synchronously, before feed() returns. */
  feed(chunk: Uint8Array): void {
    const state = this.state;
    if (state === State.Error || state === State.Closed || state === State.Detached) return;
    const data = asBuffer(chunk);
    if (this.paused || this.executing) {
      // Copied: the caller may reuse its buffer once feed() returns.
      this.pending.push(Buffer.from(data));
      return;
    }
    if (this.pending.length > 0) {
      // An incomplete line only needs re-parsing once its end arrives; until then keep the
      // pieces so that a byte-at-a-time sender costs O(n), not O(n²).
      if (this.inLine(state) && data.indexOf(LF) < 0) {
        this.pending.push(Buffer.from(data));
        this.checkPartialLine(this.pending.length);
        return;
      }
      this.pending.push(data);
      this.execute(this.pending.take());
      return;
    }
    this.execute(data);
  }

  /** Whether the parser waits for the end of a line (bytes without LF cannot complete it). */
  private inLine(state: State): boolean {
    return (
      state === State.StartLine ||
      state === State.HeaderLine ||
      state === State.TrailerLine ||
      (state === State.Chunked && this.chunked.inSizeLine)
    );
  }

  /** The peer closed: ends a body read until close; anything else unfinished is an error. */
  finish(): void {
    const state = this.state;
    if (state === State.Error || state === State.Closed || state === State.Detached) return;
    if (this.paused && this.pending.length > 0) {
      // Parse what was held back first, so a paused parser still sees the whole stream.
      this.paused = false;
      this.execute(this.pending.take());
      if (this.state === State.Error) return;
    }
    if (this.state === State.BodyEOF) {
      this.state = State.Closed;
      this.handler.onMessageComplete();
      return;
    }
    if (this.state === State.StartLine && this.pending.length === 0) {
      this.state = State.Closed;
      return;
    }
    this.fail(
      400,
      'TW_HTTP_INCOMPLETE_MESSAGE',
      'The connection closed in the middle of a message.',
    );
  }

  /** The response being parsed (or the next one) answers a HEAD request: it has no body. */
  setExpectNoBody(): void {
    this.expectNoBody = true;
  }

  /** Change the body limit of the current message (call it from onHeaders). Infinity for none. */
  setBodyLimit(bytes: number): void {
    this.bodyLimit = bytes;
  }

  /**
   * Stop reporting events; bytes fed meanwhile are kept (bounded by the caller pausing its
   * transport) and parsed on resume(). May be called from inside a handler callback.
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.executing || this.pending.length === 0) return;
    const state = this.state;
    if (state === State.Error || state === State.Closed || state === State.Detached) return;
    this.execute(this.pending.take());
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Stop parsing for good and return the bytes received but not parsed — what follows a
   * 101 Switching Protocols or a CONNECT tunnel belongs to another protocol. Call pause() from
   * onMessageComplete, then detach() once the handler has returned.
   */
  detach(): Uint8Array {
    if (this.executing) {
      throw new Error(
        'HTTPParser.detach() inside a handler: call pause() there and detach() after it returns.',
      );
    }
    this.state = State.Detached;
    return this.pending.length === 0 ? EMPTY : this.pending.take();
  }

  private execute(data: Buffer): void {
    this.executing = true;
    let pos = 0;
    const length = data.length;
    try {
      while (pos < length && !this.paused) {
        const next = this.step(data, pos);
        if (next < 0) break;
        pos = next;
      }
    } finally {
      this.executing = false;
    }
    const state = this.state;
    if (state === State.Error || state === State.Closed) {
      this.pending.clear();
      return;
    }
    // Bytes fed re-entrantly (from a handler) were queued behind what is left here.
    const queued = this.pending.length > 0 ? this.pending.take() : null;
    if (pos < length) this.pending.push(Buffer.from(data.subarray(pos)));
    if (queued !== null) this.pending.push(queued);
    if (this.pending.length > 0 && !this.paused && state !== State.Detached) {
      if (queued !== null) {
        this.execute(this.pending.take());
      } else {
        this.checkPartialLine(this.pending.length);
      }
    }
  }

  /** Consume from `pos`; returns the new position, or -1 when more bytes are needed. */
  private step(data: Buffer, pos: number): number {
    switch (this.state) {
      case State.StartLine:
        return this.parseStartLine(data, pos);
      case State.HeaderLine:
        return this.parseFieldLine(data, pos, false);
      case State.BodyLength:
        return this.readFixedBody(data, pos);
      case State.Chunked:
        return this.readChunked(data, pos);
      case State.TrailerLine:
        return this.parseFieldLine(data, pos, true);
      case State.BodyEOF:
        this.handler.onBody(data.subarray(pos));
        return data.length;
      case State.Error:
      case State.Closed:
      case State.Detached:
        return -1;
    }
  }

  /** An incomplete line of `length` bytes is waiting for its LF: refuse it once it is too long. */
  private checkPartialLine(length: number): void {
    switch (this.state) {
      case State.StartLine:
        if (length > this.limits.maxRequestLine) this.failStartLineTooLong();
        return;
      case State.HeaderLine:
      case State.TrailerLine:
        if (this.section.bytes + length > this.limits.maxHeaderBytes) this.failHeadersTooLarge();
        return;
      case State.Chunked: {
        const error = this.chunked.partialLineError(length);
        if (error !== null) this.failWith(error);
        return;
      }
      case State.BodyLength:
      case State.BodyEOF:
      case State.Error:
      case State.Closed:
      case State.Detached:
        return;
    }
  }

  private parseStartLine(data: Buffer, pos: number): number {
    const lf = data.indexOf(LF, pos);
    if (lf < 0) {
      if (data.length - pos > this.limits.maxRequestLine) this.failStartLineTooLong();
      return -1;
    }
    let end = lf;
    if (end > pos && data[end - 1] === CR) end--;
    // Empty lines before a request line are ignored (RFC 9112 §2.2).
    if (end === pos) return lf + 1;
    if (end - pos > this.limits.maxRequestLine) {
      this.failStartLineTooLong();
      return -1;
    }
    const line: StartLine | HTTPParseError =
      this.kind === 'request' ? parseRequestLine(data, pos, end) : parseStatusLine(data, pos, end);
    if (line instanceof HTTPParseError) {
      this.failWith(line);
      return -1;
    }
    this.beginMessage(line);
    return lf + 1;
  }

  private beginMessage(line: StartLine): void {
    this.method = line.method;
    this.target = line.target;
    this.version = line.version;
    this.statusCode = line.code;
    this.reason = line.reason;
    this.state = State.HeaderLine;
    if (this.kind === 'request')
      this.handler.onRequestLine?.(line.method, line.target, line.version);
    else this.handler.onStatusLine?.(line.version, line.code, line.reason);
  }

  /** A header or trailer field line, or the empty line that ends the section. */
  private parseFieldLine(data: Buffer, pos: number, trailer: boolean): number {
    const section = this.section;
    const lf = data.indexOf(LF, pos);
    if (lf < 0) {
      if (section.bytes + data.length - pos > this.limits.maxHeaderBytes)
        this.failHeadersTooLarge();
      return -1;
    }
    let end = lf;
    if (end > pos && data[end - 1] === CR) end--;
    else if (trailer) return this.failLoneLF();
    section.bytes += lf + 1 - pos;
    if (section.bytes > this.limits.maxHeaderBytes) return this.failHeadersTooLarge();
    if (end === pos) {
      if (trailer) this.completeTrailers();
      else this.completeHeaders();
      return lf + 1;
    }
    const error = section.addLine(data, pos, end, trailer);
    if (error !== null) {
      this.failWith(error);
      return -1;
    }
    return lf + 1;
  }

  private completeHeaders(): void {
    const isRequest = this.kind === 'request';
    const section = this.section;
    if (isRequest) {
      const hostError = section.hostError(this.version);
      if (hostError !== null) {
        this.failWith(hostError);
        return;
      }
    }
    const noBody = !isRequest && (this.expectNoBody || statusHasNoBody(this.statusCode));
    const framing: FramingResult = section.framing(isRequest, this.version, noBody);
    if (!framing.ok) {
      this.fail(framing.status, framing.code, framing.message);
      return;
    }
    this.bodyFraming = framing.framing;
    this.contentLength =
      framing.framing === 'length' ||
      (framing.framing === 'none' && section.contentLengthValues !== null && !noBody)
        ? framing.length
        : -1;
    this.keepAlive = !framing.mustClose && section.keepAlive(this.version);
    this.upgrade = section.upgrade;
    this.bodyLimit = this.limits.maxBodyBytes;
    const answer = this.handler.onHeaders(section.headers);
    if (this.state !== State.HeaderLine) return; // the handler detached or failed us
    if (answer === 'no-body' && !isRequest) this.bodyFraming = 'none';
    switch (this.bodyFraming) {
      case 'none':
        this.completeMessage();
        return;
      case 'length':
        if (this.contentLength > this.bodyLimit) {
          this.failBodyTooLarge();
          return;
        }
        this.remaining = this.contentLength;
        this.state = State.BodyLength;
        return;
      case 'chunked':
        this.state = State.Chunked;
        return;
      case 'eof':
        this.state = State.BodyEOF;
        return;
    }
  }

  private readFixedBody(data: Buffer, pos: number): number {
    const available = data.length - pos;
    const take = available < this.remaining ? available : this.remaining;
    this.remaining -= take;
    const end = pos + take;
    this.handler.onBody(pos === 0 && end === data.length ? data : data.subarray(pos, end));
    if (this.remaining === 0 && this.state === State.BodyLength) this.completeMessage();
    return end;
  }

  private readChunked(data: Buffer, pos: number): number {
    const chunked = this.chunked;
    const next = chunked.step(data, pos, this.bodyLimit);
    if (next === CHUNKED_FAILED) {
      this.failWith(chunked.error!);
      return -1;
    }
    if (chunked.done && this.state === State.Chunked) {
      this.state = State.TrailerLine;
      this.section.startTrailers();
    }
    return next;
  }

  private completeTrailers(): void {
    if (this.section.count > 0) this.handler.onTrailers?.(this.section.headers);
    if (this.state === State.TrailerLine) this.completeMessage();
  }

  private completeMessage(): void {
    const finalResponse = this.kind === 'response' && this.statusCode >= 200;
    this.state = State.StartLine;
    this.resetMessage();
    if (finalResponse) this.expectNoBody = false;
    this.handler.onMessageComplete();
  }

  private resetMessage(): void {
    this.section.reset();
    this.chunked.reset();
    this.remaining = 0;
  }

  private failStartLineTooLong(): number {
    this.failWith(startLineTooLong(this.kind, this.limits.maxRequestLine));
    return -1;
  }

  private failHeadersTooLarge(): number {
    this.failWith(this.section.tooLarge());
    return -1;
  }

  private failBodyTooLarge(): number {
    this.failWith(bodyTooLarge(this.bodyLimit));
    return -1;
  }

  private failLoneLF(): number {
    this.failWith(loneLF());
    return -1;
  }

  private fail(status: HTTPParseErrorStatus, code: string, message: string): number {
    this.failWith(new HTTPParseError(code, status, message));
    return -1;
  }

  private failWith(error: HTTPParseError): void {
    if (this.state === State.Error) return;
    this.state = State.Error;
    this.keepAlive = false;
    this.pending.clear();
    this.handler.onError(error);
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
