import {
  ClientFactory,
  ConnectionLost,
  Deferred,
  Failure,
  HostnameEndpoint,
  Protocol,
  TCP4ClientEndpoint,
  TCP6ClientEndpoint,
  TLSClientEndpoint,
  isIPv4Literal,
  isIPv6Literal,
  type Address,
  type IDelayedCall,
  type IProtocol,
  type IProtocolFactory,
  type IReactor,
  type IStreamClientEndpoint,
  type TLSOptions,
} from '@tw/core';

import { generateWebSocketKey } from './accept-key.js';
import { buildWebSocketHandler, type WebSocketApplication } from './application.js';
import {
  checkServerHandshake,
  formatClientHandshake,
  parseWebSocketURL,
  type WebSocketClientHandshakeOptions,
  type WebSocketURL,
} from './client-handshake.js';
import { PerMessageDeflateCodec } from './deflate.js';
import { WebSocketHandshakeError } from './errors.js';
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  type WebSocketHandler,
  type WebSocketOptions,
} from './handler.js';
import { HandshakeHeadReader } from './handshake-head.js';
import { WebSocketProtocol } from './protocol.js';
import type { WebSocketWrappedProtocol } from './websocket-transport.js';

/** Options of a WebSocket client: the handshake, the connection's limits, and how to reach the server. */
export interface WebSocketClientOptions extends WebSocketOptions, WebSocketClientHandshakeOptions {
  /** TLS settings for wss: (CA certificates, serverName, client certificate). */
  readonly tls?: TLSOptions;
  /** Seconds for TCP connect + opening handshake (default 30). */
  readonly timeout?: number;
  /** The most bytes the server's response head may take (default 16 KiB). */
  readonly maxHeadSize?: number;
  /**
   * The stream endpoint to run the WebSocket over instead of TCP/TLS to the URL's host and
   * port (a Unix socket, an SSH channel, an in-memory pipe…). The URL still gives the Host
   * header and the request path.
   */
  readonly endpoint?: IStreamClientEndpoint;
}

/** What the handshake protocol reports once the WebSocket is open. */
interface Opened {
  readonly connection: WebSocketProtocol;
  readonly handler: WebSocketHandler;
}

/**
 * The client's connection-level protocol: sends the upgrade request, checks the response,
 * then attaches a WebSocketProtocol to the same transport and passes it every later byte.
 * `opened` fires once the WebSocket is open (after the handler's onOpen), or errbacks with
 * WebSocketHandshakeError / ConnectionLost.
 */
export class WebSocketClientHandshakeProtocol extends Protocol {
  readonly opened = new Deferred<Opened>();
  private readonly key = generateWebSocketKey();
  private readonly reader: HandshakeHeadReader;
  private websocket: WebSocketProtocol | null = null;

  constructor(
    private readonly url: WebSocketURL,
    private readonly application: WebSocketApplication,
    private readonly options: WebSocketClientOptions,
  ) {
    super();
    this.reader = new HandshakeHeadReader('response', options.maxHeadSize ?? 16 * 1024);
  }

  override connectionMade(): void {
    this.transport.write(formatClientHandshake(this.url, this.key, this.options));
  }

  override dataReceived(data: Uint8Array): void {
    if (this.websocket !== null) return this.websocket.dataReceived(data);
    if (this.opened.called) return;
    const result = this.reader.feed(data);
    if (result.kind === 'incomplete') return;
    if (result.kind === 'error') return this.fail(new WebSocketHandshakeError(result.message, 0));
    const checked = checkServerHandshake(result.head, this.key, this.options);
    if (!checked.ok) return this.fail(new WebSocketHandshakeError(checked.message, checked.status));
    const session = {
      scheme: this.url.scheme,
      path: this.url.resource,
      host: this.url.hostHeader,
      subprotocol: checked.subprotocol,
      extensions: checked.extensions,
      headers: result.head.headers,
      peer: this.transport.getPeer(),
    };
    let handler: WebSocketHandler | null;
    try {
      handler = buildWebSocketHandler(this.application, session, 'client');
    } catch (error) {
      return this.fail(error);
    }
    if (handler === null) {
      return this.fail(new WebSocketHandshakeError('The application refused the WebSocket.', 101));
    }
    const maxMessageSize = this.options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    const deflateOptions =
      typeof this.options.perMessageDeflate === 'object' ? this.options.perMessageDeflate : {};
    const websocket = new WebSocketProtocol(handler, {
      ...this.options,
      role: 'client',
      handshake: session,
      deflate:
        checked.deflate === null
          ? null
          : new PerMessageDeflateCodec(checked.deflate, {
              maxMessageSize,
              ...(deflateOptions.threshold === undefined
                ? {}
                : { threshold: deflateOptions.threshold }),
              ...(deflateOptions.level === undefined ? {} : { level: deflateOptions.level }),
            }),
    });
    this.websocket = websocket;
    websocket.makeConnection(this.transport);
    this.opened.callback({ connection: websocket, handler });
    if (result.rest.length > 0 && websocket.readyState !== 'closed')
      websocket.dataReceived(result.rest);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    if (this.websocket !== null) return this.websocket.connectionLost(reason);
    if (!this.opened.called) {
      this.opened.errback(
        new ConnectionLost('The connection closed before the WebSocket handshake completed.', {
          cause: reason.value,
        }),
      );
    }
  }

  private fail(error: unknown): void {
    if (!this.opened.called) this.opened.errback(Failure.from(error));
    this.transport.abortConnection();
  }
}

/**
 * A client factory for reactor.connectTCP/connectTLS (or any connector): each connection does
 * the opening handshake for `url`, then runs `application`. Prefer connectWebSocket(), which
 * also reports the outcome.
 */
export class WebSocketClientFactory extends ClientFactory<WebSocketClientHandshakeProtocol> {
  readonly url: WebSocketURL;

  constructor(
    url: string | WebSocketURL,
    readonly application: WebSocketApplication,
    readonly options: WebSocketClientOptions,
  ) {
    super();
    this.url = typeof url === 'string' ? parseWebSocketURL(url) : url;
  }

  override buildProtocol(_addr: Address): WebSocketClientHandshakeProtocol {
    const protocol = new WebSocketClientHandshakeProtocol(this.url, this.application, this.options);
    protocol.factory = this;
    return protocol;
  }
}

/** The TCP or TLS endpoint that reaches a WebSocket URL's host and port. */
export function streamEndpointFor(
  reactor: IReactor,
  url: WebSocketURL,
  options: Pick<WebSocketClientOptions, 'tls' | 'timeout'> = {},
): IStreamClientEndpoint {
  const timeout = { timeout: options.timeout ?? 30 };
  const literal = isIPv4Literal(url.host) || isIPv6Literal(url.host);
  if (url.scheme === 'wss') {
    const tls: TLSOptions = { ...(literal ? {} : { serverName: url.host }), ...options.tls };
    if (literal) return new TLSClientEndpoint(reactor, url.host, url.port, tls, timeout);
    return new HostnameEndpoint(reactor, url.host, url.port, {
      ...timeout,
      endpointForAddress: (address, attemptTimeout) =>
        new TLSClientEndpoint(reactor, address.host, url.port, tls, { timeout: attemptTimeout }),
    });
  }
  if (isIPv4Literal(url.host)) return new TCP4ClientEndpoint(reactor, url.host, url.port, timeout);
  if (isIPv6Literal(url.host)) return new TCP6ClientEndpoint(reactor, url.host, url.port, timeout);
  return new HostnameEndpoint(reactor, url.host, url.port, timeout);
}

/**
 * Open a WebSocket and run `application` on it. Fires with the open connection and its
 * handler; errbacks with the connect error, WebSocketHandshakeError, or ConnectTimeoutError.
 * Cancelling it aborts the attempt.
 */
export function openWebSocket(
  reactor: IReactor,
  url: string | WebSocketURL,
  application: WebSocketApplication,
  options: Partial<WebSocketClientOptions> = {},
): Deferred<Opened> {
  let parsed: WebSocketURL;
  try {
    parsed = typeof url === 'string' ? parseWebSocketURL(url) : url;
  } catch (error) {
    return Deferred.fail(error);
  }
  const fullOptions: WebSocketClientOptions = { ...options, reactor: options.reactor ?? reactor };
  const endpoint = options.endpoint ?? streamEndpointFor(reactor, parsed, fullOptions);
  const factory = new WebSocketClientFactory(parsed, application, fullOptions);
  let handshake: WebSocketClientHandshakeProtocol | null = null;
  let timer: IDelayedCall | null = null;
  const connecting = endpoint.connect(factory);
  const result = new Deferred<Opened>(() => {
    connecting.cancel();
    handshake?.transport.abortConnection();
  });
  const finish = (outcome: Opened | Failure): void => {
    if (timer?.active() === true) timer.cancel();
    if (result.called) {
      // Opened after a timeout or cancel: nobody will use this connection.
      if (!(outcome instanceof Failure)) outcome.connection.abort();
      return;
    }
    if (outcome instanceof Failure) result.errback(outcome);
    else result.callback(outcome);
  };
  timer = reactor.callLater(fullOptions.timeout ?? 30, () => {
    timer = null;
    if (result.called) return;
    result.errback(
      new WebSocketHandshakeError(
        `The WebSocket handshake with ${parsed.hostHeader} timed out.`,
        0,
      ),
    );
    connecting.cancel();
    if (handshake?.hasTransport === true) handshake.transport.abortConnection();
  });
  connecting.addCallbacks(
    (protocol) => {
      handshake = protocol;
      protocol.opened.addCallbacks(
        (opened) => finish(opened),
        (failure) => finish(failure),
      );
      return null;
    },
    (failure) => {
      finish(failure);
      return null;
    },
  );
  return result;
}

/**
 * Connect to a ws:/wss: URL and run a protocol from `factory` over the WebSocket (each binary
 * message carries bytes for dataReceived; writes become binary messages). Fires with the
 * protocol once its connectionMade() has run.
 *
 * @example
 * const client = await connectWebSocket(reactor, 'ws://127.0.0.1:8080/lines', new Factory(LineClient));
 */
export function connectWebSocket<P extends IProtocol>(
  reactor: IReactor,
  url: string,
  factory: IProtocolFactory<P>,
  options?: Partial<WebSocketClientOptions>,
): Deferred<P>;
/** Connect with a message handler instead: fires with the open WebSocketConnection. */
export function connectWebSocket(
  reactor: IReactor,
  url: string,
  handler: WebSocketHandler,
  options?: Partial<WebSocketClientOptions>,
): Deferred<WebSocketProtocol>;
export function connectWebSocket(
  reactor: IReactor,
  url: string,
  target: IProtocolFactory | WebSocketHandler,
  options: Partial<WebSocketClientOptions> = {},
): Deferred<unknown> {
  if ('buildProtocol' in target) {
    return openWebSocket(reactor, url, target, options).addCallback(
      ({ handler }) => (handler as WebSocketWrappedProtocol).wrapped,
    );
  }
  return openWebSocket(reactor, url, () => target, options).addCallback(
    ({ connection }) => connection,
  );
}
