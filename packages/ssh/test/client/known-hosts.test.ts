import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isTwError } from '@tw/core';
import { describe, expect, it } from 'vitest';

import { hostKeyFromPublicKeyLine, type RemoteHostKey } from '../../src/client/host-key.js';
import {
  KnownHosts,
  hashKnownHostsName,
  hostPatternsMatch,
  knownHostsName,
} from '../../src/client/known-hosts.js';

/**
 * known_hosts parsing and matching. The hashed fixture is real `ssh-keygen -H` output for
 * known_hosts.plain (example.org, [example.org]:2222, alpha.test,192.0.2.7).
 */

const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const keyA = hostKeyFromPublicKeyLine(read('host-a.pub'))!;
const keyB = hostKeyFromPublicKeyLine(read('host-b.pub'))!;

describe('KnownHosts', () => {
  for (const file of ['known_hosts.plain', 'known_hosts.hashed']) {
    describe(file, () => {
      const knownHosts = KnownHosts.parse(read(file));

      it('parses every line', () => {
        expect(knownHosts.problems).toEqual([]);
        expect(knownHosts.entries.length).toBeGreaterThanOrEqual(3);
      });

      it('matches a host on port 22 by its bare name', () => {
        expect(knownHosts.check('example.org', 22, keyA)).toBe('match');
        expect(knownHosts.check('EXAMPLE.org', 22, keyA)).toBe('match');
      });

      it('matches [host]:port only on that port', () => {
        expect(knownHosts.check('example.org', 2222, keyB)).toBe('match');
        expect(knownHosts.check('example.org', 2223, keyB)).toBe('unknown');
        // On port 22 example.org has key A: key B there is a changed key.
        expect(knownHosts.check('example.org', 22, keyB)).toBe('changed');
      });

      it('matches every name of a comma list', () => {
        expect(knownHosts.check('alpha.test', 22, keyB)).toBe('match');
        expect(knownHosts.check('192.0.2.7', 22, keyB)).toBe('match');
        expect(knownHosts.check('192.0.2.8', 22, keyB)).toBe('unknown');
      });

      it('verify() accepts known keys and throws typed refusals', () => {
        const target = { host: 'example.org', port: 22 };
        expect(knownHosts.verify(keyA, target)).toBe(true);
        const changed = catchError(() => knownHosts.verify(keyB, target));
        expect(isTwError(changed, 'TW_SSH_HOST_KEY_CHANGED')).toBe(true);
        expect((changed as Error).message).toContain(keyB.fingerprint);
        const unknown = catchError(() => knownHosts.verify(keyA, { host: 'other.test', port: 22 }));
        expect(isTwError(unknown, 'TW_SSH_HOST_KEY_UNKNOWN')).toBe(true);
        expect((unknown as Error).message).toContain(keyA.fingerprint);
      });
    });
  }

  it('hashes names exactly as ssh-keygen -H does', () => {
    // The first hashed line is example.org: recompute it from its salt.
    const first = read('known_hosts.hashed').split('\n')[0]!.split(' ')[0]!;
    const salt = Buffer.from(first.split('|')[2]!, 'base64');
    expect(hashKnownHostsName('example.org', salt)).toBe(first);
    expect(knownHostsName('Example.org', 2222)).toBe('[example.org]:2222');
  });

  it('applies wildcards and negations', () => {
    expect(hostPatternsMatch('*.example.org', 'www.example.org')).toBe(true);
    expect(hostPatternsMatch('*.example.org', 'example.org')).toBe(false);
    expect(hostPatternsMatch('host?.test', 'host1.test')).toBe(true);
    expect(hostPatternsMatch('host?.test', 'host12.test')).toBe(false);
    expect(hostPatternsMatch('*.test,!bad.test', 'good.test')).toBe(true);
    expect(hostPatternsMatch('*.test,!bad.test', 'bad.test')).toBe(false);
    expect(hostPatternsMatch('!bad.test', 'good.test')).toBe(false);
    expect(hostPatternsMatch('[*.test]:2222', '[a.test]:2222')).toBe(true);
    expect(hostPatternsMatch('[*.test]:2222', '[a.test]:22')).toBe(false);
  });

  it('refuses a @revoked key whatever the host lines say', () => {
    const knownHosts = KnownHosts.parse(
      `example.org ${keyLine(keyA)}\n@revoked * ${keyLine(keyA)}\n`,
    );
    expect(knownHosts.check('example.org', 22, keyA)).toBe('revoked');
    const error = catchError(() => knownHosts.verify(keyA, { host: 'example.org', port: 22 }));
    expect(isTwError(error, 'TW_SSH_HOST_KEY_REVOKED')).toBe(true);
  });

  it('ignores @cert-authority lines with a note', () => {
    const knownHosts = KnownHosts.parse(`@cert-authority *.example.org ${keyLine(keyA)}\n`);
    expect(knownHosts.check('www.example.org', 22, keyA)).toBe('unknown');
    expect(knownHosts.notes[0]).toMatch(/cert-authority ignored/);
  });

  it('reports malformed lines and skips comments and blanks', () => {
    const knownHosts = KnownHosts.parse(
      [
        '# a comment',
        '',
        'only-a-host',
        'host ssh-ed25519 not*base64',
        `host ssh-rsa ${Buffer.from(keyA.blob).toString('base64')}`,
        '@weird host ssh-ed25519 AAAA',
        `good.test ${keyLine(keyA)} a comment here`,
      ].join('\n'),
    );
    expect(knownHosts.problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(knownHosts.entries).toHaveLength(1);
    expect(knownHosts.entries[0]!.comment).toBe('a comment here');
  });

  it('adds plain and hashed entries that match afterwards and keeps the text', () => {
    const original = '# mine\nexample.org ' + keyLine(keyA) + '\n';
    const knownHosts = KnownHosts.parse(original);
    knownHosts.add('new.test', 2200, keyB, { hashed: true });
    knownHosts.add('plain.test', 22, keyB.blob, { comment: 'added' });
    expect(knownHosts.check('new.test', 2200, keyB)).toBe('match');
    expect(knownHosts.check('plain.test', 22, keyB)).toBe('match');
    const text = knownHosts.toString();
    expect(text.startsWith(original)).toBe(true);
    expect(text).not.toContain('new.test');
    expect(text).toContain(`plain.test ${keyLine(keyB)} added`);
    // Reparsing the saved text gives the same answers.
    const reparsed = KnownHosts.parse(text);
    expect(reparsed.check('new.test', 2200, keyB)).toBe('match');
    expect(reparsed.check('new.test', 22, keyB)).toBe('unknown');
  });

  it('treats a missing file as empty', () => {
    expect(KnownHosts.load(join(fixtures, 'does-not-exist')).entries).toEqual([]);
  });
});

function keyLine(key: RemoteHostKey): string {
  return `${key.algorithm} ${Buffer.from(key.blob).toString('base64')}`;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
}
