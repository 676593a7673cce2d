import { Logger, Protocol, type Failure, type IDelayedCall } from '@tw/core';

import { CloseCode, MAX_CLOSE_REASON_BYTES, isValidCloseCode } from './close-codes.js';
import type { PerMessageDeflateCodec } from './deflate.js';
import { WebSocketMessageTooBigError, WebSocketProtocolError } from './errors.js';
import { FrameParser, type FrameSink } from './frame-parser.js';
import { type FrameHeader, Opcode, isControlOpcode } from './frame.js';
import { FrameWriter } from './frame-writer.js';
import {
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_MAX_MESSAGE_SIZE,
  type WebSocketCloseInfo,
  type WebSocketConnection,
  type WebSocketHandler,
  type WebSocketHandshakeInfo,
  type WebSocketOptions,
} from './handler.js';
import { Utf8Validator } from './utf8-validator.js';

const log = /* @__PURE__ */ new Logger('tw.http.websocket');
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const EMPTY = new Uint8Array(0);

/** Everything WebSocketProtocol needs besides its handler: the handshake's outcome and limits. */
export interface WebSocketProtocolOptions extends WebSocketOptions {
  readonly role: 'server' | 'client';
  readonly handshake: WebSocketHandshakeInfo;
  /** The permessage-deflate codec when the extension was negotiated. */
  readonly deflate?: PerMessageDeflateCodec | null;
}

/**
 * The RFC 6455 message layer over a stream transport, after the opening handshake: it
 * reassembles fragmented messages, validates text as UTF-8 as it arrives (failing fast with
 * 1007), answers pings, runs the close handshake with a timeout, and fails the connection with
 * the right close code for every violation (1002 protocol, 1007 bad UTF-8, 1009 too big).
 *
 * It is a Protocol: the server's upgrade (or the client's handshake protocol) attaches it to
 * the transport with makeConnection() and hands it any bytes read past the handshake.
 */
export class WebSocketProtocol extends Protocol implements WebSocketConnection, FrameSink {
  readonly role: 'server' | 'client';
  readonly handshake: WebSocketHandshakeInfo;
  readyState: 'open' | 'closing' | 'closed' = 'open';

  private readonly parser: FrameParser;
  private readonly writer: FrameWriter;
  private readonly deflate: PerMessageDeflateCodec | null;
  private readonly maxMessageSize: number;
  private readonly closeTimeout: number;
  private readonly validator = new Utf8Validator();

  // The frame being received.
  private frameOpcode = 0;
  private frameFin = false;
  private controlChunks: Uint8Array[] = [];
  // The data message being received (opcode 0 when none).
  private messageOpcode = 0;
  private messageCompressed = false;
  private messageChunks: Uint8Array[] = [];
  private messageSize = 0;

  private closeSent = false;
  private closeReceived: { code: number; reason: string } | null = null;
  private closeTimer: IDelayedCall | null = null;
  private pingTimer: IDelayedCall | null = null;
  private awaitingPong = false;
  private closeNotified = false;

  constructor(
    private readonly handler: WebSocketHandler,
    private readonly options: WebSocketProtocolOptions,
  ) {
    super();
    this.role = options.role;
    this.handshake = options.handshake;
    this.deflate = options.deflate ?? null;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    this.parser = new FrameParser(this, {
      role: this.role,
      allowRsv1: this.deflate !== null,
      maxPayloadLength: this.maxMessageSize,
    });
    this.writer = new FrameWriter(this.role === 'client', options.fragmentSize ?? 0);
  }

  override connectionMade(): void {
    this.schedulePing();
    try {
      this.handler.onOpen?.(this);
    } catch (error) {
      this.handlerFailed('onOpen', error);
    }
  }

  override dataReceived(data: Uint8Array): void {
    this.parser.feed(data);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.readyState = 'closed';
    this.parser.stop();
    this.cancelTimers();
    const received = this.closeReceived;
    const info: WebSocketCloseInfo =
      received !== null && this.closeSent
        ? { code: received.code, reason: received.reason, wasClean: true }
        : {
            code: received?.code ?? CloseCode.ABNORMAL_CLOSURE,
            reason: received?.reason ?? '',
            wasClean: false,
          };
    this.notifyClose(info);
  }

  // --- sending -------------------------------------------------------------------------------

  sendText(text: string): boolean {
    return this.sendMessage(textEncoder.encode(text), false);
  }

  sendBinary(data: Uint8Array): boolean {
    return this.sendMessage(data, true);
  }

  sendMessage(payload: Uint8Array, isBinary: boolean): boolean {
    if (this.readyState !== 'open' || this.closeSent) return false;
    const opcode = isBinary ? Opcode.BINARY : Opcode.TEXT;
    if (this.deflate !== null && this.deflate.shouldCompress(payload.length)) {
      this.writer.writeMessage(this.transport, opcode, this.deflate.compress(payload), true);
    } else {
      this.writer.writeMessage(this.transport, opcode, payload, false);
    }
    return true;
  }

  ping(payload: Uint8Array = EMPTY): void {
    if (payload.length > 125) throw new RangeError('A ping payload may be at most 125 bytes.');
    if (this.readyState !== 'open' || this.closeSent) return;
    this.writer.writeControl(this.transport, Opcode.PING, payload);
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (!isValidCloseCode(code)) {
      throw new RangeError(
        `${code} is not a close code that may be sent (1000–1003, 1007–1014, 3000–4999).`,
      );
    }
    const reasonBytes = textEncoder.encode(reason);
    if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
      throw new RangeError(
        `A close reason may be at most ${MAX_CLOSE_REASON_BYTES} bytes of UTF-8.`,
      );
    }
    if (this.readyState === 'closed' || this.closeSent) return;
    this.sendClose(code, reasonBytes);
    this.readyState = 'closing';
    // Wait for the peer's close frame, but not forever.
    this.startCloseTimer(() => this.transport.abortConnection());
  }

  abort(): void {
    if (this.readyState === 'closed') return;
    this.parser.stop();
    this.transport.abortConnection();
  }

  pauseReading(): void {
    this.transport.pauseProducing();
  }

  resumeReading(): void {
    this.transport.resumeProducing();
  }

  // --- FrameSink -----------------------------------------------------------------------------

  onFrameStart(header: FrameHeader): void {
    this.frameOpcode = header.opcode;
    this.frameFin = header.fin;
    if (isControlOpcode(header.opcode)) {
      this.controlChunks = [];
      return;
    }
    if (header.opcode === Opcode.CONTINUATION) {
      if (this.messageOpcode === 0) {
        return this.fail(
          CloseCode.PROTOCOL_ERROR,
          'A continuation frame arrived with no message to continue.',
        );
      }
      if (header.rsv1) {
        return this.fail(CloseCode.PROTOCOL_ERROR, 'RSV1 set on a continuation frame.');
      }
    } else {
      if (this.messageOpcode !== 0) {
        return this.fail(
          CloseCode.PROTOCOL_ERROR,
          'A new data frame arrived inside a fragmented message.',
        );
      }
      this.messageOpcode = header.opcode;
      this.messageCompressed = header.rsv1;
      this.messageChunks = [];
      this.messageSize = 0;
      this.validator.reset();
    }
    if (this.messageSize + header.length > this.maxMessageSize) {
      this.failWith(
        new WebSocketMessageTooBigError(this.messageSize + header.length, this.maxMessageSize),
      );
    }
  }

  onFramePayload(chunk: Uint8Array): void {
    if (isControlOpcode(this.frameOpcode)) {
      this.controlChunks.push(chunk);
      return;
    }
    if (
      this.messageOpcode === Opcode.TEXT &&
      !this.messageCompressed &&
      !this.validator.update(chunk)
    ) {
      return this.fail(CloseCode.INVALID_PAYLOAD, 'A text message is not valid UTF-8.');
    }
    this.messageChunks.push(chunk);
    this.messageSize += chunk.length;
  }

  onFrameEnd(): void {
    if (isControlOpcode(this.frameOpcode)) {
      this.controlFrameReceived(this.frameOpcode, concat(this.controlChunks, -1));
      return;
    }
    if (this.frameFin) this.messageReceived();
  }

  onFrameError(error: WebSocketProtocolError): void {
    this.failWith(error);
  }

  // --- receiving -----------------------------------------------------------------------------

  private messageReceived(): void {
    const opcode = this.messageOpcode;
    this.messageOpcode = 0;
    let payload: Uint8Array;
    const chunks = this.messageChunks;
    this.messageChunks = [];
    if (this.messageCompressed) {
      try {
        payload = this.deflate!.decompress(chunks);
      } catch (error) {
        if (error instanceof WebSocketProtocolError) return this.failWith(error);
        throw error;
      }
      if (opcode === Opcode.TEXT) {
        this.validator.reset();
        if (!this.validator.update(payload) || !this.validator.isComplete()) {
          return this.fail(CloseCode.INVALID_PAYLOAD, 'A text message is not valid UTF-8.');
        }
      }
    } else {
      if (opcode === Opcode.TEXT && !this.validator.isComplete()) {
        return this.fail(CloseCode.INVALID_PAYLOAD, 'A text message ends inside a UTF-8 sequence.');
      }
      payload = concat(chunks, this.messageSize);
    }
    try {
      this.handler.onMessage(payload, opcode === Opcode.BINARY);
    } catch (error) {
      this.handlerFailed('onMessage', error);
    }
  }

  private controlFrameReceived(opcode: number, payload: Uint8Array): void {
    switch (opcode) {
      case Opcode.PING:
        if (this.readyState === 'open' && !this.closeSent) {
          this.writer.writeControl(this.transport, Opcode.PONG, payload);
        }
        this.callHandler('onPing', () => this.handler.onPing?.(payload));
        return;
      case Opcode.PONG:
        this.awaitingPong = false;
        this.callHandler('onPong', () => this.handler.onPong?.(payload));
        return;
      case Opcode.CLOSE:
        this.closeFrameReceived(payload);
        return;
      default:
        // The parser refuses every other control opcode.
        return;
    }
  }

  private closeFrameReceived(payload: Uint8Array): void {
    let code: number = CloseCode.NO_STATUS_RECEIVED;
    let reason = '';
    if (payload.length === 1) {
      return this.fail(CloseCode.PROTOCOL_ERROR, 'A close frame carried a 1-byte payload.');
    }
    if (payload.length >= 2) {
      code = (payload[0]! << 8) | payload[1]!;
      if (!isValidCloseCode(code)) {
        return this.fail(
          CloseCode.PROTOCOL_ERROR,
          `The peer closed with the invalid code ${code}.`,
        );
      }
      try {
        reason = textDecoder.decode(payload.subarray(2));
      } catch {
        return this.fail(CloseCode.INVALID_PAYLOAD, 'A close reason is not valid UTF-8.');
      }
    }
    this.closeReceived = { code, reason };
    this.parser.stop();
    if (!this.closeSent) {
      // Echo the code (RFC 6455 §5.5.1); an empty close is answered with an empty close.
      this.sendClose(code === CloseCode.NO_STATUS_RECEIVED ? null : code, EMPTY);
    }
    this.readyState = 'closing';
    this.handshakeDone();
  }

  /** Both close frames are exchanged: the server closes TCP; a client waits for it to. */
  private handshakeDone(): void {
    this.cancelCloseTimer();
    if (this.role === 'server') {
      this.transport.loseConnection();
    } else {
      this.startCloseTimer(() => this.transport.loseConnection());
    }
  }

  // --- failing -------------------------------------------------------------------------------

  private fail(closeCode: number, message: string): void {
    this.failWith(new WebSocketProtocolError(closeCode, message));
  }

  /** "Fail the WebSocket Connection" (RFC 6455 §7.1.7): close frame with the code, then close TCP. */
  private failWith(error: WebSocketProtocolError): void {
    if (this.readyState === 'closed') return;
    this.parser.stop();
    log.debug('Failing WebSocket connection: {message}', {
      message: error.message,
      closeCode: error.closeCode,
    });
    if (!this.closeSent) this.sendClose(error.closeCode, EMPTY);
    this.readyState = 'closing';
    this.cancelTimers();
    this.transport.loseConnection();
  }

  private handlerFailed(method: string, error: unknown): void {
    log.failure(`WebSocketHandler.${method} raised; closing with 1011`, error);
    if (this.readyState !== 'closed')
      this.failWith(new WebSocketProtocolError(CloseCode.INTERNAL_ERROR, 'Internal error.'));
  }

  private callHandler(method: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.handlerFailed(method, error);
    }
  }

  private sendClose(code: number | null, reason: Uint8Array): void {
    this.closeSent = true;
    let payload = EMPTY;
    if (code !== null) {
      payload = new Uint8Array(2 + reason.length);
      payload[0] = code >>> 8;
      payload[1] = code & 0xff;
      payload.set(reason, 2);
    }
    this.writer.writeControl(this.transport, Opcode.CLOSE, payload);
  }

  private notifyClose(info: WebSocketCloseInfo): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    try {
      this.handler.onClose?.(info);
    } catch (error) {
      log.failure('WebSocketHandler.onClose raised', error);
    }
  }

  // --- timers --------------------------------------------------------------------------------

  private startCloseTimer(onTimeout: () => void): void {
    this.cancelCloseTimer();
    this.closeTimer = this.options.reactor.callLater(this.closeTimeout, () => {
      this.closeTimer = null;
      if (this.readyState !== 'closed') onTimeout();
    });
  }

  private cancelCloseTimer(): void {
    if (this.closeTimer?.active() === true) this.closeTimer.cancel();
    this.closeTimer = null;
  }

  private schedulePing(): void {
    const interval = this.options.pingInterval;
    if (interval === undefined || interval <= 0) return;
    this.pingTimer = this.options.reactor.callLater(interval, () => {
      this.pingTimer = null;
      if (this.readyState !== 'open') return;
      this.awaitingPong = true;
      this.ping();
      this.pingTimer = this.options.reactor.callLater(this.options.pingTimeout ?? interval, () => {
        this.pingTimer = null;
        if (this.awaitingPong) {
          log.debug('No pong within the ping timeout; dropping the WebSocket connection.');
          this.abort();
        } else {
          this.schedulePing();
        }
      });
    });
  }

  private cancelTimers(): void {
    this.cancelCloseTimer();
    if (this.pingTimer?.active() === true) this.pingTimer.cancel();
    this.pingTimer = null;
  }
}

/** Join chunks into one buffer (no copy for a single chunk). `total` < 0 means "add them up". */
function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 0) return EMPTY;
  if (chunks.length === 1) return chunks[0]!;
  const size = total >= 0 ? total : chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
