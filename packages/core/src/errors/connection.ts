import { TwError } from './tw-error.js';

/** The connection was closed cleanly (loseConnection, or the peer's orderly FIN). */
export class ConnectionDone extends TwError {
  constructor(message = 'Connection was closed cleanly.') {
    super('TW_CONNECTION_DONE', message);
  }
}

/** The connection was closed in a non-clean fashion (reset, abort, error). */
export class ConnectionLost extends TwError {
  constructor(
    message = 'Connection to the other side was lost in a non-clean fashion.',
    options?: { cause?: unknown },
  ) {
    super('TW_CONNECTION_LOST', message, options);
  }
}

/** Connecting failed: refused, unreachable, timed out, DNS failure. `cause` carries the OS error. */
export class ConnectError extends TwError {
  constructor(message: string, options?: { cause?: unknown }, code = 'TW_CONNECT_FAILED') {
    super(code, message, options);
  }
}

export class ConnectionRefusedError extends ConnectError {
  constructor(
    message = 'Connection was refused by the other side.',
    options?: { cause?: unknown },
  ) {
    super(message, options, 'TW_CONNECTION_REFUSED');
  }
}

export class ConnectTimeoutError extends ConnectError {
  constructor(
    message = 'Connecting took longer than the timeout allowed.',
    options?: { cause?: unknown },
  ) {
    super(message, options, 'TW_CONNECT_TIMEOUT');
  }
}

export class DNSLookupError extends ConnectError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, 'TW_DNS_LOOKUP_FAILED');
  }
}

/** Binding a listening port failed (address in use, permission denied, bad interface). */
export class CannotListenError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_CANNOT_LISTEN', message, options);
  }
}

/** The user called stopConnecting() on a pending connection attempt. */
export class UserError extends ConnectError {
  constructor(message = 'User aborted the connection attempt.') {
    super(message, undefined, 'TW_CONNECT_ABORTED_BY_USER');
  }
}

/**
 * A protocol asked its transport for a capability the transport does not have, e.g. startTLS
 * on a UDP port or writeEOF on a transport that cannot half-close.
 */
export class UnsupportedTransportFeature extends TwError {
  readonly feature: string;

  constructor(feature: string, transportDescription: string) {
    super(
      'TW_UNSUPPORTED_TRANSPORT_FEATURE',
      `The transport ${transportDescription} does not support "${feature}". ` +
        `Run this protocol over a transport that provides it (for startTLS: TCP, Unix or a memory pipe).`,
    );
    this.feature = feature;
  }
}
