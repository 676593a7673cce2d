import { createPublicKey, sign, verify, createPrivateKey } from 'node:crypto';

import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';

import { generateEd25519OpenSSHKey } from '../../src/server/openssh-key-format.js';

describe('generateEd25519OpenSSHKey', () => {
  it('writes keys ssh2 reads back with the same public key, whatever their first byte', () => {
    // ssh2's own generator breaks keys whose public key starts with a zero byte (1 in 256):
    // enough keys that such a key is all but certain to be among them.
    let leadingZero = 0;
    for (let i = 0; i < 2000; i++) {
      const pair = generateEd25519OpenSSHKey(i % 2 === 0 ? '' : `key ${i}`);
      const parsed = ssh2.utils.parseKey(pair.privateKey);
      if (parsed instanceof Error) throw parsed;
      const key = Array.isArray(parsed) ? parsed[0]! : parsed;
      expect(key.type).toBe('ssh-ed25519');
      const blob = key.getPublicSSH();
      expect(`ssh-ed25519 ${blob.toString('base64')}`).toBe(
        pair.publicKey.split(' ').slice(0, 2).join(' '),
      );
      if (blob[4 + 11 + 4] === 0) leadingZero += 1;
    }
    expect(leadingZero).toBeGreaterThan(0);
  });

  it('holds a working private key for its public key', () => {
    const pair = generateEd25519OpenSSHKey('signer');
    const parsed = ssh2.utils.parseKey(pair.privateKey);
    if (parsed instanceof Error) throw parsed;
    const key = Array.isArray(parsed) ? parsed[0]! : parsed;
    const message = Buffer.from('sign me');
    const signature = key.sign(message);
    expect(key.verify(message, signature)).toBe(true);
    expect(pair.publicKey.endsWith(' signer')).toBe(true);
    // The same key through node:crypto: the PEM ssh2 derives verifies node's signature.
    const pem = key.getPrivatePEM();
    const nodeSignature = sign(null, message, createPrivateKey(pem));
    expect(verify(null, message, createPublicKey(createPrivateKey(pem)), nodeSignature)).toBe(true);
  });
});
