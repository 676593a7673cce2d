import { createHash, timingSafeEqual } from 'node:crypto';
import type { IAnonymous, ISSHPrivateKey, IUsernamePassword } from '../interfaces/cred.js';
import { sshKeyFingerprint } from './ssh-key-wire.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[redacted]';

/** The avatar id of anonymous logins (Twisted's checkers.ANONYMOUS); shared across copies of @tw/core. */
export const ANONYMOUS: unique symbol = Symbol.for('tw.cred.anonymous');

/** Compare two strings in time that depends on neither's content (hashing hides the lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db) && a === b;
}

/**
 * A user name and a clear password (Twisted's credentials.UsernamePassword). The password is
 * kept in a private field: `util.inspect`, `JSON.stringify`, `String()` and object spread show
 * `[redacted]` or nothing, so a credentials object logged by mistake leaks no secret.
 */
export class UsernamePassword implements IUsernamePassword {
  readonly kind = 'username-password' as const;
  readonly #password: string;

  constructor(
    readonly username: string,
    password: string,
  ) {
    this.#password = password;
  }

  get password(): string {
    return this.#password;
  }

  checkPassword(password: string): boolean {
    return constantTimeEqual(this.#password, password);
  }

  toJSON(): { kind: string; username: string; password: string } {
    return { kind: this.kind, username: this.username, password: REDACTED };
  }

  toString(): string {
    return `UsernamePassword(${JSON.stringify(this.username)}, ${REDACTED})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** Anonymous credentials (Twisted's credentials.Anonymous). */
export class Anonymous implements IAnonymous {
  readonly kind = 'anonymous' as const;

  toString(): string {
    return 'Anonymous()';
  }
}

/**
 * SSH public-key credentials (Twisted's credentials.SSHPrivateKey): what the SSH layer got in a
 * "publickey" userauth request. Printed with the key's fingerprint rather than its bytes.
 */
export class SSHPrivateKey implements ISSHPrivateKey {
  readonly kind = 'ssh-key' as const;
  readonly sigData?: Uint8Array;
  readonly signature?: Uint8Array;

  constructor(
    readonly username: string,
    readonly algorithm: string,
    readonly blob: Uint8Array,
    sigData?: Uint8Array,
    signature?: Uint8Array,
  ) {
    if (sigData !== undefined) this.sigData = sigData;
    if (signature !== undefined) this.signature = signature;
  }

  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      username: this.username,
      algorithm: this.algorithm,
      fingerprint: sshKeyFingerprint(this.blob),
      signed: this.signature !== undefined,
    };
  }

  toString(): string {
    const signed = this.signature !== undefined ? 'signed' : 'query';
    return `SSHPrivateKey(${JSON.stringify(this.username)}, ${this.algorithm}, ${sshKeyFingerprint(this.blob)}, ${signed})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
