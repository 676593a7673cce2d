/**
 * The few browser (WHATWG) interfaces the browser reactor uses, declared structurally so that
 * @tw/core compiles without the DOM library and tests can pass stand-ins.
 */

/** The events of a WebSocket the reactor listens to (a subset of the DOM's). */
export interface WebSocketMessageEventLike {
  readonly data: unknown;
}

export interface WebSocketCloseEventLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** An open or opening browser WebSocket (the WHATWG interface, the part used here). */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  readonly protocol: string;
  readonly url: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: WebSocketMessageEventLike) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: WebSocketCloseEventLike) => void) | null;
  send(data: Uint8Array | ArrayBuffer | string): void;
  close(code?: number, reason?: string): void;
}

/** The WebSocket class: `new WebSocket(url, protocols)`. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** ready states, as the WHATWG interface numbers them. */
export const WS_CONNECTING = 0;
export const WS_OPEN = 1;
export const WS_CLOSING = 2;
export const WS_CLOSED = 3;

/** Where page lifecycle events come from: `window` in a page. */
export interface PageEventTarget {
  addEventListener(type: string, listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (event: unknown) => void): void;
}

/** The timer functions of the page (globalThis's by default). */
export interface BrowserTimerFunctions {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds, monotonic (performance.now). */
  now(): number;
}

/** globalThis's timers and performance.now (Date.now where performance is missing). */
export function globalTimerFunctions(): BrowserTimerFunctions {
  const g = globalThis as unknown as {
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
    performance?: { now(): number };
  };
  const perf = g.performance;
  return {
    setTimeout: (fn, ms) => g.setTimeout(fn, ms),
    clearTimeout: (handle) => g.clearTimeout(handle),
    now: perf !== undefined ? () => perf.now() : () => Date.now(),
  };
}

/** globalThis.WebSocket, or undefined (Node 20 has none). */
export function globalWebSocket(): WebSocketConstructor | undefined {
  // eslint-disable-next-line n/no-unsupported-features/node-builtins -- a browser's; feature-tested
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

/** globalThis when it can carry page events (a window), else undefined. */
export function globalPageEvents(): PageEventTarget | undefined {
  const g = globalThis as { addEventListener?: unknown; document?: unknown };
  return typeof g.addEventListener === 'function' && g.document !== undefined
    ? (globalThis as unknown as PageEventTarget)
    : undefined;
}
