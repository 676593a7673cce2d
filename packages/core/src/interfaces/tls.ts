/**
 * TLS settings in @tw's own terms (no Node types here, so browser builds compile). The Node
 * reactor maps them onto `node:tls`. Versions below TLS 1.2 are never negotiated.
 */
export interface TLSCredentials {
  /** PEM private key. */
  readonly key: string | Uint8Array;
  /** PEM certificate chain, leaf first. */
  readonly cert: string | Uint8Array;
  readonly passphrase?: string;
}

export interface TLSOptions {
  /** Server: our certificate. Client: an optional client certificate. */
  readonly credentials?: TLSCredentials;
  /** Server: certificates chosen by SNI host name (exact names or `*.example.org`). */
  readonly sniCredentials?: Readonly<Record<string, TLSCredentials>>;
  /** PEM CA certificates trusted to verify the peer; defaults to the system's roots. */
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** Client: the name to verify and to send as SNI; defaults to the host connected to. */
  readonly serverName?: string;
  /** Server: ask the client for a certificate. */
  readonly requestCert?: boolean;
  /**
   * Verify the peer's certificate against `ca` (client default true; server with requestCert:
   * true means a client without a valid certificate is refused).
   */
  readonly verifyPeer?: boolean;
  /** ALPN protocol names, most preferred first. */
  readonly alpnProtocols?: readonly string[];
  /** 'TLSv1.2' (default) or 'TLSv1.3'. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** What getPeerCertificate() returns: enough to authorize a peer without Node types. */
export interface PeerCertificate {
  readonly subject: Readonly<Record<string, string | string[]>>;
  readonly issuer: Readonly<Record<string, string | string[]>>;
  readonly subjectAltName?: string;
  readonly validFrom: string;
  readonly validTo: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string;
  readonly serialNumber: string;
  /** DER bytes of the certificate. */
  readonly raw: Uint8Array;
}

/**
 * A protocol running over TLS that wants to know when the handshake finished (Twisted's
 * IHandshakeListener): the peer is then verified and getPeerCertificate() /
 * getNegotiatedProtocol() have their answers. Transports call it when the protocol has it.
 */
export interface IHandshakeListener {
  handshakeCompleted(): void;
}
