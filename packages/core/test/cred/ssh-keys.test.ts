import fc from 'fast-check';
import { sign } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthorizedKeysChecker,
  InMemorySSHKeyDB,
  InvalidSSHKey,
  SSHPrivateKey,
  SSHPublicKeyChecker,
  UnauthorizedLogin,
  ValidPublicKey,
  encodeSSHPublicKey,
  formatOpenSSHPublicKey,
  parseAuthorizedKeys,
  parseSSHPublicKey,
  signSSHData,
  sshKeyFingerprint,
  verifySSHSignature,
} from '../../src/index.js';
import {
  makeKey,
  someSigData,
  sshKeygenLine,
  wireSignature,
  type KeyFixture,
} from './ssh-fixtures.js';

let ed: KeyFixture;
let rsa: KeyFixture;
let ec: KeyFixture;
let other: KeyFixture;

beforeAll(() => {
  ed = makeKey('ed25519', 'alice@laptop');
  rsa = makeKey('rsa', 'alice@desktop');
  ec = makeKey('ecdsa-p256');
  other = makeKey('ed25519');
});

describe('SSH public key wire format', () => {
  it('decodes keys and encodes them back to the same blob', () => {
    for (const fixture of [ed, rsa, ec]) {
      const key = parseSSHPublicKey(fixture.blob);
      expect(key.type).toBe(fixture.type);
      expect(Buffer.from(encodeSSHPublicKey(fixture.publicKey)).equals(fixture.blob)).toBe(true);
      expect(Buffer.from(encodeSSHPublicKey(fixture.privateKey)).equals(fixture.blob)).toBe(true);
      expect(formatOpenSSHPublicKey(fixture.publicKey, 'c')).toBe(
        `${fixture.type} ${fixture.blob.toString('base64')} c`,
      );
    }
  });

  it('matches ssh-keygen’s own conversion where ssh-keygen is installed', () => {
    for (const fixture of [rsa, ec]) {
      const line = sshKeygenLine(fixture.publicKey);
      if (line === null) {
        if (process.env['CI'] === 'true')
          throw new Error('ssh-keygen is missing in CI (install openssh-client)');
        console.warn('ssh-keygen not installed: skipping the cross-check against OpenSSH');
        return;
      }
      expect(line.split(' ').slice(0, 2).join(' ')).toBe(
        `${fixture.type} ${fixture.blob.toString('base64')}`,
      );
    }
  });

  it('gives the OpenSSH SHA256 fingerprint', () => {
    expect(sshKeyFingerprint(ed.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('refuses truncated, trailing, and unsupported keys with InvalidSSHKey', () => {
    expect(() => parseSSHPublicKey(ed.blob.subarray(0, ed.blob.length - 1))).toThrow(InvalidSSHKey);
    expect(() => parseSSHPublicKey(Buffer.concat([ed.blob, Buffer.from([0])]))).toThrow(
      InvalidSSHKey,
    );
    const dss = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('ssh-dss')]);
    expect(() => parseSSHPublicKey(dss)).toThrow(/unsupported key type 'ssh-dss'/);
  });

  it('never throws anything but InvalidSSHKey on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseSSHPublicKey(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidSSHKey);
        }
      }),
    );
  });
});

describe('SSH signatures', () => {
  const cases: Array<[string, () => KeyFixture, string | null]> = [
    ['ssh-ed25519', () => ed, null],
    ['rsa-sha2-256', () => rsa, 'sha256'],
    ['rsa-sha2-512', () => rsa, 'sha512'],
    ['ecdsa-sha2-nistp256', () => ec, 'sha256'],
  ];

  it.each(cases)(
    'verifies %s in the SSH wire form and in ssh2’s bare form',
    (algorithm, fixture, hash) => {
      const key = parseSSHPublicKey(fixture().blob);
      const data = someSigData();
      const wire = signSSHData(fixture().privateKey, algorithm, data);
      expect(verifySSHSignature(key, algorithm, data, wire)).toBe(true);
      // ssh2 strips the wrapper and hands ECDSA signatures over in DER.
      const bare = sign(hash, data, fixture().privateKey);
      expect(verifySSHSignature(key, algorithm, data, bare)).toBe(true);
      expect(
        verifySSHSignature(key, algorithm, Buffer.concat([data, Buffer.from([1])]), wire),
      ).toBe(false);
    },
  );

  it('checks a signature made by plain node:crypto, independently of signSSHData', () => {
    const data = someSigData();
    const key = parseSSHPublicKey(rsa.blob);
    const wire = wireSignature('rsa-sha2-256', sign('sha256', data, rsa.privateKey));
    expect(verifySSHSignature(key, 'rsa-sha2-256', data, wire)).toBe(true);
  });

  it('refuses a signature whose algorithm differs from the request’s, or by another key', () => {
    const data = someSigData();
    const key = parseSSHPublicKey(rsa.blob);
    const sig512 = signSSHData(rsa.privateKey, 'rsa-sha2-512', data);
    expect(verifySSHSignature(key, 'rsa-sha2-256', data, sig512)).toBe(false);
    const byOther = signSSHData(other.privateKey, 'ssh-ed25519', data);
    expect(verifySSHSignature(parseSSHPublicKey(ed.blob), 'ssh-ed25519', data, byOther)).toBe(
      false,
    );
    expect(verifySSHSignature(key, 'ssh-ed25519', data, byOther)).toBe(false);
  });

  it('accepts a bare SHA-2 RSA signature reported under the key type name (ssh2 style), never SHA-1', () => {
    const data = someSigData();
    const key = parseSSHPublicKey(rsa.blob);
    expect(verifySSHSignature(key, 'ssh-rsa', data, sign('sha256', data, rsa.privateKey))).toBe(
      true,
    );
    expect(verifySSHSignature(key, 'ssh-rsa', data, sign('sha512', data, rsa.privateKey))).toBe(
      true,
    );
    expect(verifySSHSignature(key, 'ssh-rsa', data, sign('sha1', data, rsa.privateKey))).toBe(
      false,
    );
    expect(
      verifySSHSignature(key, 'ssh-rsa', data, sign('sha1', data, rsa.privateKey), {
        allowSHA1RSA: true,
      }),
    ).toBe(true);
  });

  it('refuses RSA with SHA-1 (ssh-rsa) unless allowed', () => {
    const data = someSigData();
    const key = parseSSHPublicKey(rsa.blob);
    const sig = signSSHData(rsa.privateKey, 'ssh-rsa', data);
    expect(verifySSHSignature(key, 'ssh-rsa', data, sig)).toBe(false);
    expect(verifySSHSignature(key, 'ssh-rsa', data, sig, { allowSHA1RSA: true })).toBe(true);
  });
});

describe('parseAuthorizedKeys', () => {
  it('reads keys with comments, skipping blank lines and # comments', () => {
    const text = `# my keys\n\n${ed.line}\n  ${rsa.line}\r\n${ec.type} ${ec.blob.toString('base64')}\n`;
    const { keys, problems } = parseAuthorizedKeys(text);
    expect(problems).toEqual([]);
    expect(keys.map((k) => [k.line, k.type, k.comment])).toEqual([
      [3, 'ssh-ed25519', 'alice@laptop'],
      [4, 'ssh-rsa', 'alice@desktop'],
      [5, 'ecdsa-sha2-nistp256', ''],
    ]);
  });

  it('skips keys with options it cannot enforce, unless the caller enforces them', () => {
    const text = [
      `command="echo hi, there",no-pty ${ed.line}`,
      `from="10.0.0.0/8" ${rsa.line}`,
      `pty,agent-forwarding ${ec.line}`,
    ].join('\n');
    const strict = parseAuthorizedKeys(text, { source: '/home/alice/.ssh/authorized_keys' });
    expect(strict.keys.map((k) => k.line)).toEqual([3]);
    expect(strict.problems.map((p) => p.message)).toEqual([
      '/home/alice/.ssh/authorized_keys:1: key ignored because this server does not enforce its option(s) command, no-pty',
      '/home/alice/.ssh/authorized_keys:2: key ignored because this server does not enforce its option(s) from',
    ]);
    const enforcing = parseAuthorizedKeys(text, { enforcedOptions: ['command', 'no-pty', 'from'] });
    expect(enforcing.keys.map((k) => k.line)).toEqual([1, 2, 3]);
    expect(enforcing.keys[0]!.options).toEqual([
      { name: 'command', value: 'echo hi, there' },
      { name: 'no-pty' },
    ]);
  });

  it('reports malformed lines by number and keeps going', () => {
    const text = [
      'ssh-ed25519 !!!notbase64',
      `ssh-rsa ${ed.blob.toString('base64')}`,
      'ssh-dss AAAAB3NzaC1kc3M= old',
      'command="unterminated ' + ed.line,
      ed.line,
    ].join('\n');
    const { keys, problems } = parseAuthorizedKeys(text);
    expect(keys.map((k) => k.line)).toEqual([5]);
    expect(problems.map((p) => p.line)).toEqual([1, 2, 3, 4]);
    expect(problems[1]!.message).toContain(
      'the line says ssh-rsa but the key inside is ssh-ed25519',
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { keys, problems } = parseAuthorizedKeys(text);
        expect(keys.length + problems.length).toBeLessThanOrEqual(text.split('\n').length);
      }),
    );
  });
});

const signedRequest = (fixture: KeyFixture, algorithm: string, username = 'alice') => {
  const sigData = someSigData();
  return new SSHPrivateKey(
    username,
    algorithm,
    fixture.blob,
    sigData,
    signSSHData(fixture.privateKey, algorithm, sigData),
  );
};

describe('SSHPublicKeyChecker', () => {
  const checker = () =>
    new SSHPublicKeyChecker(new InMemorySSHKeyDB({ alice: [ed.line, rsa.blob] }));

  it('logs in with a valid signature by an authorized key (ed25519, rsa-sha2-256)', async () => {
    expect(await checker().requestAvatarId(signedRequest(ed, 'ssh-ed25519'))).toBe('alice');
    expect(await checker().requestAvatarId(signedRequest(rsa, 'rsa-sha2-256'))).toBe('alice');
  });

  it('answers a query (no signature) for an authorized key with ValidPublicKey', async () => {
    await expect(
      checker().requestAvatarId(new SSHPrivateKey('alice', 'ssh-ed25519', ed.blob)),
    ).rejects.toBeInstanceOf(ValidPublicKey);
  });

  it('refuses keys that are not authorized for the user, even when well signed', async () => {
    const refused = [
      signedRequest(other, 'ssh-ed25519'),
      signedRequest(ed, 'ssh-ed25519', 'bob'),
      new SSHPrivateKey('alice', 'ssh-ed25519', other.blob),
    ];
    for (const credentials of refused) {
      const error = await checker()
        .requestAvatarId(credentials)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(UnauthorizedLogin);
      expect(error).not.toBeInstanceOf(ValidPublicKey);
    }
  });

  it('refuses a bad signature, a missing sigData, and an algorithm that does not fit the key', async () => {
    const good = signedRequest(ed, 'ssh-ed25519');
    const forged = new SSHPrivateKey(
      'alice',
      'ssh-ed25519',
      ed.blob,
      someSigData(),
      good.signature,
    );
    const noData = new SSHPrivateKey('alice', 'ssh-ed25519', ed.blob, undefined, good.signature);
    const wrongAlgorithm = new SSHPrivateKey(
      'alice',
      'rsa-sha2-256',
      ed.blob,
      good.sigData,
      good.signature,
    );
    const garbageBlob = new SSHPrivateKey(
      'alice',
      'ssh-ed25519',
      Buffer.from('nonsense'),
      good.sigData,
      good.signature,
    );
    for (const credentials of [forged, noData, wrongAlgorithm, garbageBlob]) {
      await expect(checker().requestAvatarId(credentials)).rejects.toBeInstanceOf(
        UnauthorizedLogin,
      );
    }
  });
});

describe('AuthorizedKeysChecker', () => {
  let home: string;
  const pathFor = (user: string): string => join(home, user, '.ssh', 'authorized_keys');

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'tw-authkeys-'));
    await mkdir(join(home, 'alice', '.ssh'), { recursive: true });
    await writeFile(pathFor('alice'), `# alice\n${ed.line}\nrestrict ${rsa.line}\n`);
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('accepts keys from the user’s file and reports the lines it skipped', async () => {
    const problems: string[] = [];
    const checker = new AuthorizedKeysChecker(pathFor, {
      onProblem: (p) => problems.push(p.message),
    });
    expect(await checker.requestAvatarId(signedRequest(ed, 'ssh-ed25519'))).toBe('alice');
    await expect(
      checker.requestAvatarId(signedRequest(rsa, 'rsa-sha2-256')),
    ).rejects.toBeInstanceOf(UnauthorizedLogin);
    expect(problems.some((m) => m.includes(':3: key ignored') && m.includes('restrict'))).toBe(
      true,
    );
  });

  it('treats a user without a file as having no keys', async () => {
    const checker = new AuthorizedKeysChecker(pathFor);
    await expect(
      checker.requestAvatarId(signedRequest(ed, 'ssh-ed25519', 'bob')),
    ).rejects.toBeInstanceOf(UnauthorizedLogin);
  });

  it('never lets a user name steer pathFor outside its directory', async () => {
    const asked: string[] = [];
    const checker = new AuthorizedKeysChecker((user) => {
      asked.push(user);
      return pathFor(user);
    });
    for (const username of ['../alice', 'x/../../alice', '..', '.', '', 'a\u0000b']) {
      await expect(
        checker.requestAvatarId(signedRequest(ed, 'ssh-ed25519', username)),
      ).rejects.toBeInstanceOf(UnauthorizedLogin);
    }
    expect(asked).toEqual([]);
  });
});
