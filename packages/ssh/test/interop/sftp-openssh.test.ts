/**
 * Interop: OpenSSH's `sftp` (batch mode, public-key auth) against our SSH server's SFTP subsystem
 * on a per-user LocalFilesystem: ls, put, get, rename, chmod, ln -s / ls -l, rm, mkdir, rmdir, a
 * 32 MiB file verified byte for byte, and escape attempts that must fail. In CI a missing
 * OpenSSH client fails; elsewhere it skips loudly.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { requirePeer } from '@tw/core/testing';
import { homeDirectoryFilesystem } from '@tw/vfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSFTPServer, type SFTPTestServer } from '../sftp/sftp-server-fixture.js';
import { HAVE_OPENSSH_CLIENTS, makeClientKey, sftpBatch } from '../sftp/openssh-runner.js';

const PRESENT = requirePeer(
  HAVE_OPENSSH_CLIENTS,
  "OpenSSH's sftp and ssh-keygen",
  'the Debian package openssh-client',
  'test/interop/sftp-openssh.test.ts',
);

describe.skipIf(!PRESENT)('OpenSSH sftp against our SFTP subsystem', () => {
  let server: SFTPTestServer;
  let dir: string;
  let keyPath: string;
  let home: string;
  let local: string;
  let outside: string;

  beforeAll(async () => {
    const client = makeClientKey();
    dir = client.dir;
    keyPath = client.key.privateKeyPath;
    const base = join(dir, 'homes');
    home = join(base, 'demo');
    local = join(dir, 'local');
    outside = join(dir, 'outside');
    mkdirSync(base);
    mkdirSync(local);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'outside the root');
    const forUser = homeDirectoryFilesystem(base);
    server = await startSFTPServer({ filesystemFor: ({ username }) => forUser(username) }, [
      client.key.publicKey,
    ]);
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const batch = (commands: readonly string[]) => sftpBatch(server.port, keyPath, dir, commands);

  it('mkdir, put, ls -l, rename, chmod, get, rm, rmdir', async () => {
    writeFileSync(join(local, 'hello.txt'), 'hello from openssh\n');
    const result = await batch([
      'mkdir docs',
      `put ${join(local, 'hello.txt')} docs/hello.txt`,
      'rename docs/hello.txt docs/renamed.txt',
      'chmod 600 docs/renamed.txt',
      'ls -l docs',
      `get docs/renamed.txt ${join(local, 'back.txt')}`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^-rw------- +1 +\d+ +\d+ +19 \w{3} [ \d]\d [\d: ]{5} renamed\.txt$/m,
    );
    expect(readFileSync(join(local, 'back.txt'), 'utf8')).toBe('hello from openssh\n');
    expect(statSync(join(home, 'docs', 'renamed.txt')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(home, 'docs', 'hello.txt'))).toBe(false);

    const cleanup = await batch(['rm docs/renamed.txt', 'rmdir docs', 'ls']);
    expect(cleanup.code).toBe(0);
    expect(existsSync(join(home, 'docs'))).toBe(false);
  });

  it('ln -s makes a link inside the root that ls -l shows and get follows', async () => {
    writeFileSync(join(home, 'target.txt'), 'through a link');
    const result = await batch([
      'ln -s target.txt link.txt',
      'ls -l',
      `get link.txt ${join(local, 'via-link.txt')}`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^lrwxrwxrwx .* link\.txt$/m);
    expect(readlinkSync(join(home, 'link.txt'))).toBe('target.txt');
    expect(readFileSync(join(local, 'via-link.txt'), 'utf8')).toBe('through a link');
    const rm = await batch(['rm link.txt', 'rm target.txt']);
    expect(rm.code).toBe(0);
  });

  it('moves a 32 MiB file both ways intact', async () => {
    const data = randomBytes(32 * 1024 * 1024);
    writeFileSync(join(local, 'big.bin'), data);
    const result = await batch([
      `put ${join(local, 'big.bin')} big.bin`,
      `get big.bin ${join(local, 'big-back.bin')}`,
      'rm big.bin',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(local, 'big-back.bin')).equals(data)).toBe(true);
  });

  it('cannot leave the root: cd .., get ../x, a symlink pointing out, put ../x', async () => {
    symlinkSync(outside, join(home, 'out'));
    writeFileSync(join(local, 'planted'), 'planted');
    const result = await batch([
      '-cd ..',
      '-cd ../..',
      'pwd',
      '-get ../outside/secret ' + join(local, 'escaped-1'),
      '-get ../../outside/secret ' + join(local, 'escaped-2'),
      '-get out/secret ' + join(local, 'escaped-3'),
      '-ls out',
      '-cd out',
      `-put ${join(local, 'planted')} ../../outside/planted`,
      `-put ${join(local, 'planted')} out/planted`,
      '-ln -s ../../outside evil',
    ]);
    expect(result.stdout).toContain('Remote working directory: /');
    expect(existsSync(join(local, 'escaped-1'))).toBe(false);
    expect(existsSync(join(local, 'escaped-2'))).toBe(false);
    expect(existsSync(join(local, 'escaped-3'))).toBe(false);
    expect(readdirSync(outside)).toEqual(['secret']);
    expect(existsSync(join(home, 'evil'))).toBe(false);
    expect(result.stderr).toMatch(/Permission denied/);
  });
});
