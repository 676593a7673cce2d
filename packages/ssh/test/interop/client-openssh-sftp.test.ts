import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

import { isTwError } from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SSHClientConnection } from '../../src/client/connection.js';
import type { SFTPClient } from '../../src/client/sftp-client.js';
import {
  opensshPresent,
  startOpenSSHFixture,
  type OpenSSHFixture,
} from '../support/openssh-fixture.js';

/** SFTP client operations against OpenSSH's sftp-server. */

describe.skipIf(!opensshPresent('client-openssh-sftp.test.ts'))(
  'SFTP client against OpenSSH',
  () => {
    let fx: OpenSSHFixture;
    let ssh: SSHClientConnection;
    let sftp: SFTPClient;
    let root: string;
    let local: string;

    beforeAll(async () => {
      fx = await startOpenSSHFixture();
      root = join(fx.sshd.dir, 'remote');
      local = join(fx.sshd.dir, 'local');
      mkdirSync(root);
      mkdirSync(local);
      ssh = await fx.connect();
      sftp = await ssh.sftp();
    });

    afterAll(async () => {
      sftp?.close();
      await ssh?.close();
      await fx?.stop();
    });

    it('puts and gets a few MiB with fastPut/fastGet, byte for byte', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 123);
      writeFileSync(join(local, 'big.bin'), data);
      await sftp.fastPut(join(local, 'big.bin'), join(root, 'big.bin'));
      expect(readFileSync(join(root, 'big.bin')).equals(data)).toBe(true);
      await sftp.fastGet(join(root, 'big.bin'), join(local, 'back.bin'));
      expect(readFileSync(join(local, 'back.bin')).equals(data)).toBe(true);
      expect((await sftp.stat(join(root, 'big.bin'))).size).toBe(data.length);
    });

    it('streams a file both ways with back-pressure', async () => {
      const data = randomBytes(2 * 1024 * 1024);
      await pipeline(Readable.from([data]), sftp.createWriteStream(join(root, 'streamed.bin')));
      expect(readFileSync(join(root, 'streamed.bin')).equals(data)).toBe(true);
      const chunks: Buffer[] = [];
      for await (const chunk of sftp.createReadStream(join(root, 'streamed.bin'))) {
        chunks.push(chunk as Buffer);
      }
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
    });

    it('writes and reads small files, with a size limit on readFile', async () => {
      await sftp.writeFile(join(root, 'note.txt'), 'hello sftp\n');
      expect(Buffer.from(await sftp.readFile(join(root, 'note.txt'))).toString()).toBe(
        'hello sftp\n',
      );
      const failure = await sftp.readFile(join(root, 'note.txt'), 4).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isTwError(failure, 'TW_SSH_SFTP_FAILED')).toBe(true);
    });

    it('lists, renames, removes, makes and removes directories', async () => {
      await sftp.mkdir(join(root, 'dir'));
      await sftp.writeFile(join(root, 'dir', 'a.txt'), 'a');
      await sftp.writeFile(join(root, 'dir', 'b.txt'), 'bb');
      const names = (await sftp.list(join(root, 'dir'))).map((e) => e.filename).sort();
      expect(names).toEqual(['a.txt', 'b.txt']);
      const entry = (await sftp.list(join(root, 'dir'))).find((e) => e.filename === 'b.txt');
      expect(entry?.attrs.size).toBe(2);
      expect(entry?.attrs.isFile).toBe(true);
      await sftp.rename(join(root, 'dir', 'a.txt'), join(root, 'dir', 'c.txt'));
      expect((await sftp.list(join(root, 'dir'))).map((e) => e.filename).sort()).toEqual([
        'b.txt',
        'c.txt',
      ]);
      await sftp.remove(join(root, 'dir', 'b.txt'));
      await sftp.remove(join(root, 'dir', 'c.txt'));
      expect(await sftp.list(join(root, 'dir'))).toEqual([]);
      expect((await sftp.stat(join(root, 'dir'))).isDirectory).toBe(true);
      await sftp.rmdir(join(root, 'dir'));
      const gone = await sftp.stat(join(root, 'dir')).then(
        () => null,
        (error: unknown) => error,
      );
      expect((gone as { status?: number }).status).toBe(2);
    });

    it('symlinks, readlink, lstat, realpath and chmod', async () => {
      await sftp.writeFile(join(root, 'target.txt'), 'x');
      await sftp.symlink('target.txt', join(root, 'link'));
      expect(await sftp.readlink(join(root, 'link'))).toBe('target.txt');
      expect((await sftp.lstat(join(root, 'link'))).isSymbolicLink).toBe(true);
      expect((await sftp.stat(join(root, 'link'))).isFile).toBe(true);
      expect(await sftp.realpath(join(root, 'dir-does-not-matter', '..', 'target.txt'))).toBe(
        join(root, 'target.txt'),
      );
      await sftp.chmod(join(root, 'target.txt'), 0o600);
      expect(statSync(join(root, 'target.txt')).mode & 0o777).toBe(0o600);
      expect((await sftp.stat(join(root, 'target.txt'))).mode & 0o777).toBe(0o600);
    });

    it('errbacks with the SFTP status for a missing file', async () => {
      const failure = await sftp.remove(join(root, 'missing.txt')).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isTwError(failure, 'TW_SSH_SFTP_FAILED')).toBe(true);
      expect((failure as { status?: number }).status).toBe(2);
    });
  },
);
