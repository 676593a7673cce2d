/**
 * Ed25519 keys in OpenSSH's own private key format ("openssh-key-v1", PROTOCOL.key), written
 * here rather than by ssh2's `utils.generateKeyPairSync`: ssh2 (1.17) strips leading zero bytes
 * from the public key it reads out of the DER encoding, so one key in 256 comes out with a
 * 31-byte public key that OpenSSH refuses ("error in libcrypto") — found by the interop tests.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

/** A key pair as text: the private key file and the `ssh-ed25519 AAAA… comment` public line. */
export interface OpenSSHKeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

function sshString(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
}

/** PKCS#8 DER of an Ed25519 private key, up to the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SubjectPublicKeyInfo DER of an Ed25519 public key, up to the 32-byte key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Generate an ed25519 key pair in OpenSSH format (unencrypted).
 *
 * The seed comes from randomBytes and node:crypto only derives the public key. Not
 * `generateKeyPairSync('ed25519')` + `export({ format: 'jwk' })`: on Node 20 that can deadlock
 * (seen in CI) — the export holds the key's mutex while it allocates, a GC then destroys the
 * finished key-generation job, whose destructor takes the same mutex.
 */
export function generateEd25519OpenSSHKey(comment = ''): OpenSSHKeyPair {
  const seed = randomBytes(32);
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  if (spki.length !== 44 || !spki.subarray(0, 12).equals(ED25519_SPKI_PREFIX))
    throw new Error('node:crypto returned a malformed ed25519 public key');
  const pub = spki.subarray(12);

  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4).readUInt32BE();
  let secret = Buffer.concat([
    uint32(check),
    uint32(check),
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  // Pad to the cipher block size ("none": 8) with 1, 2, 3, …
  const padding = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);

  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')}${comment === '' ? '' : ` ${comment}`}`,
  };
}
