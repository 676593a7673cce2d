/**
 * WebSocketBridgeSession's flow control and closing, driven by hand: a stand-in WebSocket
 * connection and an endpoint whose connection is a StringTransport.
 */
import {
  ConnectionDone,
  ConnectionLost,
  Deferred,
  Failure,
  Logger,
  type IProtocol,
  type IProtocolFactory,
  type IPushProducer,
  type IStreamClientEndpoint,
  type ITransport,
} from '@tw/core';
import { StringTransport } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { WebSocketBridgeSession } from '../../src/websocket/bridge-session.js';
import type { WebSocketConnection } from '../../src/websocket/handler.js';

/** The socket under the WebSocket: pauses a producer on registration while `full`. */
class SocketStandIn extends StringTransport {
  full = false;

  override registerProducer(producer: IPushProducer, streaming: boolean): void {
    super.registerProducer(producer, streaming);
    if (this.full) producer.pauseProducing();
  }

  drain(): void {
    this.full = false;
    (this.producer as IPushProducer | null)?.resumeProducing();
  }
}

class ConnectionStandIn {
  readonly role = 'server';
  readyState: 'open' | 'closing' | 'closed' = 'open';
  readonly transport = new SocketStandIn();
  readonly sent: string[] = [];
  readonly log: string[] = [];
  closedWith: number | null = null;

  sendBinary(data: Uint8Array): boolean {
    this.sent.push(new TextDecoder().decode(data));
    return true;
  }

  pauseReading(): void {
    this.log.push('pause');
  }

  resumeReading(): void {
    this.log.push('resume');
  }

  close(code: number): void {
    this.closedWith = code;
    this.readyState = 'closing';
  }

  abort(): void {
    this.log.push('abort');
  }
}

/** An endpoint whose connect() the test completes with finish(). */
class ManualEndpoint implements IStreamClientEndpoint {
  pending: { factory: IProtocolFactory; result: Deferred<IProtocol> } | null = null;
  readonly transport = new StringTransport();
  cancelled = false;

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    const result = new Deferred<P>(() => {
      this.cancelled = true;
    });
    this.pending = { factory, result: result as unknown as Deferred<IProtocol> };
    return result;
  }

  finish(): IProtocol {
    const { factory, result } = this.pending!;
    const protocol = factory.buildProtocol({ family: 'custom', scheme: 't', description: 't' })!;
    protocol.makeConnection(this.transport as ITransport);
    result.callback(protocol);
    return protocol;
  }
}

function session() {
  const endpoint = new ManualEndpoint();
  const connection = new ConnectionStandIn();
  let gone = 0;
  const bridge = new WebSocketBridgeSession(endpoint, new Logger('test.bridge'), () => gone++, 'p');
  bridge.onOpen(connection as unknown as WebSocketConnection);
  return { endpoint, connection, bridge, gone: () => gone };
}

describe('WebSocketBridgeSession', () => {
  it('holds the WebSocket until the stream is up, then relays both ways', () => {
    const { endpoint, connection, bridge } = session();
    expect(connection.log).toEqual(['pause']);
    const backend = endpoint.finish();
    expect(connection.log).toEqual(['pause', 'resume']);
    bridge.onMessage(new TextEncoder().encode('NICK a\r\n'));
    expect(endpoint.transport.text()).toBe('NICK a\r\n');
    backend.dataReceived(new TextEncoder().encode(':s 001 a :hi\r\n'));
    expect(connection.sent).toEqual([':s 001 a :hi\r\n']);
  });

  it('pauses reading the WebSocket while the stream cannot take more', () => {
    const { endpoint, connection } = session();
    endpoint.finish();
    const reader = endpoint.transport.producer as IPushProducer;
    reader.pauseProducing();
    reader.resumeProducing();
    expect(connection.log).toEqual(['pause', 'resume', 'pause', 'resume']);
  });

  it('pauses reading the stream while the WebSocket socket is full, and unregisters after', () => {
    const { endpoint, connection } = session();
    const backend = endpoint.finish();
    backend.dataReceived(new Uint8Array([0x61]));
    // Not full: nothing stays registered on the socket, so its loseConnection() never waits.
    expect(connection.transport.producer).toBeNull();
    expect(endpoint.transport.producerState).toBe('producing');
    connection.transport.full = true;
    backend.dataReceived(new Uint8Array([0x62]));
    expect(endpoint.transport.producerState).toBe('paused');
    expect(connection.transport.producer).not.toBeNull();
    connection.transport.drain();
    expect(endpoint.transport.producerState).toBe('producing');
    expect(connection.transport.producer).toBeNull();
  });

  it('closes with 1000 when the server closes cleanly, 1014 when the stream is lost', () => {
    const clean = session();
    clean.endpoint.finish().connectionLost(new Failure(new ConnectionDone()));
    expect(clean.connection.closedWith).toBe(1000);
    const lost = session();
    lost.connection.transport.full = true;
    const backend = lost.endpoint.finish();
    backend.dataReceived(new Uint8Array([1]));
    backend.connectionLost(new Failure(new ConnectionLost()));
    expect(lost.connection.closedWith).toBe(1014);
    // The paused reader was released so the socket can close.
    expect(lost.connection.transport.producer).toBeNull();
  });

  it('closes with 1014 when connecting fails, and reads again to see the answer', () => {
    const { endpoint, connection } = session();
    endpoint.pending!.result.errback(new Error('refused'));
    expect(connection.closedWith).toBe(1014);
    expect(connection.log).toEqual(['pause', 'resume']);
  });

  it('closes the stream (after unregistering from it) when the browser goes', () => {
    const { endpoint, bridge, gone } = session();
    endpoint.finish();
    expect(endpoint.transport.producer).not.toBeNull();
    bridge.onClose({ code: 1000, reason: '', wasClean: true });
    expect(endpoint.transport.producer).toBeNull();
    expect(endpoint.transport.disconnecting).toBe(true);
    expect(gone()).toBe(1);
  });

  it('cancels a connect still in progress when the browser goes', () => {
    const { endpoint, bridge, gone } = session();
    bridge.onClose({ code: 1001, reason: '', wasClean: true });
    expect(endpoint.cancelled).toBe(true);
    expect(gone()).toBe(1);
  });
});
