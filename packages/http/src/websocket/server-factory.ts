import {
  Factory,
  Protocol,
  isSSLTransport,
  type Address,
  type Failure,
  type IDelayedCall,
  type ITransport,
} from '@tw/core';

import {
  buildWebSocketHandler,
  type WebSocketApplication,
  type WebSocketSessionInfo,
} from './application.js';
import { PerMessageDeflateCodec } from './deflate.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from './handler.js';
import { HandshakeHeadReader } from './handshake-head.js';
import { WebSocketProtocol } from './protocol.js';
import {
  formatResponseHead,
  negotiateServerHandshake,
  type ServerHandshakeResult,
  type WebSocketServerOptions,
  type WebSocketUpgradeRequest,
} from './server-handshake.js';

/** Options of the standalone server: the handshake policy plus limits on the request head. */
export interface WebSocketServerFactoryOptions extends WebSocketServerOptions {
  /** The most bytes the upgrade request head may take (default 16 KiB; beyond: 431). */
  readonly maxHeadSize?: number;
  /** Seconds a client has to complete its upgrade request (default 30). */
  readonly handshakeTimeout?: number;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  431: 'Request Header Fields Too Large',
};

/**
 * Start the WebSocket on `transport` after a successful negotiation: write the 101 response,
 * attach a WebSocketProtocol and feed it `rest` (bytes that followed the request head).
 * Returns null (having answered 403) when the application refuses the connection.
 * Shared by the standalone server and WebSocketResource.
 */
export function buildServerWebSocket(
  application: WebSocketApplication,
  negotiated: Extract<ServerHandshakeResult, { ok: true }>,
  session: WebSocketSessionInfo,
  options: WebSocketServerOptions,
): { handler: ReturnType<typeof buildWebSocketHandler>; protocol: WebSocketProtocol | null } {
  const handler = buildWebSocketHandler(application, session, 'server');
  if (handler === null) return { handler, protocol: null };
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const deflateOptions =
    typeof options.perMessageDeflate === 'object' ? options.perMessageDeflate : {};
  const protocol = new WebSocketProtocol(handler, {
    ...options,
    role: 'server',
    handshake: session,
    deflate:
      negotiated.deflate === null
        ? null
        : new PerMessageDeflateCodec(negotiated.deflate, {
            maxMessageSize,
            ...(deflateOptions.threshold === undefined
              ? {}
              : { threshold: deflateOptions.threshold }),
            ...(deflateOptions.level === undefined ? {} : { level: deflateOptions.level }),
          }),
  });
  return { handler, protocol };
}

/** The session info a server has once the request head is known. */
export function serverSessionInfo(
  request: WebSocketUpgradeRequest,
  negotiated: Extract<ServerHandshakeResult, { ok: true }>,
  secure: boolean,
  peer: Address,
  local: Address,
): WebSocketSessionInfo {
  return {
    scheme: secure ? 'wss' : 'ws',
    path: request.path,
    host: request.headers.get('host')?.[0] ?? '',
    subprotocol: negotiated.subprotocol,
    extensions: negotiated.deflate?.responseHeader ?? null,
    headers: request.headers,
    peer,
    local,
  };
}

/** Whether the stream runs over TLS (every socket transport has getPeerCertificate; ask tlsEstablished). */
export function isSecureTransport(transport: ITransport): boolean {
  return isSSLTransport(transport) && transport.tlsEstablished;
}

/**
 * The connection-level protocol of the standalone server: reads the upgrade request, answers it
 * and then passes every byte to the WebSocketProtocol it attached to the same transport.
 */
export class WebSocketServerHandshakeProtocol extends Protocol {
  private readonly reader: HandshakeHeadReader;
  private websocket: WebSocketProtocol | null = null;
  private done = false;
  private timer: IDelayedCall | null = null;

  constructor(
    private readonly application: WebSocketApplication,
    private readonly options: WebSocketServerFactoryOptions,
  ) {
    super();
    this.reader = new HandshakeHeadReader('request', options.maxHeadSize ?? 16 * 1024);
  }

  override connectionMade(): void {
    this.timer = this.options.reactor.callLater(this.options.handshakeTimeout ?? 30, () => {
      this.timer = null;
      if (!this.done) this.refuse(408, 'The upgrade request took too long.', []);
    });
  }

  override dataReceived(data: Uint8Array): void {
    if (this.websocket !== null) return this.websocket.dataReceived(data);
    if (this.done) return;
    const result = this.reader.feed(data);
    if (result.kind === 'incomplete') return;
    this.cancelTimer();
    if (result.kind === 'error') return this.refuse(result.status, result.message, []);
    const [method, path, version] = result.head.startLine;
    const request: WebSocketUpgradeRequest = {
      method,
      path,
      version,
      headers: result.head.headers,
    };
    const negotiated = negotiateServerHandshake(request, this.options);
    if (!negotiated.ok) {
      return this.refuse(negotiated.status, negotiated.message, negotiated.responseHeaders);
    }
    const session = serverSessionInfo(
      request,
      negotiated,
      isSecureTransport(this.transport),
      this.transport.getPeer(),
      this.transport.getHost(),
    );
    const { protocol } = buildServerWebSocket(this.application, negotiated, session, this.options);
    if (protocol === null) return this.refuse(403, 'The application refused this WebSocket.', []);
    this.done = true;
    this.transport.write(
      formatResponseHead(101, 'Switching Protocols', negotiated.responseHeaders),
    );
    this.websocket = protocol;
    protocol.makeConnection(this.transport);
    if (result.rest.length > 0) protocol.dataReceived(result.rest);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.cancelTimer();
    this.websocket?.connectionLost(reason);
  }

  private refuse(
    status: number,
    message: string,
    headers: ReadonlyArray<readonly [string, string]>,
  ): void {
    this.done = true;
    const body = Buffer.from(`${message}\n`, 'utf8');
    this.transport.write(
      formatResponseHead(status, STATUS_TEXT[status] ?? 'Error', [
        ...headers,
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Length', String(body.length)],
        ['Connection', 'close'],
      ]),
    );
    this.transport.write(body);
    this.transport.loseConnection();
  }

  private cancelTimer(): void {
    if (this.timer?.active() === true) this.timer.cancel();
    this.timer = null;
  }
}

/**
 * A server factory that speaks WebSocket on a raw stream, without the resource tree: listen
 * with it on any endpoint and each connection does the opening handshake itself, then runs
 * `application` — a handler factory, or a protocol factory whose protocols run over a
 * WebSocketTransport. Every request path is accepted (look at `session.path` to route).
 *
 * @example
 * await serverFromString(reactor, 'tcp:8080:interface=127.0.0.1')
 *   .listen(new WebSocketServerFactory(new Factory(Echo), { reactor }));
 */
export class WebSocketServerFactory extends Factory<WebSocketServerHandshakeProtocol> {
  constructor(
    readonly application: WebSocketApplication,
    readonly options: WebSocketServerFactoryOptions,
  ) {
    super();
  }

  override buildProtocol(_addr: Address): WebSocketServerHandshakeProtocol {
    const protocol = new WebSocketServerHandshakeProtocol(this.application, this.options);
    protocol.factory = this;
    return protocol;
  }

  override startFactory(): void {
    if (typeof this.application !== 'function') this.application.doStart();
  }

  override stopFactory(): void {
    if (typeof this.application !== 'function') this.application.doStop();
  }
}
