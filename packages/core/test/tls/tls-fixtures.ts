/**
 * Test fixtures for TLS: a one-shot node:tls server on 127.0.0.1 and a client that connects to
 * it, reporting what each side saw. Used to check that the options @tw builds are the ones
 * node:tls enforces.
 */
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';

export interface HandshakeResult {
  /** The client's error when the handshake or verification failed. */
  readonly clientError?: NodeJS.ErrnoException;
  /** The server's tlsClientError when the server refused the client. */
  readonly serverError?: NodeJS.ErrnoException;
  readonly authorized?: boolean;
  readonly alpnProtocol?: string | false | null;
  /** The CN of the certificate the server presented. */
  readonly serverCertificateCN?: string | undefined;
  /** The CN of the client certificate the server saw, if any. */
  readonly clientCertificateCN?: string;
  readonly protocol?: string | null;
}

/** Run one handshake between a tls.Server with `serverOptions` and tls.connect(`clientOptions`). */
export async function handshake(
  serverOptions: tls.TlsOptions,
  clientOptions: tls.ConnectionOptions,
): Promise<HandshakeResult> {
  const server = tls.createServer(serverOptions);
  let serverError: NodeJS.ErrnoException | undefined;
  let clientCertificateCN: string | undefined;
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => {
    serverError = error;
  });
  server.on('secureConnection', (socket) => {
    const cn = socket.getPeerCertificate().subject?.CN;
    clientCertificateCN = Array.isArray(cn) ? cn[0] : cn;
    socket.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<HandshakeResult>((resolve) => {
      const client = tls.connect({ host: '127.0.0.1', port, ...clientOptions });
      client.on('error', (clientError: NodeJS.ErrnoException) => {
        // Let the server record its side before reporting.
        setImmediate(() => resolve({ clientError, ...(serverError ? { serverError } : {}) }));
      });
      client.on('secureConnect', () => {
        const cn = client.getPeerCertificate().subject?.CN;
        client.once('data', () => {
          client.end();
          resolve({
            authorized: client.authorized,
            alpnProtocol: client.alpnProtocol,
            serverCertificateCN: Array.isArray(cn) ? cn[0] : cn,
            ...(clientCertificateCN !== undefined ? { clientCertificateCN } : {}),
            protocol: client.getProtocol(),
          });
        });
        client.once('end', () => {
          resolve({ authorized: client.authorized, ...(serverError ? { serverError } : {}) });
        });
      });
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A client that can still speak TLS 1.0/1.1 (OpenSSL 3 refuses them at its default security
 * level), to prove that it is *our* server that refuses the old versions.
 */
export const LEGACY_TLS_CLIENT: tls.ConnectionOptions = {
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1.1',
  ciphers: 'DEFAULT@SECLEVEL=0',
  rejectUnauthorized: false,
};
