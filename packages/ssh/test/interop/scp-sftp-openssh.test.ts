/**
 * Interop: OpenSSH's `scp` (9.x speaks SFTP by default; `-s` asks for it explicitly) against our
 * SFTP subsystem: a put, a get, a recursive put of a directory tree, and a copy aimed outside the
 * root that must fail. In CI a missing scp fails; elsewhere it skips loudly.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { requirePeer } from '@tw/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSFTPHomes, type SFTPHomes } from '../support/interop-setup.js';
import { HAVE_OPENSSH_CLIENTS, commonOptions, run } from '../sftp/openssh-runner.js';

const PRESENT = requirePeer(
  HAVE_OPENSSH_CLIENTS && spawnSync('scp', [], { stdio: 'ignore' }).error === undefined,
  "OpenSSH's scp and ssh-keygen",
  'the Debian package openssh-client',
  'test/interop/scp-sftp-openssh.test.ts',
);

describe.skipIf(!PRESENT)('OpenSSH scp (SFTP mode) against our SFTP subsystem', () => {
  let fx: SFTPHomes;

  beforeAll(async () => {
    fx = await startSFTPHomes();
  });
  afterAll(() => fx?.stop());

  const scp = (...args: string[]) =>
    run('scp', ['-s', ...commonOptions(fx.keyPath), '-P', String(fx.server.port), ...args]);
  const remote = (path: string): string => `demo@127.0.0.1:${path}`;

  it('copies a file up and back down', async () => {
    const data = randomBytes(1024 * 1024 + 17);
    writeFileSync(join(fx.local, 'up.bin'), data);
    const up = await scp(join(fx.local, 'up.bin'), remote('up.bin'));
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const uploaded = readFileSync(join(fx.home, 'up.bin'));
    expect(uploaded.length).toBe(data.length);
    expect(uploaded.findIndex((b, i) => b !== data[i])).toBe(-1);
    const down = await scp(remote('/up.bin'), join(fx.local, 'down.bin'));
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const downloaded = readFileSync(join(fx.local, 'down.bin'));
    expect(downloaded.length).toBe(data.length);
    expect(downloaded.findIndex((b, i) => b !== data[i])).toBe(-1);
  });

  it('copies a directory tree with -r', async () => {
    mkdirSync(join(fx.local, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(fx.local, 'tree', 'a.txt'), 'a');
    writeFileSync(join(fx.local, 'tree', 'sub', 'b.txt'), 'b');
    const result = await scp('-r', join(fx.local, 'tree'), remote('tree'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(fx.home, 'tree', 'sub', 'b.txt'), 'utf8')).toBe('b');
    const back = await scp('-r', remote('tree'), join(fx.local, 'tree-back'));
    expect(back.code).toBe(0);
    expect(readFileSync(join(fx.local, 'tree-back', 'a.txt'), 'utf8')).toBe('a');
  });

  it('cannot copy out of or into anything above the root', async () => {
    writeFileSync(join(fx.outside, 'secret'), 'secret');
    writeFileSync(join(fx.local, 'plant'), 'plant');
    const get = await scp(remote('../outside/secret'), join(fx.local, 'stolen'));
    expect(get.code).not.toBe(0);
    expect(existsSync(join(fx.local, 'stolen'))).toBe(false);
    const put = await scp(join(fx.local, 'plant'), remote('../../outside/plant'));
    expect(put.code).not.toBe(0);
    expect(readdirSync(fx.outside)).toEqual(['secret']);
  });
});
