import {
  Deferred,
  Factory,
  LineReceiver,
  NodeReactor,
  type Failure,
  type IListeningPort,
} from '@tw/core';

import {
  WebSocketServerFactory,
  type WebSocketServerFactoryOptions,
} from '../../src/websocket/server-factory.js';
import type { WebSocketApplication } from '../../src/websocket/application.js';

/** A reactor for one test file; stop it in afterAll/afterEach. */
export function startReactor(): NodeReactor {
  const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  return reactor;
}

/** A promise with its resolve function. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Listen with the standalone WebSocket server on 127.0.0.1, a free port. */
export async function listenWebSocket(
  reactor: NodeReactor,
  application: WebSocketApplication,
  options: Partial<WebSocketServerFactoryOptions> = {},
): Promise<{ port: IListeningPort; url: string; portNumber: number }> {
  const port = await reactor.listenTCP(
    0,
    new WebSocketServerFactory(application, { reactor, ...options }),
    {
      interface: '127.0.0.1',
    },
  );
  const host = port.getHost();
  const portNumber = host.family === 'IPv4' ? host.port : 0;
  return { port, url: `ws://127.0.0.1:${portNumber}`, portNumber };
}

/** Echoes each line back upper-cased; "quit" closes the connection. */
export class ShoutingLineServer extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    const text = new TextDecoder().decode(line);
    if (text === 'quit') return this.transport.loseConnection();
    this.sendLine(text.toUpperCase());
  }
}

/** Records lines and how the connection ended. */
export class RecordingLineClient extends LineReceiver {
  readonly lines: string[] = [];
  /** Fires with the error connectionLost() carried (ConnectionDone or ConnectionLost). */
  readonly lost = new Deferred<unknown>();
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  override lineReceived(line: Uint8Array): void {
    this.lines.push(new TextDecoder().decode(line));
    this.waiters = this.waiters.filter((waiter) => {
      if (this.lines.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lost.callback(reason.value);
  }

  /** Resolves once `count` lines have arrived. */
  waitForLines(count: number): Promise<void> {
    if (this.lines.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

export const shoutingFactory = (): Factory<ShoutingLineServer> => new Factory(ShoutingLineServer);
