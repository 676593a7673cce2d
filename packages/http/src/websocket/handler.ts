import type { IReactorTime, ITransport } from '@tw/core';

/**
 * What an application implements to speak WebSocket (the shape of autobahn's Twisted API, which
 * is what Twisted users know): every method is optional except onMessage.
 *
 * Call grammar: onOpen(connection) → (onMessage | onPing | onPong)* → onClose(info).
 */
export interface WebSocketHandler {
  /** The opening handshake is done; `connection` sends messages and closes. */
  onOpen?(connection: WebSocketConnection): void;
  /**
   * One whole message. Text messages arrive as their UTF-8 bytes, already validated (decode
   * with `new TextDecoder().decode(payload)`); `isBinary` tells which kind it was.
   */
  onMessage(payload: Uint8Array, isBinary: boolean): void;
  /** A ping arrived (the pong is sent for you). */
  onPing?(payload: Uint8Array): void;
  /** A pong arrived (solicited or not). */
  onPong?(payload: Uint8Array): void;
  /** The connection is gone; called exactly once, even when onOpen never ran. */
  onClose?(info: WebSocketCloseInfo): void;
}

/** How a WebSocket ended (the fields of the browser's CloseEvent). */
export interface WebSocketCloseInfo {
  /** The code in the peer's close frame; 1005 when it had none, 1006 when there was no close frame. */
  readonly code: number;
  readonly reason: string;
  /** True when both close frames were exchanged before the TCP connection closed. */
  readonly wasClean: boolean;
}

/** The opening handshake's outcome, as both sides see it. */
export interface WebSocketHandshakeInfo {
  /** 'ws' or 'wss'. */
  readonly scheme: 'ws' | 'wss';
  /** The request-target, e.g. '/chat?room=1'. */
  readonly path: string;
  /** The Host the client asked for. */
  readonly host: string;
  /** The subprotocol both sides agreed on (Sec-WebSocket-Protocol), or null. */
  readonly subprotocol: string | null;
  /** The Sec-WebSocket-Extensions value that was agreed on, or null. */
  readonly extensions: string | null;
  /** The request headers (server side) or response headers (client side), names lower case. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
}

/** The sending side of an open WebSocket, handed to WebSocketHandler.onOpen. */
export interface WebSocketConnection {
  readonly role: 'server' | 'client';
  readonly handshake: WebSocketHandshakeInfo;
  /** 'open' until close() is called or a close frame arrives, then 'closing', then 'closed'. */
  readonly readyState: 'open' | 'closing' | 'closed';
  /** The stream transport the frames travel on (TCP, TLS, …). */
  readonly transport: ITransport;
  /** Send a text message (encoded as UTF-8). Dropped, returning false, unless open. */
  sendText(text: string): boolean;
  /** Send a binary message. The bytes are not copied: do not change them after the call. */
  sendBinary(data: Uint8Array): boolean;
  /** Send a message of the given kind; `payload` must be valid UTF-8 when !isBinary. */
  sendMessage(payload: Uint8Array, isBinary: boolean): boolean;
  /** Send a ping (payload ≤ 125 bytes). */
  ping(payload?: Uint8Array): void;
  /** Start the close handshake; the transport closes when it completes or closeTimeout passes. */
  close(code?: number, reason?: string): void;
  /** Drop the connection now, without a close handshake. */
  abort(): void;
  /** Stop / resume reading from the peer (back-pressure on what it sends us). */
  pauseReading(): void;
  resumeReading(): void;
}

/** The limits and timers of one WebSocket connection (both roles). */
export interface WebSocketOptions {
  /** The reactor whose clock runs the close and keepalive timers. */
  readonly reactor: IReactorTime;
  /**
   * The largest message accepted, in bytes, after decompression (default 16 MiB). A bigger one
   * fails the connection with close code 1009.
   */
  readonly maxMessageSize?: number;
  /** Seconds to wait for the close handshake to finish before dropping the TCP connection (default 5). */
  readonly closeTimeout?: number;
  /** Send a ping every this many seconds (default: never). */
  readonly pingInterval?: number;
  /** Seconds to wait for the pong before dropping the connection (default: pingInterval). */
  readonly pingTimeout?: number;
  /** Split outgoing messages into frames of at most this many payload bytes (default: never). */
  readonly fragmentSize?: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
export const DEFAULT_CLOSE_TIMEOUT = 5;
