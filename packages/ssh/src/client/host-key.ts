import { sshKeyFingerprint } from '@tw/core';

/** A server host key as the client sees it during the handshake. */
export interface RemoteHostKey {
  /** The key type from the key blob (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, …). */
  readonly algorithm: string;
  /** The SSH wire encoding of the public key (what known_hosts stores in base64). */
  readonly blob: Uint8Array;
  /** `SHA256:…`, as `ssh-keygen -l` and OpenSSH's prompts print it. */
  readonly fingerprint: string;
}

/** The key type is the first SSH string of the blob. Returns '' when the blob is malformed. */
export function keyTypeOfBlob(blob: Uint8Array): string {
  if (blob.length < 4) return '';
  const length = ((blob[0]! << 24) | (blob[1]! << 16) | (blob[2]! << 8) | blob[3]!) >>> 0;
  if (length === 0 || length > 64 || 4 + length > blob.length) return '';
  return new TextDecoder('latin1').decode(blob.subarray(4, 4 + length));
}

/** Describe a key blob as a RemoteHostKey. */
export function hostKeyFromBlob(blob: Uint8Array): RemoteHostKey {
  return { algorithm: keyTypeOfBlob(blob), blob, fingerprint: sshKeyFingerprint(blob) };
}

/**
 * Parse an OpenSSH public key line (`ssh-ed25519 AAAA… comment`) into a RemoteHostKey.
 * Returns undefined when the line is not one.
 */
export function hostKeyFromPublicKeyLine(line: string): RemoteHostKey | undefined {
  const [type, data] = line.trim().split(/\s+/);
  if (type === undefined || data === undefined || !/^[A-Za-z0-9+/]+=*$/.test(data)) {
    return undefined;
  }
  const blob = new Uint8Array(Buffer.from(data, 'base64'));
  return keyTypeOfBlob(blob) === type ? hostKeyFromBlob(blob) : undefined;
}

/** Byte equality of two key blobs. */
export function sameKeyBlob(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
