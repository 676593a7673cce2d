import { TwError } from '../errors/tw-error.js';

/**
 * A protocol or endpoint asked the BrowserReactor for something a web page cannot do: listen on
 * or connect a raw TCP/TLS/Unix socket, send UDP, spawn a process. `feature` names what was asked.
 */
export class UnsupportedReactorFeature extends TwError {
  readonly feature: string;

  constructor(feature: string) {
    super(
      'TW_BROWSER_UNSUPPORTED_FEATURE',
      `The browser reactor cannot do "${feature}": a web page has no raw sockets, ports or ` +
        `processes. Connect through a WebSocket instead (a ws:/wss: endpoint, e.g. to a ` +
        `WebSocket bridge such as @tw/http's WebSocketBridgeResource).`,
    );
    this.feature = feature;
  }
}

/** A browser WebSocket endpoint was asked to connect but the page has no WebSocket class. */
export class NoWebSocketError extends TwError {
  constructor() {
    super(
      'TW_BROWSER_NO_WEBSOCKET',
      'No WebSocket class is available: run in a browser, or pass `webSocket` to the ' +
        'BrowserReactor (a class with the WHATWG WebSocket interface).',
    );
  }
}
