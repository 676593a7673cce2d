/**
 * Interop: OpenSSH's `scp` (9.x speaks SFTP by default; `-s` asks for it explicitly) against our
 * SFTP subsystem: a put, a get, a recursive put of a directory tree, and a copy aimed outside the
 * root that must fail. In CI a missing scp fails; elsewhere it skips loudly.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { requirePeer } from '@tw/core/testing';
import { homeDirectoryFilesystem } from '@tw/vfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSFTPServer, type SFTPTestServer } from '../sftp/sftp-server-fixture.js';
import { HAVE_OPENSSH_CLIENTS, commonOptions, makeClientKey, run } from '../sftp/openssh-runner.js';

const PRESENT = requirePeer(
  HAVE_OPENSSH_CLIENTS && spawnSync('scp', [], { stdio: 'ignore' }).error === undefined,
  "OpenSSH's scp and ssh-keygen",
  'the Debian package openssh-client',
  'test/interop/scp-sftp-openssh.test.ts',
);

describe.skipIf(!PRESENT)('OpenSSH scp (SFTP mode) against our SFTP subsystem', () => {
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
    const forUser = homeDirectoryFilesystem(base);
    server = await startSFTPServer({ filesystemFor: ({ username }) => forUser(username) }, [
      client.key.publicKey,
    ]);
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const scp = (...args: string[]) =>
    run('scp', ['-s', ...commonOptions(keyPath), '-P', String(server.port), ...args]);
  const remote = (path: string): string => `demo@127.0.0.1:${path}`;

  it('copies a file up and back down', async () => {
    const data = randomBytes(1024 * 1024 + 17);
    writeFileSync(join(local, 'up.bin'), data);
    const up = await scp(join(local, 'up.bin'), remote('up.bin'));
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const uploaded = readFileSync(join(home, 'up.bin'));
    expect(uploaded.length).toBe(data.length);
    expect(uploaded.findIndex((b, i) => b !== data[i])).toBe(-1);
    const down = await scp(remote('/up.bin'), join(local, 'down.bin'));
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const downloaded = readFileSync(join(local, 'down.bin'));
    expect(downloaded.length).toBe(data.length);
    expect(downloaded.findIndex((b, i) => b !== data[i])).toBe(-1);
  });

  it('copies a directory tree with -r', async () => {
    mkdirSync(join(local, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(local, 'tree', 'a.txt'), 'a');
    writeFileSync(join(local, 'tree', 'sub', 'b.txt'), 'b');
    const result = await scp('-r', join(local, 'tree'), remote('tree'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(home, 'tree', 'sub', 'b.txt'), 'utf8')).toBe('b');
    const back = await scp('-r', remote('tree'), join(local, 'tree-back'));
    expect(back.code).toBe(0);
    expect(readFileSync(join(local, 'tree-back', 'a.txt'), 'utf8')).toBe('a');
  });

  it('cannot copy out of or into anything above the root', async () => {
    writeFileSync(join(outside, 'secret'), 'secret');
    writeFileSync(join(local, 'plant'), 'plant');
    const get = await scp(remote('../outside/secret'), join(local, 'stolen'));
    expect(get.code).not.toBe(0);
    expect(existsSync(join(local, 'stolen'))).toBe(false);
    const put = await scp(join(local, 'plant'), remote('../../outside/plant'));
    expect(put.code).not.toBe(0);
    expect(readdirSync(outside)).toEqual(['secret']);
  });
});
