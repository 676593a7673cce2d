/**
 * `tw ssh --exec system` (sh -c as the server's user, like sshd) driven by OpenSSH: exec with
 * stdin, stdout, stderr and exit status; a pty session's `tty`; `scp -O` (the legacy scp
 * protocol, which runs `scp -t`/`scp -f` over exec) both ways; `rsync -e ssh` of a directory.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { requirePeer } from '@tw/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { opensshClientPresent } from '../support/interop-setup.js';
import {
  hasProgram,
  runProgram,
  startTwSSH,
  type RunningSSHServer,
} from '../server/openssh-harness.js';

const present = opensshClientPresent('openssh-system-shell.test.ts');
const scpPresent = requirePeer(
  hasProgram('scp'),
  'OpenSSH scp',
  'apt-get install openssh-client',
  'test/interop/openssh-system-shell.test.ts',
);
const rsyncPresent = requirePeer(
  hasProgram('rsync'),
  'rsync',
  'apt-get install rsync',
  'test/interop/openssh-system-shell.test.ts',
);

describe.skipIf(!present)('OpenSSH against tw ssh --exec system', () => {
  let server: RunningSSHServer;
  let work: string;
  beforeAll(async () => {
    server = await startTwSSH({ exec: 'system' });
    work = mkdtempSync(join(tmpdir(), 'tw-ssh-files-'));
  });
  afterAll(async () => {
    await server?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  const target = 'demo@127.0.0.1';

  it('runs sh -c with stdin, stdout, stderr and the exit status', async () => {
    const result = await runProgram(
      'ssh',
      [...server.sshOptions, target, 'tr a-z A-Z; echo oops >&2; exit 7'],
      {
        input: 'shout\n',
      },
    );
    expect(result).toMatchObject({ code: 7, stdout: 'SHOUT\n', stderr: 'oops\n' });
  });

  it('streams megabytes both ways through the SSH window', async () => {
    const down = await runProgram('sh', [
      '-c',
      `ssh ${server.sshOptions.map(quote).join(' ')} ${target} 'head -c 20000000 /dev/zero' | wc -c`,
    ]);
    expect(down).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\s*20000000\n$/) });
    const up = await runProgram('ssh', [...server.sshOptions, target, 'wc -c'], {
      input: 'x'.repeat(6_000_000),
    });
    expect(up).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\s*6000000\n$/) });
  });

  it('reports death by a signal (exit-signal)', async () => {
    const result = await runProgram('ssh', [
      '-v',
      ...server.sshOptions,
      target,
      'echo before; kill -TERM $$',
    ]);
    // OpenSSH exits 255 when the remote command died of a signal; -v shows the request.
    expect(result.code).toBe(255);
    expect(result.stdout).toBe('before\n');
    expect(result.stderr).toContain('rtype exit-signal');
  });

  it('gives a pty session a terminal (ssh -tt … tty)', async () => {
    const result = await runProgram('ssh', [...server.sshOptions, '-tt', target, 'tty; exit 5']);
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/^\/dev\/pts\/\d+\r\n$/);
  });

  it.skipIf(!scpPresent)('copies a file up and back down with scp -O', async () => {
    const local = join(work, 'up.bin');
    const content = Buffer.alloc(300_000, 0).map((_, index) => (index * 7) & 0xff);
    writeFileSync(local, content);
    const remote = join(work, 'remote.bin');
    const port = ['-P', String(server.port)];
    const withoutPort = server.keyOptions;
    const up = await runProgram('scp', [
      '-O',
      ...port,
      ...withoutPort,
      local,
      `${target}:${remote}`,
    ]);
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(remote).equals(content)).toBe(true);

    const back = join(work, 'back.bin');
    const down = await runProgram('scp', [
      '-O',
      ...port,
      ...withoutPort,
      `${target}:${remote}`,
      back,
    ]);
    expect(down.code).toBe(0);
    expect(readFileSync(back).equals(content)).toBe(true);
  });

  it.skipIf(!rsyncPresent)('copies a directory with rsync -e ssh', async () => {
    const source = join(work, 'tree');
    mkdirSync(join(source, 'nested'), { recursive: true });
    writeFileSync(join(source, 'a.txt'), 'alpha\n');
    writeFileSync(join(source, 'nested', 'b.txt'), 'beta\n'.repeat(10_000));
    const destination = join(work, 'copy');
    const shell = ['ssh', ...server.sshOptions].map(quote).join(' ');
    const result = await runProgram('rsync', [
      '-a',
      '-e',
      shell,
      `${source}/`,
      `${target}:${destination}/`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(destination, 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(join(destination, 'nested', 'b.txt'), 'utf8')).toBe(
      'beta\n'.repeat(10_000),
    );
  });
});

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
