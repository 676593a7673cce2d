import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { homeDirectoryFilesystem, InvalidUsernameError } from '../src/index.js';

const base = mkdtempSync(join(tmpdir(), 'tw-vfs-home-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('homeDirectoryFilesystem', () => {
  const forUser = homeDirectoryFilesystem(base);

  it('creates <base>/<username> with mode 0700 and roots the filesystem there', async () => {
    const fs = await forUser('alice');
    expect(lstatSync(join(base, 'alice')).mode & 0o777).toBe(0o700);
    await fs.mkdir('/docs');
    expect(lstatSync(join(base, 'alice', 'docs')).isDirectory()).toBe(true);
    expect(await fs.realpath('/../..')).toBe('/');
  });

  it.each(['', '.', '..', 'a/b', '../x', 'a\0b', 'a\\b', 'x'.repeat(256)])(
    'refuses the username %j',
    async (name) => {
      await expect(forUser(name)).rejects.toBeInstanceOf(InvalidUsernameError);
    },
  );

  it('refuses a home that is a symlink', async () => {
    mkdirSync(join(base, 'elsewhere'));
    symlinkSync(join(base, 'elsewhere'), join(base, 'mallory'));
    await expect(forUser('mallory')).rejects.toBeInstanceOf(InvalidUsernameError);
  });
});
