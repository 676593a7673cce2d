import { HTTPParseError, type HTTPParseErrorStatus } from './errors.js';
import {
  connectionHas,
  isKeepAlive,
  requestFraming,
  responseFraming,
  type BodyFraming,
  type FramingResult,
} from './framing.js';
import { Headers } from './headers.js';
import type { HTTPLimits } from './limits.js';
import { parseRequestLine, parseStatusLine, type StartLine } from './start-line.js';
import { statusHasNoBody } from './status-codes.js';
import { FIELD_VALUE_BYTES, TOKEN_BYTES } from './tokens.js';

/**
 * What an HTTPParser reports, in order for each message:
 * onRequestLine | onStatusLine → onHeaders → onBody* → onTrailers? → onMessageComplete,
 * or onError once, after which the parser reports nothing more.
 */
export interface HTTPParserHandler {
  onRequestLine?(method: string, target: string, version: string): void;
  onStatusLine?(version: string, code: number, reason: string): void;
  /**
   * The header section is complete. Framing has been checked (smuggling attempts are refused
   * before this is called), and `parser.bodyFraming` / `contentLength` / `keepAlive` describe
   * the message. A client may return 'no-body' for a response that has none whatever its
   * fields say (the answer to CONNECT); requests ignore the return value.
   */
  onHeaders(headers: Headers): 'body' | 'no-body' | void;
  /** A piece of the body: a view into the fed bytes, valid while the fed chunk is — copy to keep. */
  onBody(chunk: Uint8Array): void;
  /** Trailer fields of a chunked body, when there were any. */
  onTrailers?(trailers: Headers): void;
  onMessageComplete(): void;
  onError(error: HTTPParseError): void;
}

const enum State {
  StartLine,
  HeaderLine,
  BodyLength,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  TrailerLine,
  BodyEOF,
  Error,
  Closed,
  Detached,
}

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;
const SEMICOLON = 0x3b;

const EMPTY = Buffer.alloc(0);

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

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
  private pendingChunks: Buffer[] = [];
  private pendingLength = 0;

  private headers = new Headers();
  private headerBytes = 0;
  private headerCount = 0;
  private contentLengthValues: string[] | null = null;
  private transferEncodingValues: string[] | null = null;
  private connectionValues: string[] | null = null;
  private hostCount = 0;
  private hasUpgradeField = false;

  private remaining = 0;
  private bodyReceived = 0;
  private bodyLimit: number;
  private chunkExtensionBytes = 0;
  private expectNoBody = false;

  constructor(kind: 'request' | 'response', limits: HTTPLimits, handler: HTTPParserHandler) {
    this.kind = kind;
    this.limits = limits;
    this.handler = handler;
    this.bodyLimit = limits.maxBodyBytes;
  }

  /** Parse more bytes. Events are reported synchronously, before feed() returns. */
  feed(chunk: Uint8Array): void {
    const state = this.state;
    if (state === State.Error || state === State.Closed || state === State.Detached) return;
    const data = asBuffer(chunk);
    if (this.paused || this.executing) {
      // Copied: the caller may reuse its buffer once feed() returns.
      this.queue(Buffer.from(data));
      return;
    }
    if (this.pendingLength > 0) {
      // An incomplete line only needs re-parsing once its end arrives; until then keep the
      // pieces so that a byte-at-a-time sender costs O(n), not O(n²).
      if (isLineState(state) && data.indexOf(LF) < 0) {
        this.queue(Buffer.from(data));
        this.checkPartialLine(this.pendingLength);
        return;
      }
      this.queue(data);
      this.execute(this.takePending());
      return;
    }
    this.execute(data);
  }

  private queue(data: Buffer): void {
    this.pendingChunks.push(data);
    this.pendingLength += data.length;
  }

  /** The peer closed: ends a body read until close; anything else unfinished is an error. */
  finish(): void {
    const state = this.state;
    if (state === State.Error || state === State.Closed || state === State.Detached) return;
    if (this.paused && this.pendingLength > 0) {
      // Parse what was held back first, so a paused parser still sees the whole stream.
      this.paused = false;
      this.execute(this.takePending());
      if (this.state === State.Error) return;
    }
    if (this.state === State.BodyEOF) {
      this.state = State.Closed;
      this.handler.onMessageComplete();
      return;
    }
    if (this.state === State.StartLine && this.pendingLength === 0) {
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
    if (this.executing || this.pendingLength === 0) return;
    const state = this.state;
    if (state === State.Error || state === State.Closed || state === State.Detached) return;
    this.execute(this.takePending());
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
    return this.pendingLength === 0 ? EMPTY : this.takePending();
  }

  private takePending(): Buffer {
    const chunks = this.pendingChunks;
    const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.pendingLength);
    this.pendingChunks = [];
    this.pendingLength = 0;
    return data;
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
      this.pendingChunks = [];
      this.pendingLength = 0;
      return;
    }
    // Bytes fed re-entrantly (from a handler) were queued behind what is left here.
    const queued = this.pendingLength > 0 ? this.takePending() : null;
    if (pos < length) {
      this.pendingChunks.push(Buffer.from(data.subarray(pos)));
      this.pendingLength += length - pos;
    }
    if (queued !== null) {
      this.pendingChunks.push(queued);
      this.pendingLength += queued.length;
    }
    if (this.pendingLength > 0 && !this.paused && state !== State.Detached) {
      if (queued !== null) {
        this.execute(this.takePending());
      } else {
        this.checkPartialLine(this.pendingLength);
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
      case State.ChunkSize:
        return this.parseChunkSize(data, pos);
      case State.ChunkData:
        return this.readChunkData(data, pos);
      case State.ChunkDataEnd:
        return this.parseChunkDataEnd(data, pos);
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
        if (this.headerBytes + length > this.limits.maxHeaderBytes) this.failHeadersTooLarge();
        return;
      case State.ChunkSize:
        if (length > this.limits.maxChunkSizeLine) {
          this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Chunk size line too long.');
        }
        return;
      case State.ChunkDataEnd:
      case State.BodyLength:
      case State.ChunkData:
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
    const lf = data.indexOf(LF, pos);
    if (lf < 0) {
      if (this.headerBytes + data.length - pos > this.limits.maxHeaderBytes)
        this.failHeadersTooLarge();
      return -1;
    }
    let end = lf;
    if (end > pos && data[end - 1] === CR) end--;
    else if (trailer) return this.failLoneLF();
    this.headerBytes += lf + 1 - pos;
    if (this.headerBytes > this.limits.maxHeaderBytes) return this.failHeadersTooLarge();
    if (end === pos) {
      if (trailer) this.completeTrailers();
      else this.completeHeaders();
      return lf + 1;
    }
    const first = data[pos]!;
    if (first === SP || first === HTAB) {
      return this.fail(
        400,
        'TW_HTTP_BAD_REQUEST',
        'Obsolete line folding (obs-fold) is not accepted.',
      );
    }
    let colon = pos;
    while (colon < end && TOKEN_BYTES[data[colon]!] === 1) colon++;
    if (colon === pos || colon === end || data[colon] !== COLON) {
      return this.fail(
        400,
        'TW_HTTP_BAD_REQUEST',
        'Invalid header field name (a token followed directly by a colon is required).',
      );
    }
    if (++this.headerCount > this.limits.maxHeaders) return this.failHeadersTooLarge();
    let valueStart = colon + 1;
    while (valueStart < end && (data[valueStart] === SP || data[valueStart] === HTAB)) valueStart++;
    let valueEnd = end;
    while (valueEnd > valueStart && (data[valueEnd - 1] === SP || data[valueEnd - 1] === HTAB))
      valueEnd--;
    for (let i = valueStart; i < valueEnd; i++) {
      if (FIELD_VALUE_BYTES[data[i]!] !== 1) {
        return this.fail(
          400,
          'TW_HTTP_BAD_REQUEST',
          'Invalid character in a header field value (control characters, a bare CR or NUL).',
        );
      }
    }
    const name = (data as Latin1Buffer).latin1Slice(pos, colon);
    const lower = name.toLowerCase();
    const value =
      valueEnd === valueStart ? '' : (data as Latin1Buffer).latin1Slice(valueStart, valueEnd);
    if (trailer) {
      this.headers.appendTrusted(name, lower, value);
      return lf + 1;
    }
    this.headers.appendTrusted(name, lower, value);
    this.noteFramingField(lower, value);
    return lf + 1;
  }

  /** Remember the fields that decide framing and connection handling as they go by. */
  private noteFramingField(lower: string, value: string): void {
    switch (lower) {
      case 'content-length':
        (this.contentLengthValues ??= []).push(value);
        return;
      case 'transfer-encoding':
        (this.transferEncodingValues ??= []).push(value);
        return;
      case 'connection':
        (this.connectionValues ??= []).push(value);
        return;
      case 'host':
        this.hostCount++;
        return;
      case 'upgrade':
        this.hasUpgradeField = true;
        return;
      default:
        return;
    }
  }

  private completeHeaders(): void {
    const isRequest = this.kind === 'request';
    if (
      isRequest &&
      (this.hostCount > 1 || (this.hostCount === 0 && this.version === 'HTTP/1.1'))
    ) {
      // RFC 9112 §3.2: a missing Host in HTTP/1.1, or several, MUST get a 400.
      this.fail(
        400,
        'TW_HTTP_BAD_REQUEST',
        this.hostCount > 1 ? 'More than one Host field.' : 'Missing Host field.',
      );
      return;
    }
    const noBody = !isRequest && (this.expectNoBody || statusHasNoBody(this.statusCode));
    const framing: FramingResult = isRequest
      ? requestFraming(this.version, this.contentLengthValues, this.transferEncodingValues)
      : responseFraming(noBody, this.contentLengthValues, this.transferEncodingValues);
    if (!framing.ok) {
      this.fail(framing.status, framing.code, framing.message);
      return;
    }
    this.bodyFraming = framing.framing;
    this.contentLength =
      framing.framing === 'length' ||
      (framing.framing === 'none' && this.contentLengthValues !== null && !noBody)
        ? framing.length
        : -1;
    this.keepAlive = !framing.mustClose && isKeepAlive(this.version, this.connectionValues);
    this.upgrade = this.hasUpgradeField && connectionHas(this.connectionValues, 'upgrade');
    this.bodyLimit = this.limits.maxBodyBytes;
    const answer = this.handler.onHeaders(this.headers);
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
        this.state = State.ChunkSize;
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

  private parseChunkSize(data: Buffer, pos: number): number {
    const lf = data.indexOf(LF, pos);
    if (lf < 0) {
      if (data.length - pos > this.limits.maxChunkSizeLine) {
        this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Chunk size line too long.');
      }
      return -1;
    }
    if (lf === pos || data[lf - 1] !== CR) return this.failLoneLF();
    const end = lf - 1;
    if (end - pos > this.limits.maxChunkSizeLine) {
      return this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Chunk size line too long.');
    }
    let i = pos;
    while (i < end && data[i] === 0x30) i++; // leading zeros do not count towards the size limit
    let size = 0;
    let digits = 0;
    for (; i < end; i++) {
      const value = hexValue(data[i]!);
      if (value < 0) break;
      size = size * 16 + value;
      digits++;
    }
    if (i === pos) return this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Invalid chunk size.');
    if (digits > 12) return this.failBodyTooLarge();
    if (i < end) {
      let semicolon = i;
      while (semicolon < end && (data[semicolon] === SP || data[semicolon] === HTAB)) semicolon++;
      if (semicolon === end || data[semicolon] !== SEMICOLON) {
        return this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Invalid chunk size.');
      }
      for (let j = semicolon; j < end; j++) {
        if (FIELD_VALUE_BYTES[data[j]!] !== 1) {
          return this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Invalid character in a chunk extension.');
        }
      }
      this.chunkExtensionBytes += end - i;
      if (this.chunkExtensionBytes > this.limits.maxChunkExtensionBytes) {
        return this.fail(413, 'TW_HTTP_BODY_TOO_LARGE', 'Too many chunk extension bytes.');
      }
    }
    if (size === 0) {
      this.state = State.TrailerLine;
      this.headers = new Headers();
      this.headerBytes = 0;
      this.headerCount = 0;
      return lf + 1;
    }
    this.bodyReceived += size;
    if (this.bodyReceived > this.bodyLimit) return this.failBodyTooLarge();
    this.remaining = size;
    this.state = State.ChunkData;
    return lf + 1;
  }

  private readChunkData(data: Buffer, pos: number): number {
    const available = data.length - pos;
    const take = available < this.remaining ? available : this.remaining;
    this.remaining -= take;
    const end = pos + take;
    if (this.remaining === 0) this.state = State.ChunkDataEnd;
    this.handler.onBody(data.subarray(pos, end));
    return end;
  }

  private parseChunkDataEnd(data: Buffer, pos: number): number {
    if (data[pos] !== CR) return this.failChunkDataEnd();
    if (pos + 1 >= data.length) return -1;
    if (data[pos + 1] !== LF) return this.failChunkDataEnd();
    this.state = State.ChunkSize;
    return pos + 2;
  }

  private completeTrailers(): void {
    if (this.headerCount > 0) this.handler.onTrailers?.(this.headers);
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
    this.headers = new Headers();
    this.headerBytes = 0;
    this.headerCount = 0;
    this.contentLengthValues = null;
    this.transferEncodingValues = null;
    this.connectionValues = null;
    this.hostCount = 0;
    this.hasUpgradeField = false;
    this.remaining = 0;
    this.bodyReceived = 0;
    this.chunkExtensionBytes = 0;
  }

  private failStartLineTooLong(): number {
    if (this.kind === 'request') {
      return this.fail(
        414,
        'TW_HTTP_URI_TOO_LONG',
        `Request line longer than maxRequestLine (${this.limits.maxRequestLine} bytes).`,
      );
    }
    return this.fail(
      400,
      'TW_HTTP_BAD_REQUEST',
      `Status line longer than maxRequestLine (${this.limits.maxRequestLine} bytes).`,
    );
  }

  private failHeadersTooLarge(): number {
    return this.fail(
      431,
      'TW_HTTP_HEADERS_TOO_LARGE',
      `Header section over the limits (maxHeaderBytes ${this.limits.maxHeaderBytes}, maxHeaders ${this.limits.maxHeaders}).`,
    );
  }

  private failBodyTooLarge(): number {
    return this.fail(
      413,
      'TW_HTTP_BODY_TOO_LARGE',
      `Body larger than the limit of ${this.bodyLimit} bytes.`,
    );
  }

  private failLoneLF(): number {
    return this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Chunked framing lines must end in CRLF.');
  }

  private failChunkDataEnd(): number {
    return this.fail(400, 'TW_HTTP_BAD_REQUEST', 'Chunk data not followed by CRLF.');
  }

  private fail(status: HTTPParseErrorStatus, code: string, message: string): number {
    this.failWith(new HTTPParseError(code, status, message));
    return -1;
  }

  private failWith(error: HTTPParseError): void {
    if (this.state === State.Error) return;
    this.state = State.Error;
    this.keepAlive = false;
    this.pendingChunks = [];
    this.pendingLength = 0;
    this.handler.onError(error);
  }
}

function isLineState(state: State): boolean {
  return (
    state === State.StartLine ||
    state === State.HeaderLine ||
    state === State.ChunkSize ||
    state === State.TrailerLine
  );
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x57;
  return -1;
}
