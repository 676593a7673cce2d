import type { CookieAttributes } from '../interfaces.js';
import { InvalidHeaderError } from '../wire/errors.js';
import { isToken } from '../wire/tokens.js';

/**
 * Parse Cookie header values (RFC 6265 §5.4: "a=1; b=2") into name → value. The first value of
 * a name wins (browsers send the most specific path first). Pairs without '=' are skipped.
 */
export function parseCookieHeader(values: readonly string[]): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const value of values) {
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      if (name === '' || cookies.has(name)) continue;
      cookies.set(name, pair.slice(eq + 1).trim());
    }
  }
  return cookies;
}

/**
 * The Set-Cookie value for a cookie (RFC 6265 §4.1). The name must be a token; the value
 * cookie-octets (no whitespace, DQUOTE, comma, semicolon, backslash or controls — encode it
 * first, e.g. with encodeURIComponent); path and domain may not contain ';' or controls.
 */
export function serializeSetCookie(
  name: string,
  value: string,
  attributes: CookieAttributes = {},
): string {
  if (!isToken(name))
    throw new InvalidHeaderError(
      `Invalid cookie name ${JSON.stringify(name)}: it must be a token.`,
    );
  if (!isCookieValue(value)) {
    throw new InvalidHeaderError(
      `Invalid cookie value for ${name}: use cookie-octets only (encode spaces, quotes, commas, semicolons and backslashes).`,
    );
  }
  let out = `${name}=${value}`;
  if (attributes.expires !== undefined) out += `; Expires=${attributes.expires.toUTCString()}`;
  if (attributes.maxAge !== undefined) {
    if (!Number.isInteger(attributes.maxAge))
      throw new InvalidHeaderError('Cookie maxAge must be an integer (seconds).');
    out += `; Max-Age=${attributes.maxAge}`;
  }
  if (attributes.domain !== undefined)
    out += `; Domain=${checkAttribute('domain', attributes.domain)}`;
  if (attributes.path !== undefined) out += `; Path=${checkAttribute('path', attributes.path)}`;
  if (attributes.secure === true) out += '; Secure';
  if (attributes.httpOnly === true) out += '; HttpOnly';
  if (attributes.sameSite !== undefined) out += `; SameSite=${attributes.sameSite}`;
  return out;
}

function isCookieValue(value: string): boolean {
  let start = 0;
  let end = value.length;
  if (end >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(end - 1) === 0x22) {
    start = 1;
    end--;
  }
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    // cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x2c || c === 0x3b || c === 0x5c) return false;
  }
  return true;
}

function checkAttribute(name: string, value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x3b || c > 0x7e) {
      throw new InvalidHeaderError(
        `Invalid cookie ${name} ${JSON.stringify(value)}: no ';' or control characters.`,
      );
    }
  }
  return value;
}
