/**
 * How long a message body is (RFC 9112 §6), decided from the header fields alone. Pure
 * functions, so the smuggling rules can be read and tested in one place.
 */
import type { HTTPParseErrorStatus } from './errors.js';
import { isToken, splitListValue } from './tokens.js';

/** Where a message body ends. */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'eof';

/** A framing decision, or the reply to refuse the message with. */
export type FramingResult =
  | {
      readonly ok: true;
      readonly framing: BodyFraming;
      readonly length: number;
      readonly mustClose: boolean;
    }
  | {
      readonly ok: false;
      readonly status: HTTPParseErrorStatus;
      readonly code: string;
      readonly message: string;
    };

const SMUGGLING = 'TW_HTTP_SMUGGLING';
const BAD_REQUEST = 'TW_HTTP_BAD_REQUEST';

/**
 * Parse Content-Length field values: every value (several fields, or a comma list) must be
 * 1*DIGIT and all must agree (RFC 9110 §8.6). Returns the length (Infinity when it has more
 * digits than a double holds exactly), or null when the values are invalid or disagree.
 */
export function parseContentLength(values: readonly string[]): number | null {
  let result: number | null = null;
  for (const value of values) {
    const items = value.split(',');
    for (const raw of items) {
      const item = trimSpaces(raw);
      if (item.length === 0) return null;
      for (let i = 0; i < item.length; i++) {
        const code = item.charCodeAt(i);
        if (code < 0x30 || code > 0x39) return null;
      }
      let first = 0;
      while (first < item.length - 1 && item.charCodeAt(first) === 0x30) first++;
      const length = item.length - first > 15 ? Infinity : Number(item.slice(first));
      if (result !== null && result !== length) return null;
      result = length;
    }
  }
  return result;
}

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09))
    start++;
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09))
    end--;
  return text.slice(start, end);
}

/** Lower-cased transfer codings of all Transfer-Encoding fields, parameters dropped; null if malformed. */
export function parseTransferCodings(values: readonly string[]): string[] | null {
  const codings: string[] = [];
  for (const value of values) {
    for (const item of splitListValue(value)) {
      const semicolon = item.indexOf(';');
      const name = trimSpaces(semicolon < 0 ? item : item.slice(0, semicolon));
      if (!isToken(name)) return null;
      codings.push(name.toLowerCase());
    }
  }
  return codings;
}

/**
 * Framing of a request (RFC 9112 §6.3), refusing everything a front-end and a back-end could
 * read differently:
 * - Transfer-Encoding in HTTP/1.0 → 400 (§6.1: the framing is faulty).
 * - Transfer-Encoding together with Content-Length → 400 (the classic CL.TE / TE.CL attack).
 * - chunked not the final coding, or applied twice, or an empty/malformed list → 400 (§6.3 item 4).
 * - another coding before chunked (gzip, chunked) → 501: we implement none but chunked (§6.1).
 * - Content-Length that is not 1*DIGIT, or several that disagree → 400 (§6.3 item 5).
 * - neither → no body (a request is never read until close).
 */
export function requestFraming(
  version: string,
  contentLength: readonly string[] | null,
  transferEncoding: readonly string[] | null,
): FramingResult {
  if (transferEncoding !== null) {
    if (version === 'HTTP/1.0') {
      return refuse(400, SMUGGLING, 'Transfer-Encoding in an HTTP/1.0 request.');
    }
    if (contentLength !== null) {
      return refuse(400, SMUGGLING, 'Both Transfer-Encoding and Content-Length were sent.');
    }
    const codings = parseTransferCodings(transferEncoding);
    if (codings === null || codings.length === 0) {
      return refuse(400, SMUGGLING, 'Malformed Transfer-Encoding.');
    }
    if (codings[codings.length - 1] !== 'chunked') {
      return refuse(400, SMUGGLING, 'chunked is not the final transfer coding.');
    }
    if (codings.indexOf('chunked') !== codings.length - 1) {
      return refuse(400, SMUGGLING, 'chunked applied more than once.');
    }
    if (codings.length > 1) {
      return refuse(
        501,
        'TW_HTTP_UNSUPPORTED_ENCODING',
        `Transfer coding ${codings[0]!} is not implemented (only chunked is).`,
      );
    }
    return { ok: true, framing: 'chunked', length: -1, mustClose: false };
  }
  if (contentLength !== null) {
    const length = parseContentLength(contentLength);
    if (length === null) {
      return refuse(400, SMUGGLING, 'Invalid or conflicting Content-Length.');
    }
    return { ok: true, framing: length === 0 ? 'none' : 'length', length, mustClose: false };
  }
  return { ok: true, framing: 'none', length: 0, mustClose: false };
}

/**
 * Framing of a response (RFC 9112 §6.3), for a client. `noBody` covers responses to HEAD and
 * statuses that never have content (1xx, 204, 304). Transfer-Encoding overrides Content-Length
 * but the connection is not reused after such a message; a body without either is read until
 * the server closes.
 */
export function responseFraming(
  noBody: boolean,
  contentLength: readonly string[] | null,
  transferEncoding: readonly string[] | null,
): FramingResult {
  if (noBody) return { ok: true, framing: 'none', length: 0, mustClose: false };
  if (transferEncoding !== null) {
    const codings = parseTransferCodings(transferEncoding);
    if (codings === null)
      return refuse(400, BAD_REQUEST, 'Malformed Transfer-Encoding in response.');
    const chunkedLast = codings[codings.length - 1] === 'chunked';
    return {
      ok: true,
      framing: chunkedLast ? 'chunked' : 'eof',
      length: -1,
      mustClose: contentLength !== null || !chunkedLast,
    };
  }
  if (contentLength !== null) {
    const length = parseContentLength(contentLength);
    if (length === null)
      return refuse(400, BAD_REQUEST, 'Invalid or conflicting Content-Length in response.');
    return { ok: true, framing: length === 0 ? 'none' : 'length', length, mustClose: false };
  }
  return { ok: true, framing: 'eof', length: -1, mustClose: true };
}

/**
 * Whether the connection stays open after this message (RFC 9112 §9.3): HTTP/1.1 unless
 * "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
 */
export function isKeepAlive(version: string, connection: readonly string[] | null): boolean {
  let close = false;
  let keepAlive = false;
  if (connection !== null) {
    for (const value of connection) {
      for (const token of splitListValue(value)) {
        const lower = token.toLowerCase();
        if (lower === 'close') close = true;
        else if (lower === 'keep-alive') keepAlive = true;
      }
    }
  }
  if (close) return false;
  return version === 'HTTP/1.1' || keepAlive;
}

/** True when the Connection field lists `token` (case-insensitive). */
export function connectionHas(connection: readonly string[] | null, token: string): boolean {
  if (connection === null) return false;
  for (const value of connection) {
    for (const item of splitListValue(value)) if (item.toLowerCase() === token) return true;
  }
  return false;
}

function refuse(status: HTTPParseErrorStatus, code: string, message: string): FramingResult {
  return { ok: false, status, code, message };
}
