import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileFingerDirectory, writeSampleFingerUsers } from '../src/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tw-finger-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('FileFingerDirectory', () => {
  it('reads a user from <root>/<login>/ (.plan, .project, info.json)', async () => {
    mkdirSync(join(root, 'alice'));
    writeFileSync(join(root, 'alice', '.plan'), 'Plans.\n');
    writeFileSync(join(root, 'alice', '.project'), 'Project X\n');
    writeFileSync(
      join(root, 'alice', 'info.json'),
      JSON.stringify({ name: 'Alice A.', office: 'B-12', extra: 1 }),
    );
    expect(await new FileFingerDirectory(root).lookup('alice')).toEqual({
      login: 'alice',
      name: 'Alice A.',
      office: 'B-12',
      plan: 'Plans.\n',
      project: 'Project X\n',
    });
  });

  it('has a user with only a directory, and ignores a broken info.json', async () => {
    mkdirSync(join(root, 'bob'));
    writeFileSync(join(root, 'bob', 'info.json'), '{ not json');
    expect(await new FileFingerDirectory(root).lookup('bob')).toEqual({ login: 'bob' });
  });

  it('finds no user for a missing directory, a plain file, or a name that is a path', async () => {
    writeFileSync(join(root, 'file'), 'x');
    mkdirSync(join(root, 'inner'));
    const directory = new FileFingerDirectory(join(root, 'inner'));
    expect(await directory.lookup('ghost')).toBeNull();
    expect(await new FileFingerDirectory(root).lookup('file')).toBeNull();
    expect(await directory.lookup('..')).toBeNull();
    expect(await directory.lookup('../inner')).toBeNull();
  });

  it('lists users sorted by login, skipping entries that are not users', async () => {
    for (const name of ['zed', 'amy']) mkdirSync(join(root, name));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'notes.txt'), 'x');
    const users = await new FileFingerDirectory(root).list();
    expect(users.map((user) => user.login)).toEqual(['amy', 'zed']);
    expect(await new FileFingerDirectory(join(root, 'missing')).list()).toEqual([]);
  });
});

describe('writeSampleFingerUsers', () => {
  it('writes a demo user and never overwrites what is there', async () => {
    await writeSampleFingerUsers(root);
    const plan = join(root, 'demo', '.plan');
    expect(readFileSync(plan, 'utf8')).toContain('finger');
    writeFileSync(plan, 'my own plan\n');
    await writeSampleFingerUsers(root);
    expect(readFileSync(plan, 'utf8')).toBe('my own plan\n');
    expect((await new FileFingerDirectory(root).lookup('demo'))?.name).toBe('Demo User');
  });
});
