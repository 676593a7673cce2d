import { Failure } from '../defer/failure.js';
import { ConnectionDone, ConnectionLost } from '../errors/connection.js';
import type { CustomAddress } from '../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../interfaces/producer.js';
import type { IProtocol } from '../interfaces/protocol.js';
import type { IDelayedCall, IReactorTime } from '../interfaces/reactor.js';
import type { ITransport } from '../interfaces/transport.js';
import {
  WS_CLOSED,
  WS_OPEN,
  type WebSocketCloseEventLike,
  type WebSocketLike,
  type WebSocketMessageEventLike,
} from './dom-types.js';

/** Flow-control limits of a browser WebSocket transport. */
export interface BrowserWebSocketTransportOptions {
  /** bufferedAmount (bytes) above which a registered producer is paused (default 1 MiB). */
  readonly highWaterMark: number;
  /** bufferedAmount at or below which it is resumed (default 256 KiB). */
  readonly lowWaterMark: number;
  /**
   * Seconds between looks at bufferedAmount while waiting for it to drain: the browser fires no
   * event when it does (default 0.05).
   */
  readonly drainPollInterval: number;
  /**
   * Bytes received while the protocol has paused the transport that are held for it; a peer that
   * sends more meanwhile is cut off (default 16 MiB). A page cannot stop a WebSocket reading.
   */
  readonly maxPausedBytes: number;
  /** Seconds loseConnection() waits for unsent data before closing anyway (default 30). */
  readonly closeTimeout: number;
}

export const DEFAULT_BROWSER_WEBSOCKET_TRANSPORT_OPTIONS: BrowserWebSocketTransportOptions = {
  highWaterMark: 1024 * 1024,
  lowWaterMark: 256 * 1024,
  drainPollInterval: 0.05,
  maxPausedBytes: 16 * 1024 * 1024,
  closeTimeout: 30,
};

/** The close code of a normal closure (RFC 6455 §7.4.1) and of a page going away. */
const NORMAL_CLOSURE = 1000;
const GOING_AWAY = 1001;
/** An application code (RFC 6455 §7.4.2): the only kind besides 1000 a page may send. */
const ABORT_CODE = 4000;

const encoder = /* @__PURE__ */ new TextEncoder();

/** The address of a browser WebSocket's far end (its URL) or near end (the page). */
export interface BrowserWebSocketAddress extends CustomAddress {
  readonly scheme: 'ws' | 'wss';
  readonly url: string;
}

function addressOf(url: string): BrowserWebSocketAddress {
  return { family: 'custom', scheme: url.startsWith('wss:') ? 'wss' : 'ws', description: url, url };
}

/**
 * An ITransport over a browser WebSocket: each write() is one binary message, every message
 * received (binary or text) reaches dataReceived() as bytes. A producer registered on it is paused
 * while the socket's bufferedAmount is above the high-water mark. pauseProducing() holds incoming
 * messages (bounded by maxPausedBytes) until resumeProducing(). loseConnection() waits for
 * buffered data to leave, then closes with 1000; connectionLost() gets ConnectionDone for a clean
 * 1000/1001 close and ConnectionLost otherwise.
 */
export class BrowserWebSocketTransport implements ITransport {
  private producer: IPushProducer | IPullProducer | null = null;
  private streamingProducer = false;
  private producerPaused = false;
  private drainPoll: IDelayedCall | null = null;
  private readingPaused = false;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private closing = false;
  private aborted: Failure | null = null;
  private lost = false;
  private readonly peer: BrowserWebSocketAddress;
  private readonly host: BrowserWebSocketAddress;

  constructor(
    private readonly clock: IReactorTime,
    readonly socket: WebSocketLike,
    private readonly protocol: IProtocol,
    private readonly options: BrowserWebSocketTransportOptions = DEFAULT_BROWSER_WEBSOCKET_TRANSPORT_OPTIONS,
    /** Told once the connection is over (the reactor stops tracking it). */
    private readonly onGone: (transport: BrowserWebSocketTransport) => void = () => undefined,
    pageURL = 'page',
  ) {
    this.peer = addressOf(socket.url);
    this.host = { ...addressOf(socket.url), description: pageURL, url: pageURL };
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event) => this.messageReceived(event);
    socket.onerror = () => undefined; // onclose always follows, with the code.
    socket.onclose = (event) => this.closed(event);
  }

  /** True once loseConnection()/abortConnection() was called or the socket is closing. */
  get disconnecting(): boolean {
    return this.closing || this.aborted !== null || this.socket.readyState !== WS_OPEN;
  }

  write(data: Uint8Array): void {
    if (this.disconnecting || data.length === 0) return;
    this.socket.send(data);
    this.checkBackPressure();
  }

  /** All chunks as one binary message. */
  writeSequence(chunks: Iterable<Uint8Array>): void {
    const list = [...chunks];
    let total = 0;
    for (const chunk of list) total += chunk.length;
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const chunk of list) {
      joined.set(chunk, offset);
      offset += chunk.length;
    }
    this.write(joined);
  }

  loseConnection(): void {
    if (this.closing || this.aborted !== null || this.lost) return;
    this.closing = true;
    const deadline = this.clock.seconds() + this.options.closeTimeout;
    const closeWhenDrained = (): void => {
      if (this.lost) return;
      if (this.socket.bufferedAmount > 0 && this.clock.seconds() < deadline) {
        this.clock.callLater(this.options.drainPollInterval, closeWhenDrained);
        return;
      }
      this.socket.close(NORMAL_CLOSURE);
    };
    closeWhenDrained();
  }

  /** Close now, dropping unsent data; the protocol hears ConnectionLost. */
  abortConnection(): void {
    if (this.aborted !== null || this.lost) return;
    this.aborted = new Failure(new ConnectionLost('The connection was aborted locally.'));
    this.stopDrainPoll();
    if (this.socket.readyState !== WS_CLOSED) this.socket.close(ABORT_CODE, 'aborted');
  }

  getPeer(): BrowserWebSocketAddress {
    return this.peer;
  }

  getHost(): BrowserWebSocketAddress {
    return this.host;
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new Error(
        'A producer is already registered on this transport: unregisterProducer() it first.',
      );
    }
    if (this.lost || this.aborted !== null) {
      producer.stopProducing();
      return;
    }
    this.producer = producer;
    this.streamingProducer = streaming;
    this.producerPaused = false;
    if (!streaming) (producer as IPullProducer).resumeProducing();
    else this.checkBackPressure();
  }

  unregisterProducer(): void {
    this.producer = null;
    this.producerPaused = false;
    this.stopDrainPoll();
  }

  /** Stop handing received data to the protocol; it is held until resumeProducing(). */
  pauseProducing(): void {
    this.readingPaused = true;
  }

  resumeProducing(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    while (this.held.length > 0 && !this.readingPaused && !this.lost) {
      const chunk = this.held.shift()!;
      this.heldBytes -= chunk.length;
      this.deliver(chunk);
    }
  }

  stopProducing(): void {
    this.abortConnection();
  }

  private messageReceived(event: WebSocketMessageEventLike): void {
    if (this.lost || this.aborted !== null) return;
    const data = event.data;
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (typeof data === 'string') bytes = encoder.encode(data);
    else if (ArrayBuffer.isView(data)) {
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } else return; // binaryType is 'arraybuffer': nothing else is delivered.
    if (bytes.length === 0) return;
    if (this.readingPaused) {
      this.heldBytes += bytes.length;
      if (this.heldBytes > this.options.maxPausedBytes) {
        this.abortWith(
          new ConnectionLost(
            `The peer sent more than maxPausedBytes (${this.options.maxPausedBytes}) while ` +
              'the protocol had paused reading; raise maxPausedBytes or resume sooner.',
          ),
        );
        return;
      }
      this.held.push(bytes);
      return;
    }
    this.deliver(bytes);
  }

  private deliver(bytes: Uint8Array): void {
    try {
      this.protocol.dataReceived(bytes);
    } catch (error) {
      // As Twisted does: a protocol that throws loses its connection, with the error as reason.
      this.abortWith(error);
    }
  }

  private abortWith(reason: unknown): void {
    if (this.aborted !== null || this.lost) return;
    this.aborted = new Failure(reason);
    this.stopDrainPoll();
    if (this.socket.readyState !== WS_CLOSED) this.socket.close(ABORT_CODE, 'aborted');
  }

  private closed(event: WebSocketCloseEventLike): void {
    if (this.lost) return;
    this.lost = true;
    this.stopDrainPoll();
    this.held = [];
    this.heldBytes = 0;
    const producer = this.producer;
    this.producer = null;
    producer?.stopProducing();
    const normal = event.code === NORMAL_CLOSURE || event.code === GOING_AWAY;
    const reason =
      this.aborted ??
      new Failure(
        event.wasClean && normal
          ? new ConnectionDone(`The WebSocket closed cleanly with code ${event.code}.`)
          : new ConnectionLost(
              `The WebSocket closed with code ${event.code}` +
                (event.reason === '' ? '' : ` (${event.reason})`) +
                (event.wasClean ? '.' : ', without a clean closing handshake.'),
            ),
      );
    this.onGone(this);
    this.protocol.connectionLost(reason);
  }

  private checkBackPressure(): void {
    if (this.producer === null) return;
    if (!this.streamingProducer) {
      // A pull producer writes once per resumeProducing(): ask for more once the buffer drains.
      if (this.drainPoll === null) this.pullWhenDrained();
      return;
    }
    if (this.producerPaused) return;
    if (this.socket.bufferedAmount <= this.options.highWaterMark) return;
    this.producerPaused = true;
    (this.producer as IPushProducer).pauseProducing();
    this.pollDrain();
  }

  private pollDrain(): void {
    this.drainPoll = this.clock.callLater(this.options.drainPollInterval, () => {
      this.drainPoll = null;
      if (this.producer === null || !this.producerPaused || this.lost) return;
      if (this.socket.bufferedAmount > this.options.lowWaterMark) {
        this.pollDrain();
        return;
      }
      this.producerPaused = false;
      (this.producer as IPushProducer).resumeProducing();
    });
  }

  private pullWhenDrained(): void {
    const wait =
      this.socket.bufferedAmount > this.options.lowWaterMark ? this.options.drainPollInterval : 0;
    this.drainPoll = this.clock.callLater(wait, () => {
      this.drainPoll = null;
      if (this.producer === null || this.streamingProducer || this.lost) return;
      if (this.socket.bufferedAmount > this.options.lowWaterMark) this.pullWhenDrained();
      else (this.producer as IPullProducer).resumeProducing();
    });
  }

  private stopDrainPoll(): void {
    if (this.drainPoll?.active() === true) this.drainPoll.cancel();
    this.drainPoll = null;
  }
}
