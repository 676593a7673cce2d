import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pathSegments } from '../../src/server/request-target.js';
import { isWithin, resolveUnderRoot, unsafeSegmentReason } from '../../src/static/safe-path.js';

describe('unsafeSegmentReason', () => {
  it.each(['.', '..', 'a/b', '/etc', '..\\..', 'a\\b', 'x\0y', '\0'])('refuses %j', (name) => {
    expect(unsafeSegmentReason(name, 'linux')).not.toBeNull();
  });
  it.each(['a', '...', '.hidden', '..a', 'a..', '%2e%2e', 'é', 'a b', 'a:b'])(
    'accepts %j on POSIX',
    (name) => {
      expect(unsafeSegmentReason(name, 'linux')).toBeNull();
    },
  );
  it.each(['C:x', 'a:stream', '.. ', '. ', 'CON', 'nul.txt', 'com1'])(
    'refuses %j on Windows',
    (name) => {
      expect(unsafeSegmentReason(name, 'win32')).not.toBeNull();
    },
  );
  it('sees every encoding of .. once the segment is decoded as Site decodes it', () => {
    const decoded = (raw: string) => pathSegments(`/${raw}`)[0]!;
    for (const raw of ['..', '%2e%2e', '%2E%2E', '.%2e', '%2e.']) {
      expect(unsafeSegmentReason(decoded(raw), 'linux')).toBe('dot segment');
    }
    expect(unsafeSegmentReason(decoded('..%2F..%2Fetc'), 'linux')).not.toBeNull();
    expect(unsafeSegmentReason(decoded('%5C..'), 'linux')).not.toBeNull();
    expect(unsafeSegmentReason(decoded('a%00b'), 'linux')).toBe('NUL byte');
    // Double encoding decodes once, to a harmless literal name.
    expect(decoded('%252e%252e')).toBe('%2e%2e');
    expect(unsafeSegmentReason('%2e%2e', 'linux')).toBeNull();
  });
});

describe('isWithin', () => {
  it('compares whole path components', () => {
    expect(isWithin(`${sep}srv${sep}www`, `${sep}srv${sep}www`)).toBe(true);
    expect(isWithin(`${sep}srv${sep}www`, `${sep}srv${sep}www${sep}a`)).toBe(true);
    expect(isWithin(`${sep}srv${sep}www`, `${sep}srv${sep}www-evil${sep}a`)).toBe(false);
    expect(isWithin(`${sep}srv${sep}www`, `${sep}srv`)).toBe(false);
    expect(isWithin(sep, `${sep}etc`)).toBe(true);
  });
});

describe('resolveUnderRoot', () => {
  let base: string;
  let root: string;
  beforeAll(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'tw-static-safe-')));
    root = join(base, 'root');
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFile(join(root, 'a.txt'), 'a');
    await writeFile(join(root, 'sub', 'b.txt'), 'b');
    await writeFile(join(base, 'secret.txt'), 'secret');
    await mkdir(join(base, 'root-evil'));
    await writeFile(join(base, 'root-evil', 'x.txt'), 'x');
    await symlink('/etc', join(root, 'etc-link'));
    await symlink(join(base, 'secret.txt'), join(root, 'secret-link'));
    await symlink(join(root, 'sub', 'b.txt'), join(root, 'inner-link'));
    await symlink('sub', join(root, 'sub-link'));
    await symlink('../root-evil', join(root, 'sibling-link'));
    await symlink('loop', join(root, 'loop'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds files and directories under the root', async () => {
    const found = await resolveUnderRoot(root, ['sub', 'b.txt']);
    expect(found).toMatchObject({ kind: 'found', path: join(root, 'sub', 'b.txt') });
    expect((await resolveUnderRoot(root, [])).kind).toBe('found');
    expect((await resolveUnderRoot(root, ['', 'sub', '', 'b.txt'])).kind).toBe('found');
  });

  it('answers not-found for missing names, files used as directories and symlink loops', async () => {
    expect(await resolveUnderRoot(root, ['nope'])).toEqual({ kind: 'not-found' });
    expect(await resolveUnderRoot(root, ['a.txt', 'x'])).toEqual({ kind: 'not-found' });
    expect(await resolveUnderRoot(root, ['loop'])).toEqual({ kind: 'not-found' });
  });

  it.each([
    [['..', 'secret.txt']],
    [['sub', '..', '..', 'secret.txt']],
    [['../secret.txt']],
    [pathSegments('/..%2Fsecret.txt')],
    [pathSegments('/%2e%2e/secret.txt')],
    [pathSegments('/sub/%2E%2E/%2e%2e/secret.txt')],
    [['/etc/passwd']],
    [['etc\0', 'passwd']],
    [['.']],
  ])('refuses the escape attempt %j', async (segments) => {
    expect((await resolveUnderRoot(root, segments)).kind).toBe('forbidden');
  });

  it('refuses symlinks that lead out of the root, including to /etc and to a sibling with a common prefix', async () => {
    expect(await resolveUnderRoot(root, ['etc-link', 'passwd'])).toEqual({
      kind: 'forbidden',
      reason: 'symlink out of the root',
    });
    expect((await resolveUnderRoot(root, ['etc-link'])).kind).toBe('forbidden');
    expect((await resolveUnderRoot(root, ['secret-link'])).kind).toBe('forbidden');
    expect((await resolveUnderRoot(root, ['sibling-link', 'x.txt'])).kind).toBe('forbidden');
  });

  it('follows symlinks that stay inside the root', async () => {
    expect(await resolveUnderRoot(root, ['inner-link'])).toMatchObject({
      kind: 'found',
      path: join(root, 'sub', 'b.txt'),
    });
    expect(await resolveUnderRoot(root, ['sub-link', 'b.txt'])).toMatchObject({
      kind: 'found',
      path: join(root, 'sub', 'b.txt'),
    });
  });

  it('follows symlinks out of the root only when told to', async () => {
    expect(
      await resolveUnderRoot(root, ['secret-link'], { followSymlinksOutsideRoot: true }),
    ).toMatchObject({ kind: 'found', path: join(base, 'secret.txt') });
    // Dot segments stay refused even then.
    expect(
      (await resolveUnderRoot(root, ['..', 'secret.txt'], { followSymlinksOutsideRoot: true }))
        .kind,
    ).toBe('forbidden');
  });
});
