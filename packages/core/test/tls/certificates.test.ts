import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import {
  generateCertificateAuthority,
  generateKeyPair,
  generateSelfSignedCertificate,
  inspectCertificate,
  issueCertificate,
} from '../../src/tls/certificates.js';
import { isTwError } from '../../src/errors/tw-error.js';
import { handshake } from './tls-fixtures.js';

describe('generateKeyPair', () => {
  it('makes a PEM RSA key pair whose halves belong together', () => {
    const { privateKey, publicKey } = generateKeyPair();
    expect(privateKey).toContain('-----BEGIN RSA PRIVATE KEY-----');
    expect(publicKey).toContain('-----BEGIN PUBLIC KEY-----');
    const derivedPublic = createPublicKey(createPrivateKey(privateKey)).export({
      type: 'spki',
      format: 'pem',
    });
    expect(derivedPublic).toBe(publicKey);
  });

  it('never returns the same key twice', () => {
    expect(generateKeyPair().privateKey).not.toBe(generateKeyPair().privateKey);
  });
});

describe('generateSelfSignedCertificate', () => {
  it('covers localhost, 127.0.0.1 and ::1 by default and is valid for the number of days asked', () => {
    const { key, cert } = generateSelfSignedCertificate({ days: 30 });
    const x509 = new X509Certificate(cert);
    expect(x509.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    const info = inspectCertificate(cert);
    expect(info.subject).toEqual({ CN: 'localhost' });
    expect(info.issuer).toEqual({ CN: 'localhost' });
    expect(info.selfIssued).toBe(true);
    expect(info.isCertificateAuthority).toBe(false);
    expect(info.dnsNames).toEqual(['localhost']);
    expect(info.ipAddresses).toEqual(['127.0.0.1', '::1']);
    const lifetimeDays = (info.notAfter.getTime() - Date.now()) / 86_400_000;
    expect(lifetimeDays).toBeGreaterThan(29.9);
    expect(lifetimeDays).toBeLessThanOrEqual(30);
    expect(info.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('uses the common name and alt names given', () => {
    const { cert } = generateSelfSignedCertificate({
      commonName: 'mail.example.org',
      altNames: ['mail.example.org', '10.0.0.7'],
    });
    const info = inspectCertificate(cert);
    expect(info.subject['CN']).toBe('mail.example.org');
    expect(info.dnsNames).toEqual(['mail.example.org']);
    expect(info.ipAddresses).toEqual(['10.0.0.7']);
  });

  it('refuses a non-positive lifetime', () => {
    expect(() => generateSelfSignedCertificate({ days: 0 })).toThrow(/positive number of days/);
  });
});

describe('inspectCertificate', () => {
  it('gives the same SHA-256 fingerprint and serial as node:crypto', () => {
    const { cert } = generateSelfSignedCertificate();
    const info = inspectCertificate(new TextEncoder().encode(cert));
    const x509 = new X509Certificate(cert);
    expect(info.fingerprint256).toBe(x509.fingerprint256);
    expect(info.serialNumber.toUpperCase()).toBe(x509.serialNumber.toUpperCase());
    expect(info.notAfter.getTime()).toBe(new Date(x509.validTo).getTime());
  });

  it('throws a typed error for text that is not a certificate', () => {
    let caught: unknown;
    try {
      inspectCertificate('hello');
    } catch (error) {
      caught = error;
    }
    expect(isTwError(caught, 'TW_TLS_INVALID_OPTIONS')).toBe(true);
  });
});

describe('a certificate authority', () => {
  const ca = generateCertificateAuthority({ commonName: 'Test Root' });

  it('is a CA and signs the certificates it issues', () => {
    const server = issueCertificate(ca, { commonName: 'localhost' });
    const client = issueCertificate(ca, { commonName: 'alice', client: true });
    expect(inspectCertificate(ca.cert).isCertificateAuthority).toBe(true);
    const caX509 = new X509Certificate(ca.cert);
    for (const issued of [server, client]) {
      const x509 = new X509Certificate(issued.cert);
      expect(x509.checkIssued(caX509)).toBe(true);
      expect(x509.verify(caX509.publicKey)).toBe(true);
      expect(inspectCertificate(issued.cert).issuer).toEqual({ CN: 'Test Root' });
    }
    expect(new X509Certificate(client.cert).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(new X509Certificate(server.cert).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('issues a server certificate that node:tls verifies against the CA', async () => {
    const server = issueCertificate(ca);
    const result = await handshake(
      { key: server.key, cert: server.cert },
      { ca: ca.cert, servername: 'localhost' },
    );
    expect(result.clientError).toBeUndefined();
    expect(result.authorized).toBe(true);
  });

  it('is needed: a client trusting another CA refuses the same certificate', async () => {
    const server = issueCertificate(ca);
    const other = generateCertificateAuthority();
    const result = await handshake(
      { key: server.key, cert: server.cert },
      { ca: other.cert, servername: 'localhost' },
    );
    expect(result.clientError?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});
