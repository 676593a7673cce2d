import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Deferred } from '../defer/deferred.js';
import { MalformedPasswordHash } from './errors.js';

/**
 * Password hashes with scrypt (node:crypto), stored as text that carries its own parameters:
 *
 *     $scrypt$N=16384,r=8,p=1$<salt>$<hash>
 *
 * salt and hash are base64 (standard alphabet, no padding). Parameters live in the string so the
 * defaults can be raised later without invalidating stored hashes. Passwords are normalised to
 * Unicode NFC and encoded as UTF-8 before hashing, so "é" typed precomposed or decomposed is
 * the same password (as RFC 8265's OpaqueString profile asks).
 */

/** scrypt cost parameters. */
export interface ScryptParameters {
  /** CPU/memory cost, a power of two. Memory used is 128·N·r bytes. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
}

export interface HashPasswordOptions extends Partial<ScryptParameters> {
  /** Salt bytes, default 16. */
  readonly saltLength?: number;
  /** Derived key bytes, default 32. */
  readonly keyLength?: number;
}

/** The defaults: N=2^14, r=8, p=1 (16 MiB, ~50 ms) — the interactive-login figure of scrypt's paper. */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = Object.freeze({ N: 16384, r: 8, p: 1 });

const DEFAULT_SALT_LENGTH = 16;
const DEFAULT_KEY_LENGTH = 32;
/** A hash line asking for more memory than this is refused, so one edited line cannot exhaust RAM. */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const SALT_LENGTHS = { min: 8, max: 64 };
const KEY_LENGTHS = { min: 16, max: 64 };

/** A decoded `$scrypt$` string. */
export interface ParsedPasswordHash extends ScryptParameters {
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

const BASE64_NO_PAD = /^[A-Za-z0-9+/]+$/;

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64_NO_PAD.test(text))
    throw new MalformedPasswordHash(`the ${what} is not unpadded base64`);
  const bytes = Buffer.from(text, 'base64');
  if (encodeBase64(bytes) !== text)
    throw new MalformedPasswordHash(`the ${what} is not canonical base64`);
  return bytes;
}

function checkParameters({ N, r, p }: ScryptParameters): void {
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) {
    throw new MalformedPasswordHash(`N must be a power of two from 2 to ${MAX_N}, not ${N}`);
  }
  if (!Number.isInteger(r) || r < 1 || r > MAX_R)
    throw new MalformedPasswordHash(`r must be 1–${MAX_R}, not ${r}`);
  if (!Number.isInteger(p) || p < 1 || p > MAX_P)
    throw new MalformedPasswordHash(`p must be 1–${MAX_P}, not ${p}`);
  if (128 * N * r > MAX_MEMORY_BYTES) {
    throw new MalformedPasswordHash(`N·r needs more than ${MAX_MEMORY_BYTES / 2 ** 20} MiB`);
  }
}

function parseInteger(text: string | undefined, name: string): number {
  if (text === undefined || !/^[1-9][0-9]{0,9}$/.test(text)) {
    throw new MalformedPasswordHash(`the parameter ${name} is missing or not a decimal integer`);
  }
  return Number(text);
}

/** Decode and check a `$scrypt$N=…,r=…,p=…$salt$hash` string. Throws MalformedPasswordHash. */
export function parsePasswordHash(encoded: string): ParsedPasswordHash {
  const parts = encoded.split('$');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'scrypt') {
    throw new MalformedPasswordHash('expected $scrypt$N=…,r=…,p=…$salt$hash');
  }
  const params = /^N=([0-9]+),r=([0-9]+),p=([0-9]+)$/.exec(parts[2]!);
  if (params === null) throw new MalformedPasswordHash('expected the parameters as N=…,r=…,p=…');
  const N = parseInteger(params[1], 'N');
  const r = parseInteger(params[2], 'r');
  const p = parseInteger(params[3], 'p');
  checkParameters({ N, r, p });
  const salt = decodeBase64(parts[3]!, 'salt');
  const hash = decodeBase64(parts[4]!, 'hash');
  if (salt.length < SALT_LENGTHS.min || salt.length > SALT_LENGTHS.max) {
    throw new MalformedPasswordHash(
      `the salt must be ${SALT_LENGTHS.min}–${SALT_LENGTHS.max} bytes`,
    );
  }
  if (hash.length < KEY_LENGTHS.min || hash.length > KEY_LENGTHS.max) {
    throw new MalformedPasswordHash(`the hash must be ${KEY_LENGTHS.min}–${KEY_LENGTHS.max} bytes`);
  }
  return { N, r, p, salt, hash };
}

/** Write a parsed hash back as its `$scrypt$` string. */
export function formatPasswordHash(hash: ParsedPasswordHash): string {
  return `$scrypt$N=${hash.N},r=${hash.r},p=${hash.p}$${encodeBase64(hash.salt)}$${encodeBase64(hash.hash)}`;
}

function derive(
  password: string,
  salt: Uint8Array,
  keyLength: number,
  params: ScryptParameters,
): Deferred<Buffer> {
  const d = new Deferred<Buffer>();
  const maxmem = 128 * params.N * params.r + 128 * params.r * params.p + 1024 * 1024;
  scrypt(
    Buffer.from(password.normalize('NFC'), 'utf8'),
    salt,
    keyLength,
    { N: params.N, r: params.r, p: params.p, maxmem },
    (error, key) => {
      if (error !== null) d.errback(error);
      else d.callback(key);
    },
  );
  return d;
}

/**
 * Hash `password` with a fresh random salt; fires with the `$scrypt$…` string to store. Runs on
 * libuv's thread pool, so the reactor keeps serving while it works.
 */
export function hashPassword(
  password: string,
  options: HashPasswordOptions = {},
): Deferred<string> {
  const params: ScryptParameters = {
    N: options.N ?? DEFAULT_SCRYPT_PARAMETERS.N,
    r: options.r ?? DEFAULT_SCRYPT_PARAMETERS.r,
    p: options.p ?? DEFAULT_SCRYPT_PARAMETERS.p,
  };
  const saltLength = options.saltLength ?? DEFAULT_SALT_LENGTH;
  const keyLength = options.keyLength ?? DEFAULT_KEY_LENGTH;
  try {
    checkParameters(params);
    if (saltLength < SALT_LENGTHS.min || saltLength > SALT_LENGTHS.max) {
      throw new MalformedPasswordHash(`saltLength must be ${SALT_LENGTHS.min}–${SALT_LENGTHS.max}`);
    }
    if (keyLength < KEY_LENGTHS.min || keyLength > KEY_LENGTHS.max) {
      throw new MalformedPasswordHash(`keyLength must be ${KEY_LENGTHS.min}–${KEY_LENGTHS.max}`);
    }
  } catch (error) {
    return Deferred.fail(error);
  }
  const salt = randomBytes(saltLength);
  return derive(password, salt, keyLength, params).addCallback((hash) =>
    formatPasswordHash({ ...params, salt, hash }),
  );
}

/**
 * Fires with true when `password` matches `encoded` (compared in constant time), false when it
 * does not; fails with MalformedPasswordHash when `encoded` is not a valid `$scrypt$` string.
 */
export function verifyPassword(
  password: string,
  encoded: string | ParsedPasswordHash,
): Deferred<boolean> {
  let parsed: ParsedPasswordHash;
  try {
    parsed = typeof encoded === 'string' ? parsePasswordHash(encoded) : encoded;
  } catch (error) {
    return Deferred.fail(error);
  }
  return derive(password, parsed.salt, parsed.hash.length, parsed).addCallback((candidate) =>
    timingSafeEqual(candidate, parsed.hash),
  );
}

/**
 * A hash no password matches, with the default parameters: checkers verify against it when the
 * user does not exist, so an unknown user costs as much time as a wrong password.
 */
export const UNMATCHABLE_PASSWORD_HASH: ParsedPasswordHash = Object.freeze({
  ...DEFAULT_SCRYPT_PARAMETERS,
  salt: new Uint8Array(DEFAULT_SALT_LENGTH),
  hash: new Uint8Array(DEFAULT_KEY_LENGTH),
});

/** Spend the time of one verification and fire with false (for unknown users). */
export function verifyNothing(password: string): Deferred<false> {
  return verifyPassword(password, UNMATCHABLE_PASSWORD_HASH).addCallback(() => false as const);
}
