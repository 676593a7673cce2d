import { execFileSync } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test fixtures written independently of src/cred/ssh-key-wire.ts, so a bug there cannot hide
 * behind the same bug here: OpenSSH public key lines built straight from the RFC 4253 layout.
 */

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const str = (bytes: Buffer | string): Buffer => {
  const body = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return Buffer.concat([u32(body.length), body]);
};
const mpint = (unsigned: Buffer): Buffer =>
  str(unsigned[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), unsigned]) : unsigned);

export type FixtureKind = 'ed25519' | 'rsa' | 'ecdsa-p256';

export interface KeyFixture {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly blob: Buffer;
  readonly type: string;
  /** `type base64 comment`, as ssh-keygen writes a .pub file. */
  readonly line: string;
}

/**
 * A fresh key pair as KeyObjects that were parsed from PEM, never the objects
 * generateKeyPairSync returns: exporting those (as JWK) can deadlock Node 20 when a GC destroys
 * the finished generation job during the export (both take the key's mutex).
 */
export function freshKeyPair(
  kind: 'ed25519' | 'rsa' | 'ec',
  options: { modulusLength?: number; namedCurve?: string } = {},
): { publicKey: KeyObject; privateKey: KeyObject } {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const pem =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding })
      : kind === 'rsa'
        ? generateKeyPairSync('rsa', {
            modulusLength: options.modulusLength ?? 2048,
            publicKeyEncoding,
            privateKeyEncoding,
          })
        : generateKeyPairSync('ec', {
            namedCurve: options.namedCurve ?? 'P-256',
            publicKeyEncoding,
            privateKeyEncoding,
          });
  return {
    publicKey: createPublicKey(pem.publicKey),
    privateKey: createPrivateKey(pem.privateKey),
  };
}

export function makeKey(kind: FixtureKind, comment = 'test@example'): KeyFixture {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  let blob: Buffer;
  let type: string;
  if (kind === 'ed25519') {
    pair = freshKeyPair('ed25519');
    const jwk = pair.publicKey.export({ format: 'jwk' });
    type = 'ssh-ed25519';
    blob = Buffer.concat([str(type), str(Buffer.from(jwk.x!, 'base64url'))]);
  } else if (kind === 'rsa') {
    pair = freshKeyPair('rsa', { modulusLength: 2048 });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    type = 'ssh-rsa';
    blob = Buffer.concat([
      str(type),
      mpint(Buffer.from(jwk.e!, 'base64url')),
      mpint(Buffer.from(jwk.n!, 'base64url')),
    ]);
  } else {
    pair = freshKeyPair('ec', { namedCurve: 'P-256' });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    type = 'ecdsa-sha2-nistp256';
    const point = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x!, 'base64url'),
      Buffer.from(jwk.y!, 'base64url'),
    ]);
    blob = Buffer.concat([str(type), str('nistp256'), str(point)]);
  }
  return { ...pair, blob, type, line: `${type} ${blob.toString('base64')} ${comment}` };
}

/** What the SSH layer would have signed: session id + the userauth request (any bytes do here). */
export const someSigData = (): Buffer => randomBytes(96);

/** Wrap a bare signature in the SSH wire form: string algorithm, string signature. */
export const wireSignature = (algorithm: string, signature: Buffer): Buffer =>
  Buffer.concat([str(algorithm), str(signature)]);

/** ssh-keygen's conversion of a public key to an OpenSSH line, or null when ssh-keygen is missing. */
export function sshKeygenLine(publicKey: KeyObject): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'tw-sshkeygen-'));
  try {
    const pem = join(dir, 'key.pem');
    writeFileSync(pem, publicKey.export({ type: 'spki', format: 'pem' }));
    return execFileSync('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', pem], {
      encoding: 'utf8',
      timeout: 10_000,
    }).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
