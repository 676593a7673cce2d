import {
  ConnectionDone,
  ConnectionLost,
  Failure,
  formatAddress,
  type Address,
  type CustomAddress,
  type IProtocol,
  type IPullProducer,
  type IPushProducer,
  type ITransport,
} from '@tw/core';

import { CloseCode } from './close-codes.js';
import { WebSocketClosedError } from './errors.js';
import type { WebSocketCloseInfo, WebSocketConnection, WebSocketHandler } from './handler.js';

/** The address of one end of a WebSocket: a CustomAddress with the URL and the stream's address. */
export interface WebSocketAddress extends CustomAddress {
  readonly scheme: 'ws' | 'wss';
  /** The WebSocket URL (the far end for a client's getPeer, the served URL for a server's getHost). */
  readonly url: string;
  /** The address of the stream underneath (TCP, TLS, …). */
  readonly transportAddress: Address;
}

/** The URL of the connection, from its handshake. */
export function webSocketURL(connection: WebSocketConnection): string {
  const { scheme, host, path } = connection.handshake;
  return `${scheme}://${host}${path}`;
}

function address(
  connection: WebSocketConnection,
  transportAddress: Address,
  urlSide: boolean,
): WebSocketAddress {
  const url = webSocketURL(connection);
  return {
    family: 'custom',
    scheme: connection.handshake.scheme,
    description: urlSide ? url : `${formatAddress(transportAddress)} (${url})`,
    url,
    transportAddress,
  };
}

/**
 * An @tw/core ITransport over an open WebSocket, so any Protocol (a LineReceiver, an IRC
 * client, …) runs over it unchanged: each write() is one binary message, every message received
 * (binary or text) is handed to dataReceived() as bytes, loseConnection() runs the close
 * handshake (code 1000) and abortConnection() drops the stream. Flow control passes straight
 * through to the stream transport underneath.
 */
export class WebSocketTransport implements ITransport {
  constructor(readonly connection: WebSocketConnection) {}

  get disconnecting(): boolean {
    return this.connection.readyState !== 'open';
  }

  write(data: Uint8Array): void {
    if (data.length === 0) return;
    this.connection.sendBinary(data);
  }

  /** All chunks as one binary message. */
  writeSequence(chunks: Iterable<Uint8Array>): void {
    const list = [...chunks];
    if (list.length === 1) return this.write(list[0]!);
    this.write(Buffer.concat(list));
  }

  loseConnection(): void {
    if (this.connection.readyState === 'open') this.connection.close(CloseCode.NORMAL);
  }

  abortConnection(): void {
    this.connection.abort();
  }

  /** Client: the server's URL. Server: the client's stream address. */
  getPeer(): WebSocketAddress {
    const transportPeer = this.connection.transport.getPeer();
    return address(this.connection, transportPeer, this.connection.role === 'client');
  }

  /** Server: the URL served. Client: the local stream address. */
  getHost(): WebSocketAddress {
    const transportHost = this.connection.transport.getHost();
    return address(this.connection, transportHost, this.connection.role === 'server');
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    this.connection.transport.registerProducer(producer, streaming);
  }

  unregisterProducer(): void {
    this.connection.transport.unregisterProducer();
  }

  pauseProducing(): void {
    this.connection.pauseReading();
  }

  resumeProducing(): void {
    this.connection.resumeReading();
  }

  stopProducing(): void {
    this.connection.abort();
  }
}

/**
 * Runs an arbitrary @tw/core Protocol over a WebSocket message stream: the adapter between the
 * WebSocket handler API and makeConnection/dataReceived/connectionLost. The protocol's
 * connectionLost gets ConnectionDone after a clean close with 1000 (or 1001), ConnectionLost —
 * caused by a WebSocketClosedError carrying the code — otherwise.
 */
export class WebSocketWrappedProtocol implements WebSocketHandler {
  /** The transport the wrapped protocol writes to, once open. */
  transport: WebSocketTransport | null = null;

  constructor(readonly wrapped: IProtocol) {}

  onOpen(connection: WebSocketConnection): void {
    this.transport = new WebSocketTransport(connection);
    this.wrapped.makeConnection(this.transport);
  }

  onMessage(payload: Uint8Array): void {
    this.wrapped.dataReceived(payload);
  }

  onClose(info: WebSocketCloseInfo): void {
    if (this.transport === null) return;
    const closed = new WebSocketClosedError(info.code, info.reason, info.wasClean);
    const normal = info.code === CloseCode.NORMAL || info.code === CloseCode.GOING_AWAY;
    this.wrapped.connectionLost(
      new Failure(
        info.wasClean && normal
          ? new ConnectionDone(`The WebSocket closed cleanly with code ${info.code}.`)
          : new ConnectionLost(closed.message, { cause: closed }),
      ),
    );
  }
}
