/**
 * Interop: OpenSSH's `sftp` (batch mode, public-key auth) against our SSH server's SFTP subsystem
 * on a per-user LocalFilesystem: ls, put, get, rename, chmod, ln -s / ls -l, rm, mkdir, rmdir, a
 * 32 MiB file verified byte for byte, and escape attempts that must fail. In CI a missing
 * OpenSSH client fails; elsewhere it skips loudly.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { requirePeer } from '@tw/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSFTPHomes, type SFTPHomes } from '../support/interop-setup.js';
import { HAVE_OPENSSH_CLIENTS, sftpBatch } from '../sftp/openssh-runner.js';

const PRESENT = requirePeer(
  HAVE_OPENSSH_CLIENTS,
  "OpenSSH's sftp and ssh-keygen",
  'the Debian package openssh-client',
  'test/interop/sftp-openssh.test.ts',
);

describe.skipIf(!PRESENT)('OpenSSH sftp against our SFTP subsystem', () => {
  let fx: SFTPHomes;

  beforeAll(async () => {
    fx = await startSFTPHomes();
    writeFileSync(join(fx.outside, 'secret'), 'outside the root');
  });
  afterAll(() => fx?.stop());

  const batch = (commands: readonly string[]) =>
    sftpBatch(fx.server.port, fx.keyPath, fx.dir, commands);

  it('mkdir, put, ls -l, rename, chmod, get, rm, rmdir', async () => {
    writeFileSync(join(fx.local, 'hello.txt'), 'hello from openssh\n');
    const result = await batch([
      'mkdir docs',
      `put ${join(fx.local, 'hello.txt')} docs/hello.txt`,
      'rename docs/hello.txt docs/renamed.txt',
      'chmod 600 docs/renamed.txt',
      'ls -l docs',
      `get docs/renamed.txt ${join(fx.local, 'back.txt')}`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^-rw------- +1 +\d+ +\d+ +19 \w{3} [ \d]\d [\d: ]{5} renamed\.txt$/m,
    );
    expect(readFileSync(join(fx.local, 'back.txt'), 'utf8')).toBe('hello from openssh\n');
    expect(statSync(join(fx.home, 'docs', 'renamed.txt')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(fx.home, 'docs', 'hello.txt'))).toBe(false);

    const cleanup = await batch(['rm docs/renamed.txt', 'rmdir docs', 'ls']);
    expect(cleanup.code).toBe(0);
    expect(existsSync(join(fx.home, 'docs'))).toBe(false);
  });

  it('ln -s makes a link inside the root that ls -l shows and get follows', async () => {
    writeFileSync(join(fx.home, 'target.txt'), 'through a link');
    const result = await batch([
      'ln -s target.txt link.txt',
      'ls -l',
      `get link.txt ${join(fx.local, 'via-link.txt')}`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^lrwxrwxrwx .* link\.txt$/m);
    expect(readlinkSync(join(fx.home, 'link.txt'))).toBe('target.txt');
    expect(readFileSync(join(fx.local, 'via-link.txt'), 'utf8')).toBe('through a link');
    const rm = await batch(['rm link.txt', 'rm target.txt']);
    expect(rm.code).toBe(0);
  });

  it('moves a 32 MiB file both ways intact', async () => {
    const data = randomBytes(32 * 1024 * 1024);
    writeFileSync(join(fx.local, 'big.bin'), data);
    const result = await batch([
      `put ${join(fx.local, 'big.bin')} big.bin`,
      `get big.bin ${join(fx.local, 'big-back.bin')}`,
      'rm big.bin',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(fx.local, 'big-back.bin')).equals(data)).toBe(true);
  });

  it('cannot leave the root: cd .., get ../x, a symlink pointing out, put ../x', async () => {
    symlinkSync(fx.outside, join(fx.home, 'out'));
    writeFileSync(join(fx.local, 'planted'), 'planted');
    const result = await batch([
      '-cd ..',
      '-cd ../..',
      'pwd',
      '-get ../outside/secret ' + join(fx.local, 'escaped-1'),
      '-get ../../outside/secret ' + join(fx.local, 'escaped-2'),
      '-get out/secret ' + join(fx.local, 'escaped-3'),
      '-ls out',
      '-cd out',
      `-put ${join(fx.local, 'planted')} ../../outside/planted`,
      `-put ${join(fx.local, 'planted')} out/planted`,
      '-ln -s ../../outside evil',
    ]);
    expect(result.stdout).toContain('Remote working directory: /');
    expect(existsSync(join(fx.local, 'escaped-1'))).toBe(false);
    expect(existsSync(join(fx.local, 'escaped-2'))).toBe(false);
    expect(existsSync(join(fx.local, 'escaped-3'))).toBe(false);
    expect(readdirSync(fx.outside)).toEqual(['secret']);
    expect(existsSync(join(fx.home, 'evil'))).toBe(false);
    expect(result.stderr).toMatch(/Permission denied/);
  });
});
