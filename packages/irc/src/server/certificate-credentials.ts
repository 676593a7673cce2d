import {
  Deferred,
  UnauthorizedLogin,
  type AvatarId,
  type ICredentials,
  type ICredentialsChecker,
} from '@tw/core';

/** The cred kind of a TLS client certificate presented for SASL EXTERNAL. */
export const TLS_CERTIFICATE_CREDENTIALS = 'tls-certificate';

/** A TLS client certificate, known by its SHA-256 fingerprint (SASL EXTERNAL). */
export interface ITLSCertificateCredentials extends ICredentials {
  readonly kind: typeof TLS_CERTIFICATE_CREDENTIALS;
  /** SHA-256 fingerprint of the certificate, colon-separated hex as Node prints it. */
  readonly fingerprint256: string;
  /** The authorization identity the client asked for ('' for none). */
  readonly authzid: string;
}

/** Credentials built by the server from the certificate the TLS layer verified. */
export class TLSCertificateCredentials implements ITLSCertificateCredentials {
  readonly kind = TLS_CERTIFICATE_CREDENTIALS;

  constructor(
    readonly fingerprint256: string,
    readonly authzid: string = '',
  ) {}
}

/** `AB:CD:…`, `abcd…`, `sha256:ab cd …` → `abcd…`, so any way of writing a fingerprint matches. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint
    .replace(/^sha-?256:/i, '')
    .replace(/[^0-9a-fA-F]/g, '')
    .toLowerCase();
}

/**
 * Maps client certificate fingerprints (SHA-256) to account names: register it on the server's
 * `accountPortal` and SASL EXTERNAL is offered. A certificate not in the map, or an authzid
 * naming another account, fails with UnauthorizedLogin.
 *
 * ```ts
 * const portal = new Portal(realm, [
 *   passwordChecker,
 *   new CertificateFingerprintChecker({ 'AB:CD:…': 'alice' }),
 * ]);
 * ```
 */
export class CertificateFingerprintChecker implements ICredentialsChecker<ITLSCertificateCredentials> {
  readonly credentialInterfaces = [TLS_CERTIFICATE_CREDENTIALS];
  private readonly accounts = new Map<string, string>();

  constructor(fingerprints: Readonly<Record<string, string>> | ReadonlyMap<string, string>) {
    const entries =
      fingerprints instanceof Map
        ? [...(fingerprints as ReadonlyMap<string, string>)]
        : Object.entries(fingerprints);
    for (const [fingerprint, account] of entries) {
      this.accounts.set(normalizeFingerprint(fingerprint), account);
    }
  }

  requestAvatarId(credentials: ITLSCertificateCredentials): Deferred<AvatarId> {
    const account = this.accounts.get(normalizeFingerprint(credentials.fingerprint256));
    if (account === undefined) return Deferred.fail(new UnauthorizedLogin());
    if (credentials.authzid !== '' && credentials.authzid !== account) {
      return Deferred.fail(new UnauthorizedLogin());
    }
    return Deferred.succeed(account);
  }
}
