import { computeAcceptKey } from './accept-key.js';
import {
  PERMESSAGE_DEFLATE,
  acceptDeflateResponse,
  formatDeflateOffer,
  type NegotiatedDeflate,
  type PerMessageDeflateOptions,
} from './deflate-negotiation.js';
import { parseExtensionHeader } from './extension-header.js';
import { headerTokens, type HandshakeHead } from './handshake-head.js';

/** A parsed ws:/wss: URL (RFC 6455 §3). */
export interface WebSocketURL {
  readonly scheme: 'ws' | 'wss';
  readonly host: string;
  readonly port: number;
  /** The request-target: path and query, never empty ('/'). */
  readonly resource: string;
  /** The Host header value: host, with the port unless it is the scheme's default. */
  readonly hostHeader: string;
}

/** Parse a ws: or wss: URL; throws TypeError for any other scheme or a fragment. */
export function parseWebSocketURL(url: string): WebSocketURL {
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'ws' && scheme !== 'wss') {
    throw new TypeError(`${JSON.stringify(url)} is not a ws: or wss: URL.`);
  }
  if (parsed.hash !== '') throw new TypeError(`A WebSocket URL may not have a fragment: ${url}`);
  const defaultPort = scheme === 'wss' ? 443 : 80;
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return {
    scheme,
    host,
    port,
    resource: `${parsed.pathname === '' ? '/' : parsed.pathname}${parsed.search}`,
    hostHeader: parsed.port === '' ? parsed.hostname : `${parsed.hostname}:${port}`,
  };
}

/** What a client may add to its upgrade request. */
export interface WebSocketClientHandshakeOptions {
  /** Subprotocols to offer, best first (Sec-WebSocket-Protocol). */
  readonly subprotocols?: readonly string[];
  /** The Origin header to send (browsers always do; other clients need not). */
  readonly origin?: string;
  /** Offer permessage-deflate (default false). */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Extra request headers (e.g. Authorization, Cookie). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}

/** The upgrade request bytes for `url` with the key `key`. */
export function formatClientHandshake(
  url: WebSocketURL,
  key: string,
  options: WebSocketClientHandshakeOptions,
): Uint8Array {
  const lines = [
    `GET ${url.resource} HTTP/1.1`,
    `Host: ${url.hostHeader}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
  ];
  if (options.origin !== undefined) lines.push(`Origin: ${options.origin}`);
  if (options.subprotocols !== undefined && options.subprotocols.length > 0) {
    lines.push(`Sec-WebSocket-Protocol: ${options.subprotocols.join(', ')}`);
  }
  const deflate = deflateOptions(options);
  if (deflate !== null) lines.push(`Sec-WebSocket-Extensions: ${formatDeflateOffer(deflate)}`);
  for (const [name, value] of options.headers ?? []) {
    if (/[\r\n]/.test(name + value)) throw new TypeError(`Header ${name} contains a line break.`);
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

function deflateOptions(options: WebSocketClientHandshakeOptions): PerMessageDeflateOptions | null {
  const value = options.perMessageDeflate;
  if (value === undefined || value === false) return null;
  return value === true ? {} : value;
}

/** The outcome of checking the server's response: the agreement, or what was wrong. */
export type ClientHandshakeResult =
  | {
      readonly ok: true;
      readonly subprotocol: string | null;
      readonly deflate: NegotiatedDeflate | null;
      readonly extensions: string | null;
    }
  | { readonly ok: false; readonly status: number; readonly message: string };

/**
 * Check the server's response (RFC 6455 §4.1): status 101, `Upgrade: websocket`,
 * `Connection: upgrade`, the right Sec-WebSocket-Accept, a subprotocol we offered (if any),
 * and no extension we did not offer.
 */
export function checkServerHandshake(
  head: HandshakeHead,
  key: string,
  options: WebSocketClientHandshakeOptions,
): ClientHandshakeResult {
  const status = Number(head.startLine[1]);
  const fail = (message: string): ClientHandshakeResult => ({ ok: false, status, message });
  if (status !== 101) {
    return fail(
      `The server answered ${status} ${head.startLine[2]} instead of 101 Switching Protocols.`,
    );
  }
  const { headers } = head;
  if (!headerTokens(headers, 'upgrade').some((token) => token.toLowerCase() === 'websocket')) {
    return fail('The 101 response lacks "Upgrade: websocket".');
  }
  if (!headerTokens(headers, 'connection').some((token) => token.toLowerCase() === 'upgrade')) {
    return fail('The 101 response lacks "Connection: Upgrade".');
  }
  const accept = headers.get('sec-websocket-accept') ?? [];
  if (accept.length !== 1 || accept[0] !== computeAcceptKey(key)) {
    return fail('Sec-WebSocket-Accept does not match our key.');
  }
  const protocols = headerTokens(headers, 'sec-websocket-protocol');
  let subprotocol: string | null = null;
  if (protocols.length > 1) return fail('The server chose more than one subprotocol.');
  if (protocols.length === 1) {
    if (!(options.subprotocols ?? []).includes(protocols[0]!)) {
      return fail(
        `The server chose the subprotocol ${JSON.stringify(protocols[0])}, which we did not offer.`,
      );
    }
    subprotocol = protocols[0]!;
  }
  const extensionValues = headers.get('sec-websocket-extensions') ?? [];
  const extensions = parseExtensionHeader(extensionValues);
  if (extensions === null) return fail('Sec-WebSocket-Extensions is malformed.');
  let deflate: NegotiatedDeflate | null = null;
  const offered = deflateOptions(options);
  for (const extension of extensions) {
    if (extension.name !== PERMESSAGE_DEFLATE || offered === null || deflate !== null) {
      return fail(`The server accepted the extension ${extension.name}, which we did not offer.`);
    }
    const agreed = acceptDeflateResponse(extension, offered);
    if (typeof agreed === 'string') return fail(`Bad permessage-deflate response: ${agreed}.`);
    deflate = agreed;
  }
  return {
    ok: true,
    subprotocol,
    deflate,
    extensions: extensionValues.length === 0 ? null : extensionValues.join(', '),
  };
}
