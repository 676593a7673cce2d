import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { InvalidSSHKey } from './errors.js';

/**
 * SSH public keys and signatures in their wire format (RFC 4253 §6.6, RFC 8332, RFC 8709,
 * RFC 5656), converted to and from node:crypto KeyObjects. Certificates (`*-cert-v01@openssh.com`)
 * and security-key types (`sk-*`) are not supported.
 */

/** The public key types we accept. */
export type SSHKeyType =
  'ssh-ed25519' | 'ssh-rsa' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521';

/** A decoded SSH public key. */
export interface SSHPublicKey {
  readonly type: SSHKeyType;
  /** The canonical wire encoding; two keys are the same key when their blobs are equal. */
  readonly blob: Uint8Array;
  readonly key: KeyObject;
}

const CURVES = {
  'ecdsa-sha2-nistp256': { name: 'nistp256', jwk: 'P-256', size: 32, hash: 'sha256' },
  'ecdsa-sha2-nistp384': { name: 'nistp384', jwk: 'P-384', size: 48, hash: 'sha384' },
  'ecdsa-sha2-nistp521': { name: 'nistp521', jwk: 'P-521', size: 66, hash: 'sha512' },
} as const;

type CurveType = keyof typeof CURVES;

const MIN_RSA_BITS = 1024;
const MAX_RSA_BITS = 16384;

/** Reads SSH wire primitives; every read checks bounds and throws InvalidSSHKey past the end. */
class WireReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset === this.bytes.length;
  }

  string(): Uint8Array {
    if (this.offset + 4 > this.bytes.length) throw new InvalidSSHKey('the key data is truncated');
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, 4);
    const length = view.getUint32(0);
    const start = this.offset + 4;
    if (start + length > this.bytes.length) throw new InvalidSSHKey('the key data is truncated');
    this.offset = start + length;
    return this.bytes.subarray(start, start + length);
  }

  text(): string {
    return Buffer.from(this.string()).toString('latin1');
  }

  /** An unsigned mpint, without the sign byte. */
  unsignedMpint(): Uint8Array {
    const value = this.string();
    if (value.length > 0 && (value[0]! & 0x80) !== 0) throw new InvalidSSHKey('a negative integer');
    let start = 0;
    while (start < value.length && value[start] === 0) start++;
    return value.subarray(start);
  }
}

function wireString(bytes: Uint8Array | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function wireMpint(unsigned: Uint8Array): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  const needsZero = trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0;
  return wireString(needsZero ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

function isKeyType(name: string): name is SSHKeyType {
  return name === 'ssh-ed25519' || name === 'ssh-rsa' || name in CURVES;
}

/** Decode an SSH wire public key blob. Throws InvalidSSHKey naming what is wrong. */
export function parseSSHPublicKey(blob: Uint8Array): SSHPublicKey {
  const reader = new WireReader(blob);
  const type = reader.text();
  if (!isKeyType(type)) throw new InvalidSSHKey(`unsupported key type '${type.slice(0, 64)}'`);
  let key: KeyObject;
  try {
    key = keyObjectFor(type, reader);
  } catch (error) {
    if (error instanceof InvalidSSHKey) throw error;
    throw new InvalidSSHKey(`node:crypto rejected the ${type} key (${(error as Error).message})`);
  }
  if (!reader.done) throw new InvalidSSHKey('trailing bytes after the key');
  return { type, blob: Uint8Array.from(blob), key };
}

function keyObjectFor(type: SSHKeyType, reader: WireReader): KeyObject {
  if (type === 'ssh-ed25519') {
    const x = reader.string();
    if (x.length !== 32) throw new InvalidSSHKey('an ed25519 key must be 32 bytes');
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(x) }, format: 'jwk' });
  }
  if (type === 'ssh-rsa') {
    const e = reader.unsignedMpint();
    const n = reader.unsignedMpint();
    const bits = n.length * 8 - Math.clz32(n[0] ?? 0) + 24;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
      throw new InvalidSSHKey(
        `RSA keys must have ${MIN_RSA_BITS}–${MAX_RSA_BITS} bits, this one has ${bits}`,
      );
    }
    return createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
  }
  const curve = CURVES[type];
  if (reader.text() !== curve.name)
    throw new InvalidSSHKey(`the curve name does not match ${type}`);
  const point = reader.string();
  if (point.length !== 1 + 2 * curve.size || point[0] !== 0x04) {
    throw new InvalidSSHKey('only uncompressed ECDSA points are supported');
  }
  const x = point.subarray(1, 1 + curve.size);
  const y = point.subarray(1 + curve.size);
  return createPublicKey({
    key: { kty: 'EC', crv: curve.jwk, x: b64url(x), y: b64url(y) },
    format: 'jwk',
  });
}

/** Encode a node:crypto public (or private) key as an SSH wire blob. */
export function encodeSSHPublicKey(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' });
  const from = (value: string | undefined): Buffer => Buffer.from(value ?? '', 'base64url');
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return Buffer.concat([wireString('ssh-ed25519'), wireString(from(jwk.x))]);
  }
  if (jwk.kty === 'RSA') {
    return Buffer.concat([wireString('ssh-rsa'), wireMpint(from(jwk.e)), wireMpint(from(jwk.n))]);
  }
  if (jwk.kty === 'EC') {
    const entry = Object.entries(CURVES).find(([, curve]) => curve.jwk === jwk.crv);
    if (entry !== undefined) {
      const [type, curve] = entry;
      const point = Buffer.concat([Buffer.from([4]), from(jwk.x), from(jwk.y)]);
      return Buffer.concat([wireString(type), wireString(curve.name), wireString(point)]);
    }
  }
  throw new InvalidSSHKey(
    `cannot encode a ${publicKey.asymmetricKeyType ?? 'unknown'} key for SSH`,
  );
}

/** An OpenSSH public key line, `type base64 [comment]`, as in authorized_keys and *.pub files. */
export function formatOpenSSHPublicKey(key: KeyObject, comment?: string): string {
  const blob = encodeSSHPublicKey(key);
  const type = new WireReader(blob).text();
  const line = `${type} ${Buffer.from(blob).toString('base64')}`;
  return comment === undefined || comment === '' ? line : `${line} ${comment}`;
}

/** The key's fingerprint as OpenSSH prints it: `SHA256:` + unpadded base64 of SHA-256(blob). */
export function sshKeyFingerprint(blob: Uint8Array): string {
  const digest = createHash('sha256').update(blob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** Signature algorithms per key type, with the hash each uses (null: the algorithm has its own). */
const SIGNATURE_HASHES: Readonly<Record<string, { keyType: SSHKeyType; hash: string | null }>> = {
  'ssh-ed25519': { keyType: 'ssh-ed25519', hash: null },
  'rsa-sha2-256': { keyType: 'ssh-rsa', hash: 'sha256' },
  'rsa-sha2-512': { keyType: 'ssh-rsa', hash: 'sha512' },
  'ssh-rsa': { keyType: 'ssh-rsa', hash: 'sha1' },
  'ecdsa-sha2-nistp256': { keyType: 'ecdsa-sha2-nistp256', hash: 'sha256' },
  'ecdsa-sha2-nistp384': { keyType: 'ecdsa-sha2-nistp384', hash: 'sha384' },
  'ecdsa-sha2-nistp521': { keyType: 'ecdsa-sha2-nistp521', hash: 'sha512' },
};

/** True when `algorithm` may be used to sign with (or name) a key of type `keyType`. */
export function signatureAlgorithmMatchesKey(algorithm: string, keyType: SSHKeyType): boolean {
  return SIGNATURE_HASHES[algorithm]?.keyType === keyType;
}

export interface VerifySSHSignatureOptions {
  /** Accept 'ssh-rsa' signatures (RSA with SHA-1). Off, as in OpenSSH since 8.8. */
  readonly allowSHA1RSA?: boolean;
}

/**
 * Split the SSH wire signature (string algorithm, string signature) when `signature` is in that
 * form; otherwise it is the bare signature ssh2 hands over.
 */
function unwrapSignature(signature: Uint8Array): { algorithm: string | null; bytes: Uint8Array } {
  try {
    const reader = new WireReader(signature);
    const algorithm = reader.text();
    const bytes = reader.string();
    if (reader.done && algorithm in SIGNATURE_HASHES) return { algorithm, bytes };
  } catch {
    // Not the wire form.
  }
  return { algorithm: null, bytes: signature };
}

/** ECDSA: the SSH form is mpint r, mpint s; ssh2 gives DER. Node takes either as below. */
function ecdsaSignature(
  bytes: Uint8Array,
  size: number,
): { bytes: Uint8Array; dsaEncoding: 'der' | 'ieee-p1363' } {
  if (bytes[0] === 0x30) return { bytes, dsaEncoding: 'der' };
  const reader = new WireReader(bytes);
  const r = reader.unsignedMpint();
  const s = reader.unsignedMpint();
  if (!reader.done || r.length > size || s.length > size)
    throw new InvalidSSHKey('a malformed ECDSA signature');
  const out = Buffer.alloc(2 * size);
  out.set(r, size - r.length);
  out.set(s, 2 * size - s.length);
  return { bytes: out, dsaEncoding: 'ieee-p1363' };
}

/**
 * Verify an SSH signature over `data` with `publicKey`. `algorithm` is the one the userauth
 * request named ('rsa-sha2-256', …); a wire-form signature must name the same one. Returns
 * false (never throws) for any signature that does not verify or does not parse.
 */
export function verifySSHSignature(
  publicKey: SSHPublicKey,
  algorithm: string,
  data: Uint8Array,
  signature: Uint8Array,
  options: VerifySSHSignatureOptions = {},
): boolean {
  const unwrapped = unwrapSignature(signature);
  if (unwrapped.algorithm !== null && unwrapped.algorithm !== algorithm) return false;
  const scheme = SIGNATURE_HASHES[algorithm];
  if (scheme === undefined || scheme.keyType !== publicKey.type) return false;
  const allowSHA1 = options.allowSHA1RSA === true;
  // A bare RSA signature under the key type's name does not say its hash (ssh2 may report
  // 'ssh-rsa' for an rsa-sha2-256 request). PKCS#1 v1.5 signs the hash's OID along with the
  // digest, so trying the SHA-2 hashes cannot make a signature verify under another one.
  const rsaHashes =
    algorithm !== 'ssh-rsa'
      ? [scheme.hash]
      : unwrapped.algorithm === null
        ? ['sha256', 'sha512', ...(allowSHA1 ? ['sha1'] : [])]
        : allowSHA1
          ? ['sha1']
          : [];
  if (rsaHashes.length === 0) return false;
  try {
    if (publicKey.type === 'ssh-ed25519') {
      return verify(null, data, publicKey.key, unwrapped.bytes);
    }
    if (publicKey.type === 'ssh-rsa') {
      // Some clients drop leading zero bytes; OpenSSL wants the signature as long as the modulus.
      const size = Math.ceil((publicKey.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
      let bytes = unwrapped.bytes;
      if (bytes.length < size) {
        const padded = Buffer.alloc(size);
        padded.set(bytes, size - bytes.length);
        bytes = padded;
      }
      return rsaHashes.some((hash) => verify(hash, data, publicKey.key, bytes));
    }
    const curve = CURVES[publicKey.type as CurveType];
    const { bytes, dsaEncoding } = ecdsaSignature(unwrapped.bytes, curve.size);
    return verify(scheme.hash, data, { key: publicKey.key, dsaEncoding }, bytes);
  } catch {
    return false;
  }
}

/**
 * Sign `data` as an SSH client does and return the wire-form signature (string algorithm,
 * string signature). For tests, and for code playing the client side of "publickey" auth.
 */
export function signSSHData(
  privateKey: KeyObject,
  algorithm: string,
  data: Uint8Array,
): Uint8Array {
  const scheme = SIGNATURE_HASHES[algorithm];
  if (scheme === undefined)
    throw new InvalidSSHKey(`unsupported signature algorithm '${algorithm}'`);
  const curve = scheme.keyType in CURVES ? CURVES[scheme.keyType as CurveType] : null;
  let bytes: Uint8Array;
  if (curve !== null) {
    const raw = sign(scheme.hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    bytes = Buffer.concat([
      wireMpint(raw.subarray(0, curve.size)),
      wireMpint(raw.subarray(curve.size)),
    ]);
  } else {
    bytes = sign(scheme.hash, data, privateKey);
  }
  return Buffer.concat([wireString(algorithm), wireString(bytes)]);
}
