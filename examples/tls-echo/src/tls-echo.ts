import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Factory,
  Protocol,
  generateSelfSignedCertificate,
  inspectCertificate,
  type CertificateAndKey,
  type Deferred,
  type IListeningPort,
  type IReactorTLS,
} from '@tw/core';

export type { CertificateAndKey };

/** The same echo as examples/echo: TLS is the transport's business, not the protocol's. */
export class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport.write(data);
  }
}

/** A fresh self-signed certificate for localhost, 127.0.0.1 and ::1, made with node-forge. */
export function makeLocalhostCertificate(): CertificateAndKey {
  return generateSelfSignedCertificate({ commonName: 'localhost' });
}

/** Listen for TLS echo connections on loopback with `certificate`. */
export function listenTLSEcho(
  reactor: IReactorTLS,
  port: number,
  certificate: CertificateAndKey,
): Deferred<IListeningPort> {
  return reactor.listenTLS(
    port,
    new Factory(Echo),
    { credentials: certificate },
    { interface: '127.0.0.1' },
  );
}

/** Write the certificate where a client can be told to trust it; returns the path. */
export function publishCertificate(certificate: CertificateAndKey): {
  path: string;
  fingerprint: string;
} {
  const path = join(tmpdir(), 'tw-tls-echo-cert.pem');
  writeFileSync(path, certificate.cert);
  return { path, fingerprint: inspectCertificate(certificate.cert).fingerprint256 };
}
