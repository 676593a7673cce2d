import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { TwError } from '@tw/core';
import ssh2 from 'ssh2';

import { generateEd25519OpenSSHKey } from './openssh-key-format.js';

/** The host key files this server keeps, in OpenSSH's names. */
export const HOST_KEY_FILES = {
  ed25519: 'ssh_host_ed25519_key',
  rsa: 'ssh_host_rsa_key',
} as const;

/** One host key: the private key in OpenSSH format and its public line. */
export interface HostKey {
  readonly type: 'ed25519' | 'rsa';
  readonly path: string;
  /** The private key (OpenSSH format), as ssh2's `hostKeys` takes it. */
  readonly privateKey: Buffer;
  /** `ssh-ed25519 AAAA…` — what a client puts in known_hosts after the host name. */
  readonly publicKey: string;
}

/** A host key file exists but cannot be used. */
export class HostKeyError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_SSH_HOST_KEY', message, options);
  }
}

/**
 * Read the server's ed25519 and RSA host keys from `dir`, generating (and keeping, mode 0600)
 * the ones that are missing, so clients see the same host key on every restart.
 * `dir` is created (mode 0700) when missing.
 */
export function loadOrCreateHostKeys(dir: string, options: { rsaBits?: number } = {}): HostKey[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: HostKey[] = [];
  for (const type of ['ed25519', 'rsa'] as const) {
    const path = join(dir, HOST_KEY_FILES[type]);
    if (!existsSync(path)) {
      const pair =
        type === 'rsa'
          ? ssh2.utils.generateKeyPairSync('rsa', { bits: options.rsaBits ?? 3072 })
          : ((key) => ({ private: key.privateKey, public: key.publicKey }))(
              generateEd25519OpenSSHKey(),
            );
      // Write to a temporary name first: a crash mid-write must not leave a half key behind.
      const temporary = `${path}.tmp-${process.pid}`;
      writeFileSync(temporary, pair.private, { mode: 0o600 });
      renameSync(temporary, path);
      writeFileSync(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
    }
    chmodSync(path, 0o600);
    const privateKey = readFileSync(path);
    const parsed = ssh2.utils.parseKey(privateKey);
    if (parsed instanceof Error) {
      throw new HostKeyError(
        `The host key ${path} cannot be read (${parsed.message}); delete it to have a new one generated.`,
        { cause: parsed },
      );
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key === undefined) {
      throw new HostKeyError(
        `The host key ${path} holds no key; delete it to have a new one generated.`,
      );
    }
    const publicKey = `${key.type} ${key.getPublicSSH().toString('base64')}`;
    keys.push({ type, path, privateKey, publicKey });
  }
  return keys;
}
