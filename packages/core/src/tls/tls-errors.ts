import { TwError } from '../errors/tw-error.js';

/**
 * TLSOptions asked for something @tw refuses to do: a protocol version below TLS 1.2, or a
 * malformed SNI pattern. Thrown when the options are turned into a TLS context, before any
 * connection is made.
 */
export class TLSOptionsError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_TLS_INVALID_OPTIONS', message, options);
  }
}

/**
 * The peer's certificate did not verify: untrusted issuer, expired, wrong name, or (server
 * with requestCert and verifyPeer) no certificate at all. `reason` is OpenSSL's code, e.g.
 * `DEPTH_ZERO_SELF_SIGNED_CERT` or `ERR_TLS_CERT_ALTNAME_INVALID`.
 */
export class TLSPeerVerificationError extends TwError {
  readonly reason: string;

  constructor(reason: string, side: 'client' | 'server', options?: { cause?: unknown }) {
    super(
      'TW_TLS_PEER_UNVERIFIED',
      `The TLS peer's certificate was rejected by the ${side} (${reason}). ` +
        `Add the peer's issuing CA to TLSOptions.ca, fix the certificate's names, or set verifyPeer: false ` +
        `if this peer is trusted some other way.`,
      options,
    );
    this.reason = reason;
  }
}
