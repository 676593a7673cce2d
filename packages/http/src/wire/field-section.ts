import { HTTPParseError } from './errors.js';
import {
  connectionHas,
  isKeepAlive,
  requestFraming,
  responseFraming,
  type FramingResult,
} from './framing.js';
import { Headers } from './headers.js';
import type { HTTPLimits } from './limits.js';
import { FIELD_VALUE_BYTES, TOKEN_BYTES } from './tokens.js';

const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/**
 * The header (or trailer) section of the message an HTTPParser is reading: its field lines,
 * validated one by one, their size against the limits, and the fields that decide framing and
 * connection handling (Content-Length, Transfer-Encoding, Connection, Host, Upgrade), noted as
 * they go by so no second pass over the headers is needed.
 */
export class FieldSection {
  headers = new Headers();
  /** Bytes of field lines (with their line endings) in this section, for maxHeaderBytes. */
  bytes = 0;
  count = 0;
  contentLengthValues: string[] | null = null;
  transferEncodingValues: string[] | null = null;
  connectionValues: string[] | null = null;
  hostCount = 0;
  hasUpgradeField = false;

  constructor(private readonly limits: HTTPLimits) {}

  /**
   * Add the field line `data[pos, end)` (line ending excluded, not empty). Returns the error
   * to fail the message with, or null. Trailer fields are kept but do not affect framing.
   */
  addLine(data: Buffer, pos: number, end: number, trailer: boolean): HTTPParseError | null {
    const first = data[pos]!;
    if (first === SP || first === HTAB) {
      return badRequest('Obsolete line folding (obs-fold) is not accepted.');
    }
    let colon = pos;
    while (colon < end && TOKEN_BYTES[data[colon]!] === 1) colon++;
    if (colon === pos || colon === end || data[colon] !== COLON) {
      return badRequest(
        'Invalid header field name (a token followed directly by a colon is required).',
      );
    }
    if (++this.count > this.limits.maxHeaders) return this.tooLarge();
    let valueStart = colon + 1;
    while (valueStart < end && (data[valueStart] === SP || data[valueStart] === HTAB)) valueStart++;
    let valueEnd = end;
    while (valueEnd > valueStart && (data[valueEnd - 1] === SP || data[valueEnd - 1] === HTAB))
      valueEnd--;
    for (let i = valueStart; i < valueEnd; i++) {
      if (FIELD_VALUE_BYTES[data[i]!] !== 1) {
        return badRequest(
          'Invalid character in a header field value (control characters, a bare CR or NUL).',
        );
      }
    }
    const name = (data as Latin1Buffer).latin1Slice(pos, colon);
    const lower = name.toLowerCase();
    const value =
      valueEnd === valueStart ? '' : (data as Latin1Buffer).latin1Slice(valueStart, valueEnd);
    this.headers.appendTrusted(name, lower, value);
    if (!trailer) this.noteFramingField(lower, value);
    return null;
  }

  /** The header section is over the limits: 431. */
  tooLarge(): HTTPParseError {
    return new HTTPParseError(
      'TW_HTTP_HEADERS_TOO_LARGE',
      431,
      `Header section over the limits (maxHeaderBytes ${this.limits.maxHeaderBytes}, maxHeaders ${this.limits.maxHeaders}).`,
    );
  }

  /** RFC 9112 §3.2: a request without Host in HTTP/1.1, or with several, MUST get a 400. */
  hostError(version: string): HTTPParseError | null {
    if (this.hostCount > 1) return badRequest('More than one Host field.');
    if (this.hostCount === 0 && version === 'HTTP/1.1') return badRequest('Missing Host field.');
    return null;
  }

  /** How the body is delimited (smuggling attempts refused), from the fields noted. */
  framing(isRequest: boolean, version: string, noBody: boolean): FramingResult {
    return isRequest
      ? requestFraming(version, this.contentLengthValues, this.transferEncodingValues)
      : responseFraming(noBody, this.contentLengthValues, this.transferEncodingValues);
  }

  /** Whether the connection may carry another message (version and Connection). */
  keepAlive(version: string): boolean {
    return isKeepAlive(version, this.connectionValues);
  }

  /** Connection: upgrade and an Upgrade field. */
  get upgrade(): boolean {
    return this.hasUpgradeField && connectionHas(this.connectionValues, 'upgrade');
  }

  /** A trailer section starts: fresh headers and limits, framing fields kept. */
  startTrailers(): void {
    this.headers = new Headers();
    this.bytes = 0;
    this.count = 0;
  }

  /** Ready for the next message. */
  reset(): void {
    this.headers = new Headers();
    this.bytes = 0;
    this.count = 0;
    this.contentLengthValues = null;
    this.transferEncodingValues = null;
    this.connectionValues = null;
    this.hostCount = 0;
    this.hasUpgradeField = false;
  }

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
}

export function badRequest(message: string): HTTPParseError {
  return new HTTPParseError('TW_HTTP_BAD_REQUEST', 400, message);
}
