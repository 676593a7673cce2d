import { InvalidHeaderError } from './errors.js';
import { isFieldValue, isToken, TARGET_BYTES } from './tokens.js';
import { statusLine } from './status-codes.js';

/** Header fields to serialise: any iterable of [name, value] pairs (a Headers is one). */
export type HeaderPairs = Iterable<readonly [string, string]>;

/**
 * The response head — status line, field lines, blank line — as latin-1 bytes.
 * Every name and value is validated (InvalidHeaderError), so nothing can split the response.
 * `reason` defaults to the registered phrase.
 */
export function serializeResponseHead(
  version: 'HTTP/1.1' | 'HTTP/1.0',
  code: number,
  headers: HeaderPairs,
  reason?: string,
): Uint8Array {
  if (!Number.isInteger(code) || code < 100 || code > 999) {
    throw new InvalidHeaderError(`Status code ${code} is not a three-digit integer.`);
  }
  if (reason !== undefined && !isReasonPhrase(reason)) {
    throw new InvalidHeaderError(
      `Invalid reason phrase ${JSON.stringify(reason)}: text without control characters.`,
    );
  }
  return Buffer.from(statusLine(version, code, reason) + fieldLines(headers) + '\r\n', 'latin1');
}

/**
 * The request head — request line, field lines, blank line — as latin-1 bytes.
 * `target` is the request-target as it goes on the wire (origin-form '/p?q', absolute-form for
 * proxies, authority-form for CONNECT, '*' for OPTIONS); it may not contain spaces or controls.
 */
export function serializeRequestHead(
  method: string,
  target: string,
  headers: HeaderPairs,
  version: 'HTTP/1.1' | 'HTTP/1.0' = 'HTTP/1.1',
): Uint8Array {
  if (!isToken(method)) {
    throw new InvalidHeaderError(`Invalid method ${JSON.stringify(method)}: a method is a token.`);
  }
  if (!isRequestTarget(target)) {
    throw new InvalidHeaderError(
      `Invalid request-target ${JSON.stringify(target)}: percent-encode spaces and control characters.`,
    );
  }
  return Buffer.from(`${method} ${target} ${version}\r\n${fieldLines(headers)}\r\n`, 'latin1');
}

/** "Name: value\r\n" for each pair, validated. */
export function fieldLines(headers: HeaderPairs): string {
  let out = '';
  for (const [name, value] of headers) {
    if (!isToken(name)) {
      throw new InvalidHeaderError(
        `Invalid header name ${JSON.stringify(name)}: a name is a token.`,
      );
    }
    if (!isFieldValue(value)) {
      throw new InvalidHeaderError(
        `Invalid value for header ${name}: ${JSON.stringify(value)} (control characters or surrounding whitespace).`,
      );
    }
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

function isReasonPhrase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff || (code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

function isRequestTarget(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff || TARGET_BYTES[code] !== 1) return false;
  }
  return true;
}
