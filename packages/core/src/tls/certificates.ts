/**
 * Keys and X.509 certificates for tests, examples and development servers. node:crypto makes the
 * RSA key (fast, native); node-forge builds and signs the certificate (node:crypto cannot).
 * Nothing is cached: every call makes a fresh key.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

import type { TLSCredentials } from '../interfaces/tls.js';
import { TLSOptionsError } from './tls-errors.js';

/** A PEM key pair. `privateKey` is PKCS#1 ("RSA PRIVATE KEY"), `publicKey` SPKI. */
export interface KeyPairPEM {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** A PEM private key and its certificate; usable directly as TLSOptions.credentials. */
export interface CertificateAndKey extends TLSCredentials {
  readonly key: string;
  readonly cert: string;
}

export interface SelfSignedCertificateOptions {
  /** Subject CN; default "localhost". */
  readonly commonName?: string;
  /** DNS names and IP addresses for subjectAltName; default localhost, 127.0.0.1, ::1. */
  readonly altNames?: readonly string[];
  /** Days the certificate is valid from now; default 365. */
  readonly days?: number;
  /** RSA modulus length; default 2048. */
  readonly keyBits?: number;
}

export interface CertificateAuthorityOptions {
  /** Subject CN; default "@tw test CA". */
  readonly commonName?: string;
  /** Default 3650. */
  readonly days?: number;
  readonly keyBits?: number;
}

export interface IssueCertificateOptions extends SelfSignedCertificateOptions {
  /**
   * True for a client certificate (extendedKeyUsage clientAuth only). Default false: a server
   * certificate (serverAuth).
   */
  readonly client?: boolean;
}

/** What inspectCertificate() reads from a PEM certificate. */
export interface CertificateInfo {
  /** Attributes by short name (CN, O, …); repeated attributes become arrays. */
  readonly subject: Readonly<Record<string, string | string[]>>;
  readonly issuer: Readonly<Record<string, string | string[]>>;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Hex, lower case, as node-forge prints it. */
  readonly serialNumber: string;
  /** SHA-256 of the DER bytes, upper-case hex pairs joined by ":" (Node's fingerprint256 form). */
  readonly fingerprint256: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly isCertificateAuthority: boolean;
  /** True when subject and issuer are the same name. */
  readonly selfIssued: boolean;
}

const DEFAULT_ALT_NAMES = ['localhost', '127.0.0.1', '::1'] as const;
const CLOCK_SKEW_MS = 60_000;

/** A fresh RSA key pair (2048 bits unless asked otherwise), made by node:crypto. */
export function generateKeyPair(bits = 2048): KeyPairPEM {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/**
 * A self-signed server certificate and its key, valid for `altNames` (default localhost,
 * 127.0.0.1, ::1). A client trusts it by passing the certificate itself as `ca`.
 */
export function generateSelfSignedCertificate(
  options: SelfSignedCertificateOptions = {},
): CertificateAndKey {
  const keys = generateKeyPair(options.keyBits);
  const commonName = options.commonName ?? 'localhost';
  const cert = buildCertificate({
    subjectKeys: keys,
    subject: [{ shortName: 'CN', value: commonName }],
    issuer: null,
    days: options.days ?? 365,
    extensions: leafExtensions(options.altNames ?? DEFAULT_ALT_NAMES, false),
  });
  return { key: keys.privateKey, cert };
}

/** A self-signed certificate authority, to issue server and client certificates from. */
export function generateCertificateAuthority(
  options: CertificateAuthorityOptions = {},
): CertificateAndKey {
  const keys = generateKeyPair(options.keyBits);
  const cert = buildCertificate({
    subjectKeys: keys,
    subject: [{ shortName: 'CN', value: options.commonName ?? '@tw test CA' }],
    issuer: null,
    days: options.days ?? 3650,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  return { key: keys.privateKey, cert };
}

/**
 * A certificate signed by `ca` (from generateCertificateAuthority): a server certificate, or a
 * client certificate with `client: true`. A peer trusts it by passing `ca.cert` as `ca`.
 */
export function issueCertificate(
  ca: CertificateAndKey,
  options: IssueCertificateOptions = {},
): CertificateAndKey {
  const keys = generateKeyPair(options.keyBits);
  const client = options.client ?? false;
  const commonName = options.commonName ?? (client ? 'client' : 'localhost');
  const altNames = options.altNames ?? (client ? [] : DEFAULT_ALT_NAMES);
  const cert = buildCertificate({
    subjectKeys: keys,
    subject: [{ shortName: 'CN', value: commonName }],
    issuer: ca,
    days: options.days ?? 365,
    extensions: leafExtensions(altNames, client),
  });
  return { key: keys.privateKey, cert };
}

/** Read subject, issuer, validity, names and fingerprint from a PEM certificate. */
export function inspectCertificate(pem: string | Uint8Array): CertificateInfo {
  const text = typeof pem === 'string' ? pem : new TextDecoder('utf-8').decode(pem);
  let certificate: forge.pki.Certificate;
  try {
    certificate = forge.pki.certificateFromPem(text);
  } catch (cause) {
    throw new TLSOptionsError(
      'inspectCertificate() was given something that is not a PEM RSA certificate ("-----BEGIN CERTIFICATE-----").',
      { cause },
    );
  }
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
  const digest = forge.md.sha256.create().update(der).digest().toHex().toUpperCase();
  const san = certificate.getExtension('subjectAltName') as {
    altNames?: Array<{ type: number; value?: string; ip?: string }>;
  } | null;
  const basic = certificate.getExtension('basicConstraints') as { cA?: boolean } | null;
  const altNames = san?.altNames ?? [];
  return {
    subject: attributesOf(certificate.subject),
    issuer: attributesOf(certificate.issuer),
    notBefore: certificate.validity.notBefore,
    notAfter: certificate.validity.notAfter,
    serialNumber: certificate.serialNumber,
    fingerprint256: digest.match(/../g)?.join(':') ?? '',
    dnsNames: altNames.filter((n) => n.type === 2).map((n) => n.value ?? ''),
    ipAddresses: altNames.filter((n) => n.type === 7).map((n) => n.ip ?? ''),
    isCertificateAuthority: basic?.cA === true,
    selfIssued: certificate.isIssuer(certificate),
  };
}

interface CertificateSpec {
  readonly subjectKeys: KeyPairPEM;
  readonly subject: forge.pki.CertificateField[];
  /** null: self-signed. */
  readonly issuer: CertificateAndKey | null;
  readonly days: number;
  readonly extensions: object[];
}

function buildCertificate(spec: CertificateSpec): string {
  if (!(spec.days > 0)) {
    throw new TLSOptionsError(
      `A certificate must be valid for a positive number of days, not ${spec.days}.`,
    );
  }
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(spec.subjectKeys.publicKey);
  certificate.serialNumber = randomSerialNumber();
  const now = Date.now();
  // Backdate a little so a peer whose clock is slightly behind still accepts it.
  certificate.validity.notBefore = new Date(now - CLOCK_SKEW_MS);
  certificate.validity.notAfter = new Date(now + spec.days * 86_400_000);
  certificate.setSubject(spec.subject);

  let signingKey: forge.pki.PrivateKey;
  const extensions = [...spec.extensions];
  if (spec.issuer === null) {
    certificate.setIssuer(spec.subject);
    signingKey = forge.pki.privateKeyFromPem(spec.subjectKeys.privateKey);
  } else {
    const issuerCertificate = forge.pki.certificateFromPem(spec.issuer.cert);
    certificate.setIssuer(issuerCertificate.subject.attributes);
    signingKey = forge.pki.privateKeyFromPem(spec.issuer.key);
    extensions.push({
      name: 'authorityKeyIdentifier',
      keyIdentifier: issuerCertificate.generateSubjectKeyIdentifier().getBytes(),
    });
  }
  certificate.setExtensions(extensions);
  certificate.sign(signingKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

function leafExtensions(altNames: readonly string[], client: boolean): object[] {
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: !client, clientAuth: client },
    { name: 'subjectKeyIdentifier' },
  ];
  if (altNames.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: altNames.map((name) =>
        isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name },
      ),
    });
  }
  return extensions;
}

function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  // DER integers are signed: clear the top bit so the serial is positive, and avoid a leading zero byte.
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function attributesOf(name: forge.pki.Certificate['subject']): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const attribute of name.attributes) {
    const key = attribute.shortName ?? attribute.name ?? attribute.type ?? 'unknown';
    const value = String(attribute.value);
    const existing = result[key];
    result[key] =
      existing === undefined
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value];
  }
  return result;
}
