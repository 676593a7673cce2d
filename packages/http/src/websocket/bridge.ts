import {
  Logger,
  TwError,
  clientFromString,
  formatProxyHeaderV1,
  formatProxyHeaderV2,
  type Address,
  type ILogger,
  type IReactor,
  type IStreamClientEndpoint,
} from '@tw/core';

import type { IRequest, IResource, RenderResult } from '../interfaces.js';
import type { WebSocketSessionInfo } from './application.js';
import { WebSocketBridgeSession } from './bridge-session.js';
import { WebSocketResource } from './resource.js';
import type { WebSocketServerOptions, WebSocketUpgradeRequest } from './server-handshake.js';

/** Options of a WebSocketBridgeResource. */
export interface WebSocketBridgeOptions {
  /** The reactor: connects the target and runs the WebSocket timers. */
  readonly reactor: IReactor;
  /**
   * Where each WebSocket is relayed: a client endpoint, or its description
   * (`'tcp:host=127.0.0.1:port=6667'`, `'tls:host=irc.example.org:port=6697'`, …).
   */
  readonly target: IStreamClientEndpoint | string;
  /** Most bridged connections at once (default 100); more get 503 until one closes. */
  readonly maxConnections?: number;
  /** Most bridged connections from one client address (default 10); more get 503. */
  readonly maxConnectionsPerPeer?: number;
  /** Largest WebSocket message accepted, in bytes (default 64 KiB); bigger closes with 1009. */
  readonly maxMessageSize?: number;
  /**
   * Which browser pages may open the bridge. Default: requests without an Origin (non-browser
   * clients) and pages of the same origin as the bridge (Origin's host equals Host). Otherwise any
   * page on the web could make its visitors' browsers connect to the server behind the bridge.
   */
  readonly checkOrigin?: (origin: string | null, request: WebSocketUpgradeRequest) => boolean;
  /** Other origins allowed besides the default same-origin ones, e.g. `https://chat.example`. */
  readonly allowedOrigins?: readonly string[];
  /**
   * Subprotocols accepted when the client offers them (default `['binary']`, as websockify
   * speaks); a client that offers none is accepted too.
   */
  readonly subprotocols?: readonly string[];
  /** Where connects and failures are logged (default namespace `tw.http.bridge`). */
  readonly log?: ILogger;
  /**
   * Start each relayed connection with a PROXY protocol header ('v1' text or 'v2' binary) that
   * names the browser's address, for a server listening on `haproxy:…`: it then sees every
   * browser's own address instead of the bridge's (default: no header).
   */
  readonly proxyProtocol?: 'v1' | 'v2';
}

/** A bridge option out of range. */
export class WebSocketBridgeOptionError extends TwError {
  constructor(message: string) {
    super('TW_HTTP_BRIDGE_OPTION', message);
  }
}

export const DEFAULT_BRIDGE_MAX_CONNECTIONS = 100;
export const DEFAULT_BRIDGE_MAX_CONNECTIONS_PER_PEER = 10;
export const DEFAULT_BRIDGE_MAX_MESSAGE_SIZE = 64 * 1024;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new WebSocketBridgeOptionError(
      `WebSocketBridgeResource: ${name} must be a whole number >= 1, got ${value}.`,
    );
  }
  return value;
}

/** True when the Origin's host:port is the Host the request was sent to. */
export function isSameOrigin(origin: string, request: WebSocketUpgradeRequest): boolean {
  const host = request.headers.get('host')?.[0];
  if (host === undefined) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost.toLowerCase() === host.toLowerCase();
}

function peerKey(address: Address): string {
  return 'host' in address ? address.host : address.family;
}

/**
 * A leaf resource that lets browser pages reach a stream server (IRC, …) through a WebSocket,
 * like websockify: each WebSocket is upgraded, a connection to `target` is made, and bytes are
 * relayed both ways as binary messages, with back-pressure both ways, connection and message
 * size limits, and an origin check.
 *
 * @example
 * root.putChild('ws', new WebSocketBridgeResource({ reactor, target: 'tcp:host=127.0.0.1:port=6667' }));
 */
export class WebSocketBridgeResource implements IResource {
  readonly isLeaf = true;
  private readonly endpoint: IStreamClientEndpoint;
  private readonly maxConnections: number;
  private readonly maxPerPeer: number;
  private readonly upgrader: WebSocketResource;
  private readonly log: ILogger;
  private readonly perPeer = new Map<string, number>();
  private active = 0;
  private readonly proxyProtocol: 'v1' | 'v2' | undefined;

  constructor(options: WebSocketBridgeOptions) {
    this.endpoint =
      typeof options.target === 'string'
        ? clientFromString(options.reactor, options.target)
        : options.target;
    this.maxConnections = positiveInteger(
      'maxConnections',
      options.maxConnections,
      DEFAULT_BRIDGE_MAX_CONNECTIONS,
    );
    this.maxPerPeer = positiveInteger(
      'maxConnectionsPerPeer',
      options.maxConnectionsPerPeer,
      DEFAULT_BRIDGE_MAX_CONNECTIONS_PER_PEER,
    );
    const maxMessageSize = positiveInteger(
      'maxMessageSize',
      options.maxMessageSize,
      DEFAULT_BRIDGE_MAX_MESSAGE_SIZE,
    );
    this.log = options.log ?? new Logger('tw.http.bridge');
    if (options.proxyProtocol !== undefined && !['v1', 'v2'].includes(options.proxyProtocol)) {
      throw new WebSocketBridgeOptionError(
        `WebSocketBridgeResource: proxyProtocol must be 'v1' or 'v2', got ${String(options.proxyProtocol)}.`,
      );
    }
    this.proxyProtocol = options.proxyProtocol;
    const allowed = new Set(options.allowedOrigins ?? []);
    const checkOrigin =
      options.checkOrigin ??
      ((origin: string | null, request: WebSocketUpgradeRequest) =>
        origin === null || allowed.has(origin) || isSameOrigin(origin, request));
    const accepted = options.subprotocols ?? ['binary'];
    const serverOptions: WebSocketServerOptions = {
      reactor: options.reactor,
      maxMessageSize,
      checkOrigin,
      subprotocols: (offered) => offered.find((name) => accepted.includes(name)) ?? null,
    };
    this.upgrader = new WebSocketResource(
      (session: WebSocketSessionInfo) => this.openSession(session),
      serverOptions,
    );
  }

  /** Bridged connections open now. */
  get connectionCount(): number {
    return this.active;
  }

  getChildWithDefault(_name: string, _request: IRequest): IResource {
    return this;
  }

  putChild(_name: string, _child: IResource): void {
    throw new TypeError('A WebSocketBridgeResource is a leaf: it has no children.');
  }

  render(request: IRequest): RenderResult {
    const peer = peerKey(request.getClientAddress());
    if (this.active >= this.maxConnections || (this.perPeer.get(peer) ?? 0) >= this.maxPerPeer) {
      request.setResponseCode(503);
      request.setHeader('retry-after', '10');
      request.setHeader('content-type', 'text/plain; charset=utf-8');
      return 'Too many bridged connections; try again later.\n';
    }
    return this.upgrader.render(request);
  }

  private openSession(session: WebSocketSessionInfo): WebSocketBridgeSession {
    const peer = peerKey(session.peer);
    this.active++;
    this.perPeer.set(peer, (this.perPeer.get(peer) ?? 0) + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.active--;
      const left = (this.perPeer.get(peer) ?? 1) - 1;
      if (left === 0) this.perPeer.delete(peer);
      else this.perPeer.set(peer, left);
    };
    const preamble =
      this.proxyProtocol === undefined
        ? null
        : proxyHeaderFor(this.proxyProtocol, session.peer, session.local ?? null);
    return new WebSocketBridgeSession(this.endpoint, this.log, release, peer, preamble);
  }
}

/**
 * The PROXY header for a browser at `source` that reached us at `destination`; a connection the
 * header cannot describe (not TCP, or addresses of two families) is sent as UNKNOWN / LOCAL, so
 * the server falls back to the bridge's own address.
 */
function proxyHeaderFor(
  version: 'v1' | 'v2',
  source: Address,
  destination: Address | null,
): Uint8Array {
  const describable =
    destination !== null &&
    (source.family === 'IPv4' || source.family === 'IPv6') &&
    source.family === destination.family &&
    source.type === 'TCP' &&
    destination.type === 'TCP';
  if (version === 'v1') {
    return formatProxyHeaderV1(
      describable ? { source, destination } : { source: null, destination: null },
    );
  }
  return formatProxyHeaderV2(
    describable ? { source, destination } : { command: 'LOCAL', source: null, destination: null },
  );
}
