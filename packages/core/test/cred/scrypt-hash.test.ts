import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT_PARAMETERS,
  MalformedPasswordHash,
  formatPasswordHash,
  hashPassword,
  parsePasswordHash,
  verifyPassword,
} from '../../src/index.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('hashPassword / verifyPassword', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const encoded = await hashPassword('correct horse', FAST);
    expect(await verifyPassword('correct horse', encoded)).toBe(true);
    expect(await verifyPassword('correct horsE', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('writes the parameters into the hash, with the defaults when none are given', async () => {
    const encoded = await hashPassword('pw');
    const { N, r, p } = DEFAULT_SCRYPT_PARAMETERS;
    expect(encoded).toMatch(
      new RegExp(`^\\$scrypt\\$N=${N},r=${r},p=${p}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`),
    );
    expect(await hashPassword('pw', { N: 2048, r: 4, p: 2 })).toMatch(
      /^\$scrypt\$N=2048,r=4,p=2\$/,
    );
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', FAST), hashPassword('same', FAST)]);
    expect(a).not.toBe(b);
  });

  it('computes standard scrypt, so other tools can check the stored hashes', async () => {
    const parsed = parsePasswordHash(await hashPassword('interop', FAST));
    const expected = scryptSync(Buffer.from('interop'), parsed.salt, parsed.hash.length, FAST);
    expect(Buffer.from(parsed.hash).equals(expected)).toBe(true);
  });

  it('treats composed and decomposed accents as the same password (NFC)', async () => {
    const encoded = await hashPassword('caf\u00e9', FAST);
    expect(await verifyPassword('cafe\u0301', encoded)).toBe(true);
  });

  it('round-trips through parse and format', async () => {
    const encoded = await hashPassword('x', FAST);
    expect(formatPasswordHash(parsePasswordHash(encoded))).toBe(encoded);
  });

  it.each([
    ['plain text', 'hunter2'],
    ['another scheme', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g'],
    [
      'N not a power of two',
      '$scrypt$N=1000,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'N far too large',
      '$scrypt$N=1073741824,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'memory over the cap',
      '$scrypt$N=1048576,r=32,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'missing p',
      '$scrypt$N=1024,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'leading zero',
      '$scrypt$N=01024,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    ['salt too short', '$scrypt$N=1024,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    [
      'bad base64',
      '$scrypt$N=1024,r=8,p=1$AAAA*AAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'padded base64',
      '$scrypt$N=1024,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'extra field',
      '$scrypt$N=1024,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$x',
    ],
  ])('refuses a malformed hash (%s) with MalformedPasswordHash', async (_what, encoded) => {
    expect(() => parsePasswordHash(encoded)).toThrow(MalformedPasswordHash);
    await expect(verifyPassword('hunter2', encoded)).rejects.toBeInstanceOf(MalformedPasswordHash);
  });

  it('refuses to hash with parameters it would refuse to verify', async () => {
    await expect(hashPassword('x', { N: 3 })).rejects.toBeInstanceOf(MalformedPasswordHash);
    await expect(hashPassword('x', { ...FAST, saltLength: 4 })).rejects.toBeInstanceOf(
      MalformedPasswordHash,
    );
  });
});
