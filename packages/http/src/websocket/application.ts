import { formatAddress, type Address, type IProtocolFactory } from '@tw/core';

import type { WebSocketHandler, WebSocketHandshakeInfo } from './handler.js';
import { WebSocketWrappedProtocol, type WebSocketAddress } from './websocket-transport.js';

/** What a handler factory learns about the connection it is asked to serve. */
export interface WebSocketSessionInfo extends WebSocketHandshakeInfo {
  /** The peer's stream address (TCP, TLS, …). */
  readonly peer: Address;
  /** Our own stream address the peer connected to (the server's, on a server). */
  readonly local?: Address;
}

/** Builds the handler for one connection, or returns null to refuse it (403 on a server). */
export type WebSocketHandlerFactory = (session: WebSocketSessionInfo) => WebSocketHandler | null;

/**
 * What runs on a WebSocket: a handler factory (message API), or any @tw/core protocol factory,
 * whose protocols then run over a WebSocketTransport (binary messages carry their bytes).
 */
export type WebSocketApplication = WebSocketHandlerFactory | IProtocolFactory;

/**
 * The handler for one connection. A protocol factory's buildProtocol() receives the
 * WebSocketAddress of the far end (scheme 'ws'/'wss', the URL, and the stream address).
 */
export function buildWebSocketHandler(
  application: WebSocketApplication,
  session: WebSocketSessionInfo,
  role: 'server' | 'client',
): WebSocketHandler | null {
  if (typeof application === 'function') return application(session);
  const url = `${session.scheme}://${session.host}${session.path}`;
  const addr: WebSocketAddress = {
    family: 'custom',
    scheme: session.scheme,
    description: role === 'client' ? url : `${formatAddress(session.peer)} (${url})`,
    url,
    transportAddress: session.peer,
  };
  const protocol = application.buildProtocol(addr);
  return protocol === null ? null : new WebSocketWrappedProtocol(protocol);
}
