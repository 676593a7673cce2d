import { isIPLiteral } from '@tw/core';
import { isToken } from '../wire/tokens.js';

/** One stored cookie (RFC 6265 §5.3). */
export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case domain, without a leading dot. */
  readonly domain: string;
  /** True when the cookie had no Domain attribute: sent to exactly that host. */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  /** Milliseconds since the epoch, or null for a session cookie. */
  readonly expires: number | null;
  readonly created: number;
}

export interface CookieJarOptions {
  /** The clock, in milliseconds since the epoch (default Date.now). */
  readonly now?: () => number;
  /** Longest name=value accepted, in bytes (default 4096, RFC 6265 §6.1's minimum). */
  readonly maxCookieSize?: number;
  /** Most cookies kept per domain (default 50); the least recently created go first. */
  readonly maxCookiesPerDomain?: number;
  /** Most cookies kept in all (default 3000). */
  readonly maxCookies?: number;
}

/**
 * A small RFC 6265 cookie store for the client: Set-Cookie parsing, domain and path matching,
 * Secure, HttpOnly, Expires and Max-Age, and limits so a server cannot make it grow without end.
 * It does not consult the Public Suffix List; it refuses a Domain attribute without a dot
 * (`Domain=com`) and any Domain on an IP-address host.
 */
export class CookieJar {
  private readonly cookies: StoredCookie[] = [];
  private readonly now: () => number;
  private readonly maxCookieSize: number;
  private readonly maxCookiesPerDomain: number;
  private readonly maxCookies: number;

  constructor(options: CookieJarOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxCookieSize = options.maxCookieSize ?? 4096;
    this.maxCookiesPerDomain = options.maxCookiesPerDomain ?? 50;
    this.maxCookies = options.maxCookies ?? 3000;
  }

  /** Every unexpired cookie, for inspection. */
  all(): readonly StoredCookie[] {
    this.evictExpired();
    return [...this.cookies];
  }

  /** Store the cookies of the Set-Cookie field values a response to `url` carried. */
  setCookiesFromResponse(url: string, setCookieValues: readonly string[]): void {
    const target = new URL(url);
    for (const value of setCookieValues) this.setCookie(target, value);
  }

  /** The Cookie header value for a request to `url`, or null when no cookie applies. */
  getCookieHeader(url: string): string | null {
    this.evictExpired();
    const target = new URL(url);
    const host = canonicalHost(target.hostname);
    const secure = target.protocol === 'https:';
    const path = target.pathname === '' ? '/' : target.pathname;
    const matching = this.cookies
      .filter(
        (cookie) =>
          (cookie.hostOnly ? host === cookie.domain : domainMatches(host, cookie.domain)) &&
          pathMatches(path, cookie.path) &&
          (!cookie.secure || secure),
      )
      // §5.4: longer paths first, then earlier creation.
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created);
    if (matching.length === 0) return null;
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  private setCookie(url: URL, header: string): void {
    const parsed = parseSetCookie(header);
    if (parsed === null) return;
    if (parsed.name.length + parsed.value.length > this.maxCookieSize) return;
    const host = canonicalHost(url.hostname);
    const now = this.now();
    let domain = host;
    let hostOnly = true;
    const domainAttribute = parsed.attributes.get('domain');
    if (domainAttribute !== undefined && domainAttribute !== '') {
      const candidate = domainAttribute.replace(/^\./, '').toLowerCase();
      if (isIPLiteral(host) && candidate !== host) return;
      if (!candidate.includes('.') && candidate !== host) return;
      if (!domainMatches(host, candidate)) return;
      domain = candidate;
      hostOnly = false;
    }
    const pathAttribute = parsed.attributes.get('path');
    const path =
      pathAttribute !== undefined && pathAttribute.startsWith('/')
        ? pathAttribute
        : defaultPath(url.pathname);
    const secure = parsed.attributes.has('secure');
    // RFC 6265bis: a Secure cookie can only be set over a secure connection.
    if (secure && url.protocol !== 'https:') return;
    let expires: number | null = null;
    const maxAge = parsed.attributes.get('max-age');
    if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) {
      const seconds = Number(maxAge);
      expires = seconds <= 0 ? 0 : now + seconds * 1000;
    } else {
      const expiresAttribute = parsed.attributes.get('expires');
      if (expiresAttribute !== undefined) {
        const time = Date.parse(expiresAttribute);
        if (!Number.isNaN(time)) expires = time;
      }
    }
    const index = this.cookies.findIndex(
      (c) => c.name === parsed.name && c.domain === domain && c.path === path,
    );
    const created = index >= 0 ? this.cookies[index]!.created : now;
    if (index >= 0) this.cookies.splice(index, 1);
    if (expires !== null && expires <= now) return; // an expiry in the past deletes it
    this.cookies.push({
      name: parsed.name,
      value: parsed.value,
      domain,
      hostOnly,
      path,
      secure,
      httpOnly: parsed.attributes.has('httponly'),
      expires,
      created,
    });
    this.enforceLimits(domain);
  }

  private evictExpired(): void {
    const now = this.now();
    for (let i = this.cookies.length - 1; i >= 0; i--) {
      const expires = this.cookies[i]!.expires;
      if (expires !== null && expires <= now) this.cookies.splice(i, 1);
    }
  }

  private enforceLimits(domain: string): void {
    this.evictExpired();
    const sameDomain = this.cookies.filter((c) => c.domain === domain);
    let excess = sameDomain.length - this.maxCookiesPerDomain;
    for (const cookie of sameDomain) {
      if (excess-- <= 0) break;
      this.cookies.splice(this.cookies.indexOf(cookie), 1);
    }
    while (this.cookies.length > this.maxCookies) this.cookies.shift();
  }
}

interface ParsedSetCookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case attribute name → value (last one wins, §5.3). */
  readonly attributes: Map<string, string>;
}

/** RFC 6265 §5.2: name=value, then ;-separated attributes; null when it must be ignored. */
export function parseSetCookie(header: string): ParsedSetCookie | null {
  const [pair = '', ...rest] = header.split(';');
  const equals = pair.indexOf('=');
  if (equals < 0) return null;
  const name = pair.slice(0, equals).trim();
  const value = pair.slice(equals + 1).trim();
  // A name is a token (RFC 6265 §4.1.1); a value may not hold controls that could split a header.
  if (!isToken(name) || hasControlCharacter(value)) return null;
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const at = part.indexOf('=');
    const key = (at < 0 ? part : part.slice(0, at)).trim().toLowerCase();
    const attributeValue = at < 0 ? '' : part.slice(at + 1).trim();
    if (key !== '') attributes.set(key, attributeValue);
  }
  return { name, value, attributes };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** §5.1.3: the host equals the domain, or ends with "." + domain and is not an IP address. */
export function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  return !isIPLiteral(host) && host.endsWith(`.${domain}`);
}

/** §5.1.4. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** §5.1.4: the directory of the request path. */
function defaultPath(path: string): string {
  if (!path.startsWith('/')) return '/';
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function canonicalHost(hostname: string): string {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase();
}
