import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { generateEd25519OpenSSHKey } from '../server/openssh-key-format.js';

import type { HostKey } from '../server/host-keys.js';

/** The demo account's client key, so the printed `ssh` command logs in without a prompt. */
export const DEMO_KEY_FILE = join('ssh', 'demo_ed25519');
/** known_hosts for the server's own host keys, under the alias below. */
export const KNOWN_HOSTS_FILE = join('ssh', 'known_hosts');
/** The name the host keys are listed under (ssh -o HostKeyAlias=…), whatever the port. */
export const HOST_KEY_ALIAS = 'tw-ssh';

/**
 * Sample content for `tw serve`'s data directory: a key pair for the demo account, authorized
 * in <data dir>/home/demo/.ssh/authorized_keys. Existing files are never overwritten.
 */
export async function prepareSSHDataDir(dataDir: string): Promise<void> {
  const keyPath = join(dataDir, DEMO_KEY_FILE);
  const authorized = join(dataDir, 'home', 'demo', '.ssh', 'authorized_keys');
  mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
  mkdirSync(dirname(authorized), { recursive: true, mode: 0o700 });
  if (!existsSync(keyPath)) {
    const pair = generateEd25519OpenSSHKey('demo@tw');
    writeFileSync(keyPath, pair.privateKey, { mode: 0o600 });
    writeFileSync(`${keyPath}.pub`, `${pair.publicKey}\n`);
    if (!existsSync(authorized)) writeFileSync(authorized, `${pair.publicKey}\n`, { mode: 0o600 });
  }
}

/** Write <data dir>/ssh/known_hosts listing the host keys under HOST_KEY_ALIAS. */
export function writeKnownHosts(dataDir: string, hostKeys: readonly HostKey[]): void {
  const path = join(dataDir, KNOWN_HOSTS_FILE);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const lines = hostKeys.map((key) => `${HOST_KEY_ALIAS} ${key.publicKey}`);
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o644 });
}
