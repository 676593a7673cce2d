/**
 * The one place @tw's TLSOptions meet `node:tls`. The Node reactor (listenTLS, connectTLS,
 * startTLS on a socket) and the generic TLS layer (tls-layer.ts, TLS over any transport) both go
 * through these functions, so the policy — TLS 1.2 or newer, verify by default, SNI by exact
 * name or one-label wildcard — is written once.
 */
import { isIP, type Socket } from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';

import type { PeerCertificate, TLSCredentials, TLSOptions } from '../interfaces/tls.js';
import { TLSOptionsError, TLSPeerVerificationError } from './tls-errors.js';

type PEMInput = string | Uint8Array;

/** The versions a caller may ask for; anything older is refused (see docs/tls.md). */
const ALLOWED_MIN_VERSIONS: ReadonlySet<string> = new Set(['TLSv1.2', 'TLSv1.3']);

/**
 * Node options for a TLS *server* (tls.createServer, or a server-side TLSSocket's context).
 *
 * - `credentials` → key / cert / passphrase (the default certificate).
 * - `sniCredentials` → an SNICallback that picks a certificate by the name the client sent:
 *   an exact name first, then a `*.example.org` wildcard covering exactly one label, else the
 *   default `credentials`.
 * - `requestCert` asks the client for a certificate; `verifyPeer` (default true) then refuses a
 *   client whose certificate does not verify against `ca`. Use `requestCert: true,
 *   verifyPeer: false` to accept any client certificate and inspect it yourself.
 * - `minVersion` defaults to TLS 1.2 and can never be lower.
 *
 * @throws TLSOptionsError for a version below TLS 1.2 or a malformed SNI pattern.
 */
export function toNodeServerOptions(options: TLSOptions): tls.TlsOptions {
  const minVersion = checkedMinVersion(options);
  const serverOptions: tls.TlsOptions = {
    minVersion,
    requestCert: options.requestCert ?? false,
    rejectUnauthorized: options.verifyPeer ?? true,
    ...credentialOptions(options.credentials),
  };
  if (options.ca !== undefined) serverOptions.ca = pemList(options.ca);
  if (options.alpnProtocols !== undefined) serverOptions.ALPNProtocols = [...options.alpnProtocols];
  if (options.sniCredentials !== undefined && Object.keys(options.sniCredentials).length > 0) {
    serverOptions.SNICallback = sniCallbackFor(options.sniCredentials, options.ca, minVersion);
  }
  return serverOptions;
}

/**
 * Node options for a TLS *client* (tls.connect) talking to `host`.
 *
 * SNI and the name checked against the server's certificate are `serverName`, else `host` —
 * except that an IP literal is never sent as SNI (RFC 6066 forbids it); the certificate is then
 * checked against its IP subjectAltNames. `verifyPeer` defaults to true. `credentials` is an
 * optional client certificate.
 *
 * @throws TLSOptionsError for a version below TLS 1.2.
 */
export function toNodeClientOptions(options: TLSOptions, host: string): tls.ConnectionOptions {
  const bareHost = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const clientOptions: tls.ConnectionOptions = {
    minVersion: checkedMinVersion(options),
    rejectUnauthorized: options.verifyPeer ?? true,
    ...credentialOptions(options.credentials),
  };
  // Node checks the certificate against `servername || host`, so host must be present even when
  // the connection itself is made over an existing socket.
  if (bareHost !== '') clientOptions.host = bareHost;
  const servername =
    options.serverName ?? (isIP(bareHost) === 0 && bareHost !== '' ? bareHost : undefined);
  if (servername !== undefined) clientOptions.servername = servername;
  if (options.ca !== undefined) clientOptions.ca = pemList(options.ca);
  if (options.alpnProtocols !== undefined) clientOptions.ALPNProtocols = [...options.alpnProtocols];
  return clientOptions;
}

/**
 * Start TLS over an already connected stream — a net.Socket for STARTTLS, or any Duplex (the
 * generic layer passes an adapter over an @tw transport). The returned TLSSocket emits
 * `secureConnect` (client) or `secure` (server) once the handshake is done, then plaintext
 * `data`; write plaintext to it.
 *
 * Server side: the returned socket enforces `verifyPeer` for client certificates itself (a bare
 * server TLSSocket in Node does not — only tls.Server does); a client that fails verification
 * is destroyed with TLSPeerVerificationError *before* other `secure` listeners run, so those
 * listeners should check `socket.destroyed` first.
 *
 * Client side: uses tls.connect({socket}) so SNI is sent and the server's certificate and name
 * are verified exactly as for a fresh connection. `host` defaults to the socket's remote
 * address; with neither `host` nor `serverName` a verifying client checks the name "localhost".
 */
export function wrapSocketInTLS(
  socket: Socket | Duplex,
  options: TLSOptions,
  side: 'client' | 'server',
  host?: string,
): tls.TLSSocket {
  if (side === 'client') {
    const peerHost = host ?? (socket as Partial<Socket>).remoteAddress ?? '';
    return tls.connect({ ...toNodeClientOptions(options, peerHost), socket });
  }
  const serverOptions = toNodeServerOptions(options);
  const tlsSocket = new tls.TLSSocket(socket, {
    isServer: true,
    secureContext: tls.createSecureContext(serverOptions),
    requestCert: serverOptions.requestCert ?? false,
    rejectUnauthorized: serverOptions.rejectUnauthorized ?? true,
    ...(serverOptions.ALPNProtocols !== undefined
      ? { ALPNProtocols: serverOptions.ALPNProtocols }
      : {}),
    ...(serverOptions.SNICallback !== undefined ? { SNICallback: serverOptions.SNICallback } : {}),
  });
  if (serverOptions.requestCert === true) {
    tlsSocket.once('secure', () =>
      enforceClientVerification(tlsSocket, serverOptions.rejectUnauthorized ?? true),
    );
  }
  return tlsSocket;
}

/**
 * The peer's certificate in @tw's shape, or null when the peer sent none (or the handshake has
 * not finished).
 */
export function peerCertificateOf(socket: tls.TLSSocket): PeerCertificate | null {
  const detailed = socket.getPeerCertificate(false) as
    tls.PeerCertificate | Record<string, never> | null;
  if (detailed === null || !('raw' in detailed) || detailed.raw === undefined) return null;
  const certificate: PeerCertificate = {
    subject: plainRecord(detailed.subject),
    issuer: plainRecord(detailed.issuer),
    validFrom: detailed.valid_from,
    validTo: detailed.valid_to,
    fingerprint256: detailed.fingerprint256,
    serialNumber: detailed.serialNumber,
    raw: new Uint8Array(detailed.raw.buffer, detailed.raw.byteOffset, detailed.raw.byteLength),
  };
  return detailed.subjectaltname === undefined
    ? certificate
    : { ...certificate, subjectAltName: detailed.subjectaltname };
}

/** True when `servername` is covered by `pattern` (an exact name or a `*.` one-label wildcard). */
export function sniNameMatches(pattern: string, servername: string): boolean {
  const name = servername.toLowerCase();
  const lowered = pattern.toLowerCase();
  if (!lowered.startsWith('*.')) return lowered === name;
  const suffix = lowered.slice(1); // ".example.org"
  if (!name.endsWith(suffix)) return false;
  const label = name.slice(0, name.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

function checkedMinVersion(options: TLSOptions): tls.SecureVersion {
  const requested: string = options.minVersion ?? 'TLSv1.2';
  if (!ALLOWED_MIN_VERSIONS.has(requested)) {
    throw new TLSOptionsError(
      `TLSOptions.minVersion "${requested}" is not allowed: @tw only speaks TLS 1.2 and newer. ` +
        `Use 'TLSv1.2' (the default) or 'TLSv1.3'.`,
    );
  }
  return requested as tls.SecureVersion;
}

function credentialOptions(
  credentials: TLSCredentials | undefined,
): Pick<tls.TlsOptions, 'key' | 'cert' | 'passphrase'> {
  if (credentials === undefined) return {};
  const result: Pick<tls.TlsOptions, 'key' | 'cert' | 'passphrase'> = {
    key: toBuffer(credentials.key),
    cert: toBuffer(credentials.cert),
  };
  if (credentials.passphrase !== undefined) result.passphrase = credentials.passphrase;
  return result;
}

type SNICallback = NonNullable<tls.TlsOptions['SNICallback']>;

function sniCallbackFor(
  sniCredentials: Readonly<Record<string, TLSCredentials>>,
  ca: TLSOptions['ca'],
  minVersion: tls.SecureVersion,
): SNICallback {
  const exact = new Map<string, tls.SecureContext>();
  const wildcards: Array<{ pattern: string; context: tls.SecureContext }> = [];
  for (const [pattern, credentials] of Object.entries(sniCredentials)) {
    if (pattern.includes('*') && !(pattern.startsWith('*.') && !pattern.slice(2).includes('*'))) {
      throw new TLSOptionsError(
        `TLSOptions.sniCredentials key "${pattern}" is not a host name or a "*.domain" wildcard. ` +
          `A wildcard may only be the whole leftmost label, e.g. "*.example.org".`,
      );
    }
    // The SNI context replaces the default one for the whole handshake, so it carries the CA
    // (to verify client certificates) and the version floor too.
    const context = tls.createSecureContext({
      minVersion,
      ...credentialOptions(credentials),
      ...(ca !== undefined ? { ca: pemList(ca) } : {}),
    });
    if (pattern.startsWith('*.')) wildcards.push({ pattern, context });
    else exact.set(pattern.toLowerCase(), context);
  }
  return (servername, callback) => {
    const name = servername.toLowerCase();
    const context =
      exact.get(name) ?? wildcards.find((w) => sniNameMatches(w.pattern, name))?.context;
    // undefined → Node keeps the default context built from `credentials`.
    callback(null, context);
  };
}

function enforceClientVerification(socket: tls.TLSSocket, rejectUnauthorized: boolean): void {
  // What tls.Server does in onServerSocketSecure; `_handle.verifyError()` is the only way to
  // read OpenSSL's verdict on a TLSSocket that was not created by a tls.Server.
  const handle = (
    socket as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null } }
  )._handle;
  const verifyError = handle?.verifyError?.() ?? null;
  const mutable = socket as { authorized: boolean; authorizationError: Error };
  if (verifyError === null) {
    mutable.authorized = true;
    return;
  }
  mutable.authorized = false;
  mutable.authorizationError = verifyError;
  if (rejectUnauthorized) {
    socket.destroy(
      new TLSPeerVerificationError(verifyError.code ?? verifyError.message, 'server', {
        cause: verifyError,
      }),
    );
  }
}

function plainRecord(record: object | undefined): Record<string, string | string[]> {
  // Node builds these with a null prototype; callers expect an ordinary object.
  return record === undefined ? {} : { ...(record as Record<string, string | string[]>) };
}

function toBuffer(data: PEMInput): string | Buffer {
  if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function pemList(ca: NonNullable<TLSOptions['ca']>): Array<string | Buffer> {
  return (typeof ca === 'string' || ca instanceof Uint8Array ? [ca] : [...ca]).map(toBuffer);
}
