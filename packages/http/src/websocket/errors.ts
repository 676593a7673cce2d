import { TwError } from '@tw/core';

import { CloseCode } from './close-codes.js';

/**
 * The peer broke RFC 6455 (or a limit we set): the connection is failed with `closeCode` in the
 * close frame we send. Raised by the frame parser and the message state machine.
 */
export class WebSocketProtocolError extends TwError {
  /** The close code sent to the peer: 1002, 1007, 1009, 1010, … */
  readonly closeCode: number;

  constructor(closeCode: number, message: string, code = 'TW_HTTP_WEBSOCKET_PROTOCOL_ERROR') {
    super(code, message);
    this.closeCode = closeCode;
  }
}

/** A message (or a frame of one) is larger than the `maxMessageSize` option allows: close 1009. */
export class WebSocketMessageTooBigError extends WebSocketProtocolError {
  constructor(size: number, limit: number) {
    super(
      CloseCode.MESSAGE_TOO_BIG,
      `A WebSocket message of at least ${size} bytes exceeds the limit of ${limit} bytes; ` +
        `raise the maxMessageSize option to accept larger messages.`,
      'TW_HTTP_WEBSOCKET_MESSAGE_TOO_BIG',
    );
  }
}

/** The opening handshake failed: bad request or response, wrong Accept, refused upgrade. */
export class WebSocketHandshakeError extends TwError {
  /** The HTTP status the server answered (client side), or answers with (server side). */
  readonly status: number;

  constructor(message: string, status = 400) {
    super('TW_HTTP_WEBSOCKET_HANDSHAKE', message);
    this.status = status;
  }
}

/** The connection closed; `code`/`reason` are what the close handshake carried (1006 if none). */
export class WebSocketClosedError extends TwError {
  readonly closeCode: number;
  readonly reason: string;
  readonly wasClean: boolean;

  constructor(closeCode: number, reason: string, wasClean: boolean) {
    super(
      wasClean ? 'TW_HTTP_WEBSOCKET_CLOSED' : 'TW_HTTP_WEBSOCKET_CLOSED_ABNORMALLY',
      `The WebSocket closed ${wasClean ? 'cleanly' : 'without a complete close handshake'} ` +
        `with code ${closeCode}${reason === '' ? '' : ` (${reason})`}.`,
    );
    this.closeCode = closeCode;
    this.reason = reason;
    this.wasClean = wasClean;
  }
}
