import { HTTPParseError } from './errors.js';
import { TARGET_BYTES, TOKEN_BYTES } from './tokens.js';

/** The parts of a request line or a status line (the other side's fields are '' / 0). */
export interface StartLine {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  readonly code: number;
  readonly reason: string;
}

const SP = 0x20;

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/**
 * request-line = method SP request-target SP HTTP-version (RFC 9112 §3), exactly: one space
 * between parts, a token method, a target without whitespace or controls (a bare CR, a tab, or
 * a second space are all 400). HTTP/1.0 and 1.1 are accepted; another HTTP/x.y is 505.
 */
export function parseRequestLine(
  data: Buffer,
  start: number,
  end: number,
): StartLine | HTTPParseError {
  let i = start;
  while (i < end && TOKEN_BYTES[data[i]!] === 1) i++;
  if (i === start || i === end || data[i] !== SP)
    return badRequest('Invalid method in request line.');
  const method = internMethod(data, start, i);
  const targetStart = i + 1;
  let j = targetStart;
  while (j < end && TARGET_BYTES[data[j]!] === 1) j++;
  if (j === targetStart || j === end || data[j] !== SP) {
    return badRequest('Invalid request-target (whitespace or control characters) in request line.');
  }
  const versionStart = j + 1;
  const version = parseVersion(data, versionStart, end);
  if (typeof version !== 'string') return version;
  const target =
    j - targetStart === 1 && data[targetStart] === 0x2f
      ? '/'
      : (data as Latin1Buffer).latin1Slice(targetStart, j);
  if (!isTargetFormAllowed(method, target)) {
    return badRequest(`Request-target form not allowed for ${method}.`);
  }
  return { method, target, version, code: 0, reason: '' };
}

/**
 * status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4). A missing
 * space after the code is tolerated, as real servers send "HTTP/1.1 200\r\n".
 */
export function parseStatusLine(
  data: Buffer,
  start: number,
  end: number,
): StartLine | HTTPParseError {
  if (end - start < 12 || data[start + 8] !== SP) return badResponse('Invalid status line.');
  const version = parseVersion(data, start, start + 8);
  if (typeof version !== 'string') return version;
  let code = 0;
  for (let i = start + 9; i < start + 12; i++) {
    const digit = data[i]! - 0x30;
    if (digit < 0 || digit > 9) return badResponse('Invalid status code.');
    code = code * 10 + digit;
  }
  if (code < 100) return badResponse('Invalid status code.');
  let reason = '';
  if (end > start + 12) {
    if (data[start + 12] !== SP) return badResponse('Invalid status line.');
    for (let i = start + 13; i < end; i++) {
      const byte = data[i]!;
      if ((byte < 0x20 && byte !== 0x09) || byte === 0x7f)
        return badResponse('Invalid reason phrase.');
    }
    reason = (data as Latin1Buffer).latin1Slice(start + 13, end);
  }
  return { method: '', target: '', version, code, reason };
}

const HTTP_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f, -1, 0x2e, -1]; // "HTTP/x.y"

function parseVersion(data: Buffer, start: number, end: number): string | HTTPParseError {
  if (end - start !== 8) return badRequest('Invalid HTTP version.');
  for (let k = 0; k < 8; k++) {
    const expected = HTTP_PREFIX[k]!;
    const byte = data[start + k]!;
    if (expected >= 0 ? byte !== expected : byte < 0x30 || byte > 0x39) {
      return badRequest('Invalid HTTP version.');
    }
  }
  const major = data[start + 5]!;
  const minor = data[start + 7]!;
  if (major === 0x31 && minor === 0x31) return 'HTTP/1.1';
  if (major === 0x31 && minor === 0x30) return 'HTTP/1.0';
  return new HTTPParseError(
    'TW_HTTP_VERSION_NOT_SUPPORTED',
    505,
    `HTTP/${String.fromCharCode(major)}.${String.fromCharCode(minor)} is not supported; use HTTP/1.1.`,
  );
}

/**
 * RFC 9112 §3.2: '*' only for OPTIONS; authority-form only for CONNECT; otherwise origin-form
 * ('/…') or absolute-form ('http://…', what proxies receive).
 */
function isTargetFormAllowed(method: string, target: string): boolean {
  const first = target.charCodeAt(0);
  if (first === 0x2f) return method !== 'CONNECT';
  if (target === '*') return method === 'OPTIONS';
  if (method === 'CONNECT')
    return /^[^/?#@\s]+:\d+$/.test(target) || /^\[[0-9A-Fa-f:.]+\]:\d+$/.test(target);
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]+/.test(target);
}

const COMMON_METHODS = [
  'GET',
  'POST',
  'HEAD',
  'PUT',
  'DELETE',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
];
const COMMON_METHOD_BYTES = COMMON_METHODS.map((m) => Buffer.from(m, 'latin1'));

/** The shared string for a common method, so the hot path allocates none. */
function internMethod(data: Buffer, start: number, end: number): string {
  const length = end - start;
  for (let m = 0; m < COMMON_METHOD_BYTES.length; m++) {
    const bytes = COMMON_METHOD_BYTES[m]!;
    if (bytes.length !== length || bytes[0] !== data[start]) continue;
    let k = 1;
    while (k < length && bytes[k] === data[start + k]) k++;
    if (k === length) return COMMON_METHODS[m]!;
  }
  return (data as Latin1Buffer).latin1Slice(start, end);
}

function badRequest(message: string): HTTPParseError {
  return new HTTPParseError('TW_HTTP_BAD_REQUEST', 400, message);
}

function badResponse(message: string): HTTPParseError {
  return new HTTPParseError('TW_HTTP_BAD_RESPONSE', 400, message);
}

/** A start line longer than maxRequestLine: 414 for a request, 400 for a status line. */
export function startLineTooLong(kind: 'request' | 'response', limit: number): HTTPParseError {
  if (kind === 'request') {
    return new HTTPParseError(
      'TW_HTTP_URI_TOO_LONG',
      414,
      `Request line longer than maxRequestLine (${limit} bytes).`,
    );
  }
  return new HTTPParseError(
    'TW_HTTP_BAD_REQUEST',
    400,
    `Status line longer than maxRequestLine (${limit} bytes).`,
  );
}
