import { computeAcceptKey, isValidWebSocketKey } from './accept-key.js';
import {
  acceptDeflateOffer,
  type NegotiatedDeflate,
  type PerMessageDeflateOptions,
} from './deflate-negotiation.js';
import { parseExtensionHeader } from './extension-header.js';
import { headerTokens } from './handshake-head.js';
import type { WebSocketOptions } from './handler.js';

/** What the server knows of an upgrade request (from the resource tree or the standalone reader). */
export interface WebSocketUpgradeRequest {
  readonly method: string;
  /** 'HTTP/1.1' */
  readonly version: string;
  readonly path: string;
  /** Header names lower case. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
}

/** Server-side handshake policy: origins, subprotocols, compression. */
export interface WebSocketServerOptions extends WebSocketOptions {
  /**
   * Decide whether to accept a browser's Origin (null when the client sent none, as non-browser
   * clients do). Returning false answers 403. Default: accept every origin — browsers send
   * cookies cross-site, so set this when the WebSocket relies on them.
   */
  readonly checkOrigin?: (origin: string | null, request: WebSocketUpgradeRequest) => boolean;
  /**
   * The subprotocols this server speaks, best first; the first one the client also offered is
   * chosen. Or a function picking one of `offered` (or null for none).
   */
  readonly subprotocols?:
    | readonly string[]
    | ((offered: readonly string[], request: WebSocketUpgradeRequest) => string | null);
  /** Accept permessage-deflate when a client offers it (default false: no compression). */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Extra response headers for the 101 (e.g. Set-Cookie). */
  readonly responseHeaders?: ReadonlyArray<readonly [string, string]>;
}

export type ServerHandshakeResult =
  | {
      readonly ok: true;
      /** The 101 response headers to send (besides anything the caller adds). */
      readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
      readonly subprotocol: string | null;
      readonly deflate: NegotiatedDeflate | null;
    }
  | {
      readonly ok: false;
      readonly status: number;
      readonly message: string;
      readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
    };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function refuse(
  status: number,
  message: string,
  responseHeaders: ReadonlyArray<readonly [string, string]> = [],
): ServerHandshakeResult {
  return { ok: false, status, message, responseHeaders };
}

/**
 * Validate an opening handshake request (RFC 6455 §4.2.1) and work out the 101 response:
 * GET over HTTP/1.1+, a Host, `Upgrade: websocket`, `Connection: upgrade`, a 16-byte
 * Sec-WebSocket-Key and version 13 (anything else: 426 with `Sec-WebSocket-Version: 13`), the
 * Origin check, subprotocol choice and permessage-deflate negotiation.
 */
export function negotiateServerHandshake(
  request: WebSocketUpgradeRequest,
  options: WebSocketServerOptions,
): ServerHandshakeResult {
  const { headers } = request;
  if (request.method !== 'GET') {
    return refuse(405, 'A WebSocket handshake must be a GET request.', [['Allow', 'GET']]);
  }
  const versionMatch = /^HTTP\/(\d)\.(\d)$/.exec(request.version);
  if (versionMatch === null || Number(versionMatch[1]) * 10 + Number(versionMatch[2]) < 11) {
    return refuse(400, 'A WebSocket handshake needs HTTP/1.1 or later.');
  }
  if ((headers.get('host') ?? []).length !== 1) {
    return refuse(400, 'A WebSocket handshake needs exactly one Host header.');
  }
  const upgrade = headerTokens(headers, 'upgrade').map((token) => token.toLowerCase());
  if (!upgrade.includes('websocket')) {
    return refuse(426, 'This resource speaks only WebSocket: send "Upgrade: websocket".', [
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
    ]);
  }
  const connection = headerTokens(headers, 'connection').map((token) => token.toLowerCase());
  if (!connection.includes('upgrade')) {
    return refuse(400, 'A WebSocket handshake needs "Connection: Upgrade".');
  }
  const versions = headerTokens(headers, 'sec-websocket-version');
  if (versions.length !== 1 || versions[0] !== '13') {
    return refuse(426, 'Only WebSocket version 13 (RFC 6455) is supported.', [
      ['Sec-WebSocket-Version', '13'],
    ]);
  }
  const keys = headers.get('sec-websocket-key') ?? [];
  if (keys.length !== 1 || !isValidWebSocketKey(keys[0]!.trim())) {
    return refuse(400, 'Sec-WebSocket-Key must be given once, as base64 of 16 bytes.');
  }
  const origins = headers.get('origin') ?? headers.get('sec-websocket-origin') ?? [];
  if (options.checkOrigin !== undefined && !options.checkOrigin(origins[0] ?? null, request)) {
    return refuse(403, `The origin ${JSON.stringify(origins[0] ?? null)} is not allowed.`);
  }
  const offered = headerTokens(headers, 'sec-websocket-protocol');
  if (!offered.every((name) => TOKEN.test(name))) {
    return refuse(400, 'Sec-WebSocket-Protocol must list tokens.');
  }
  const subprotocol = chooseSubprotocol(offered, request, options);
  const responseHeaders: Array<readonly [string, string]> = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', computeAcceptKey(keys[0]!.trim())],
  ];
  if (subprotocol !== null) responseHeaders.push(['Sec-WebSocket-Protocol', subprotocol]);
  let deflate: NegotiatedDeflate | null = null;
  if (options.perMessageDeflate !== undefined && options.perMessageDeflate !== false) {
    const extensions = parseExtensionHeader(headers.get('sec-websocket-extensions') ?? []);
    if (extensions === null) return refuse(400, 'Sec-WebSocket-Extensions is malformed.');
    deflate = acceptDeflateOffer(
      extensions,
      options.perMessageDeflate === true ? {} : options.perMessageDeflate,
    );
    if (deflate !== null)
      responseHeaders.push(['Sec-WebSocket-Extensions', deflate.responseHeader]);
  }
  responseHeaders.push(...(options.responseHeaders ?? []));
  return { ok: true, responseHeaders, subprotocol, deflate };
}

function chooseSubprotocol(
  offered: readonly string[],
  request: WebSocketUpgradeRequest,
  options: WebSocketServerOptions,
): string | null {
  const supported = options.subprotocols;
  if (supported === undefined || offered.length === 0) return null;
  if (typeof supported === 'function') {
    const chosen = supported(offered, request);
    return chosen !== null && offered.includes(chosen) ? chosen : null;
  }
  return supported.find((name) => offered.includes(name)) ?? null;
}

/** Serialise a response head (101 or a refusal) for a raw stream. */
export function formatResponseHead(
  status: number,
  reason: string,
  headers: ReadonlyArray<readonly [string, string]>,
): Uint8Array {
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return Buffer.from(`${head}\r\n`, 'latin1');
}
