import {
  ConnectionDone,
  Factory,
  Protocol,
  type Deferred,
  type Failure,
  type ILogger,
  type IPushProducer,
  type IStreamClientEndpoint,
} from '@tw/core';

import { CloseCode } from './close-codes.js';
import type { WebSocketCloseInfo, WebSocketConnection, WebSocketHandler } from './handler.js';

/** The stream side of one bridged connection: hands what the server sends to the WebSocket. */
class BridgeBackendProtocol extends Protocol {
  constructor(private readonly session: WebSocketBridgeSession) {
    super();
  }

  override dataReceived(data: Uint8Array): void {
    this.session.backendData(data);
  }

  override connectionLost(reason: Failure): void {
    this.session.backendLost(reason);
  }
}

/**
 * One browser ⇄ server relay: a WebSocket handler that, once the WebSocket is open, connects
 * `endpoint` and copies binary messages to the stream and stream bytes to binary messages.
 *
 * Flow control both ways: the WebSocket is not read until the stream is up; the stream's write
 * buffer filling pauses reading the WebSocket, and the WebSocket's filling pauses reading the
 * stream (producer/consumer). Either side closing closes the other: the stream's clean close is
 * WebSocket code 1000, its loss or a failed connect 1014 (bad gateway).
 * @internal
 */
export class WebSocketBridgeSession implements WebSocketHandler {
  private connection: WebSocketConnection | null = null;
  private backend: BridgeBackendProtocol | null = null;
  private connecting: Deferred<BridgeBackendProtocol> | null = null;
  private closed = false;
  /** Pauses the stream while the WebSocket's buffer is full; set once linked. */
  private streamReader: IPushProducer | null = null;
  private streamPaused = false;

  constructor(
    private readonly endpoint: IStreamClientEndpoint,
    private readonly log: ILogger,
    /** Told once, when the WebSocket is gone: frees the connection slot. */
    private readonly onGone: () => void,
    private readonly peer: string,
    /** Written to the server before anything else (a PROXY protocol header), or null. */
    private readonly preamble: Uint8Array | null = null,
  ) {}

  onOpen(connection: WebSocketConnection): void {
    this.connection = connection;
    // Nothing can be relayed until the stream is up: hold the browser's bytes in its socket.
    connection.pauseReading();
    const connecting = this.endpoint.connect(
      Factory.forProtocol(() => new BridgeBackendProtocol(this)),
    );
    this.connecting = connecting;
    connecting.addCallbacks(
      (backend) => {
        this.connecting = null;
        if (this.closed) {
          backend.transport?.loseConnection();
          return;
        }
        this.backend = backend;
        if (this.preamble !== null) backend.transport!.write(this.preamble);
        this.link(connection, backend);
        connection.resumeReading();
      },
      (failure: Failure) => {
        this.connecting = null;
        if (this.closed) return;
        this.log.warn('WebSocket bridge for {peer} cannot reach the server: {error}', {
          peer: this.peer,
          error: failure.getErrorMessage(),
        });
        // Read again, or the browser's answering close frame would never be seen.
        connection.resumeReading();
        connection.close(CloseCode.BAD_GATEWAY, 'The server behind the bridge is unreachable.');
      },
    );
  }

  onMessage(payload: Uint8Array): void {
    // Reading is paused until the stream is up, so a message arrives only once it is.
    this.backend?.transport?.write(payload);
  }

  onClose(_info: WebSocketCloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    this.onGone();
    const connecting = this.connecting;
    this.connecting = null;
    if (connecting !== null) {
      connecting.addErrback(() => undefined);
      connecting.cancel();
    }
    this.releaseWebSocketBuffer();
    const backendTransport = this.backend?.transport;
    if (backendTransport !== undefined) {
      backendTransport.unregisterProducer();
      backendTransport.loseConnection();
    }
  }

  private releaseWebSocketBuffer(): void {
    if (!this.streamPaused) return;
    this.streamPaused = false;
    this.connection?.transport.unregisterProducer();
  }

  /** @internal */
  backendData(data: Uint8Array): void {
    const connection = this.connection;
    if (connection === null || connection.readyState !== 'open') return;
    connection.sendBinary(data);
    this.watchWebSocketBuffer(connection);
  }

  /** @internal */
  backendLost(reason: Failure): void {
    const connection = this.connection;
    this.backend = null;
    this.releaseWebSocketBuffer();
    if (this.closed || connection === null || connection.readyState !== 'open') return;
    connection.resumeReading();
    if (reason.check(ConnectionDone) !== null) {
      connection.close(CloseCode.NORMAL, 'The server closed the connection.');
    } else {
      connection.close(CloseCode.BAD_GATEWAY, 'The connection to the server was lost.');
    }
  }

  private link(connection: WebSocketConnection, backend: BridgeBackendProtocol): void {
    const backendTransport = backend.transport!;
    // Browser → server: a full stream write buffer pauses reading the WebSocket. The transport
    // calls stopProducing() when it goes away; backendLost() then closes the WebSocket cleanly.
    const webSocketReader: IPushProducer = {
      pauseProducing: () => connection.pauseReading(),
      resumeProducing: () => connection.resumeReading(),
      stopProducing: () => undefined,
    };
    backendTransport.registerProducer(webSocketReader, true);
    this.streamReader = {
      pauseProducing: () => {
        this.streamPaused = true;
        backendTransport.pauseProducing();
      },
      resumeProducing: () => {
        this.streamPaused = false;
        connection.transport.unregisterProducer();
        backendTransport.resumeProducing();
      },
      stopProducing: () => undefined,
    };
  }

  /**
   * Server → browser: pause reading the stream while the WebSocket's socket buffer is full.
   * The reader is registered on the socket only while that is so (registering pauses it at once
   * when the buffer is full), because a socket's loseConnection() waits for its producer to
   * unregister, and the WebSocket may start closing (a close frame, a too-big message) without
   * telling its handler.
   */
  private watchWebSocketBuffer(connection: WebSocketConnection): void {
    if (this.streamReader === null || this.streamPaused) return;
    connection.transport.registerProducer(this.streamReader, true);
    if (!this.streamPaused) connection.transport.unregisterProducer();
  }
}
