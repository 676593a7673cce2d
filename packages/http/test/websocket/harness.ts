import { Clock, StringTransport } from '@tw/core/testing';

import { FrameParser } from '../../src/websocket/frame-parser.js';
import { type Frame, encodeFrame } from '../../src/websocket/frame.js';
import type {
  WebSocketCloseInfo,
  WebSocketConnection,
  WebSocketHandler,
  WebSocketHandshakeInfo,
} from '../../src/websocket/handler.js';
import { WebSocketProtocol, type WebSocketProtocolOptions } from '../../src/websocket/protocol.js';
import { FrameCollector } from './frame-collector.js';

export const MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

export const HANDSHAKE: WebSocketHandshakeInfo = {
  scheme: 'ws',
  path: '/test',
  host: 'example.org',
  subprotocol: null,
  extensions: null,
  headers: new Map(),
};

/** A handler that records everything; `echo` sends each message back. */
export class RecordingHandler implements WebSocketHandler {
  readonly messages: Array<{ payload: Uint8Array; isBinary: boolean }> = [];
  readonly pings: Uint8Array[] = [];
  readonly pongs: Uint8Array[] = [];
  closed: WebSocketCloseInfo | null = null;
  connection: WebSocketConnection | null = null;

  constructor(private readonly echo = false) {}

  onOpen(connection: WebSocketConnection): void {
    this.connection = connection;
  }

  onMessage(payload: Uint8Array, isBinary: boolean): void {
    this.messages.push({ payload: payload.slice(), isBinary });
    if (this.echo) this.connection!.sendMessage(payload, isBinary);
  }

  onPing(payload: Uint8Array): void {
    this.pings.push(payload.slice());
  }

  onPong(payload: Uint8Array): void {
    this.pongs.push(payload.slice());
  }

  onClose(info: WebSocketCloseInfo): void {
    this.closed = info;
  }

  texts(): string[] {
    return this.messages.map((message) => decode(message.payload));
  }
}

/** One side of a WebSocket driven by hand: frames in, frames out, a virtual clock. */
export class ProtocolHarness {
  readonly clock = new Clock();
  readonly transport = new StringTransport();
  readonly handler: RecordingHandler;
  readonly protocol: WebSocketProtocol;

  constructor(
    readonly role: 'server' | 'client' = 'server',
    options: Partial<WebSocketProtocolOptions> & { echo?: boolean } = {},
  ) {
    this.handler = new RecordingHandler(options.echo ?? false);
    this.protocol = new WebSocketProtocol(this.handler, {
      reactor: this.clock,
      role,
      handshake: HANDSHAKE,
      ...options,
    });
    this.transport.connect(this.protocol);
  }

  /** Send a frame as the peer would (masked when the peer is a client). */
  receive(frame: Frame): void {
    this.receiveBytes(encodeFrame(frame, this.role === 'server' ? MASK : undefined));
  }

  receiveBytes(bytes: Uint8Array): void {
    this.protocol.dataReceived(bytes);
  }

  /** The frames this side wrote, parsed as the peer would. */
  sent(): FrameCollector['frames'] {
    const collector = new FrameCollector();
    const parser = new FrameParser(collector, {
      role: this.role === 'server' ? 'client' : 'server',
      allowRsv1: true,
    });
    parser.feed(this.transport.value());
    if (collector.errors.length > 0) throw collector.errors[0];
    return collector.frames;
  }

  /** The close frame this side sent: [code, reason], [null] for an empty one, or undefined. */
  sentClose(): [number | null, string?] | undefined {
    const close = this.sent().find((frame) => frame.opcode === 0x8);
    if (close === undefined) return undefined;
    if (close.payload.length === 0) return [null];
    return [(close.payload[0]! << 8) | close.payload[1]!, decode(close.payload.subarray(2))];
  }

  /** The close code this side sent (for failures). */
  closeCode(): number | null | undefined {
    return this.sentClose()?.[0];
  }
}

export function closePayload(code: number, reason = ''): Uint8Array {
  const reasonBytes = encode(reason);
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(reasonBytes, 2);
  return payload;
}
