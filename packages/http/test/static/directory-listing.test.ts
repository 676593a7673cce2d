import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  entryHref,
  readDirectoryEntries,
  renderDirectoryListing,
} from '../../src/static/directory-listing.js';

describe('renderDirectoryListing', () => {
  it('escapes names in text and links, and lists directories first', () => {
    const html = renderDirectoryListing({
      urlPath: '/<x>/',
      truncated: false,
      entries: [
        { name: '<script>alert(1)</script>', isDirectory: false, size: 3, mtime: 0 },
        { name: 'a"b & c', isDirectory: false, size: 1, mtime: null },
        { name: 'sub', isDirectory: true, size: null, mtime: null },
        { name: 'javascript:alert(1)', isDirectory: false, size: 0, mtime: null },
        { name: '100%?#.txt', isDirectory: false, size: 0, mtime: null },
      ],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<x>');
    expect(html).toContain('Directory listing for /&lt;x&gt;/');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('href="./%3Cscript%3Ealert(1)%3C%2Fscript%3E"');
    expect(html).toContain('a&quot;b &amp; c');
    expect(html).toContain('href="./javascript%3Aalert(1)"');
    expect(html).toContain('href="./100%25%3F%23.txt"');
    expect(html.indexOf('sub/')).toBeLessThan(html.indexOf('a&quot;b'));
    expect(html).toContain('href="../"');
  });
  it('says when it is truncated and has no parent link at /', () => {
    const html = renderDirectoryListing({ urlPath: '/', truncated: true, entries: [] });
    expect(html).toContain('truncated');
    expect(html).not.toContain('href="../"');
  });
  it('links directories with a trailing slash', () => {
    expect(entryHref({ name: 'd', isDirectory: true, size: null, mtime: null })).toBe('./d/');
  });
});

describe('readDirectoryEntries', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tw-static-list-'));
    await writeFile(join(dir, 'a.txt'), 'abc');
    await mkdir(join(dir, 'sub'));
    await symlink(join(dir, 'sub'), join(dir, 'link-to-sub'));
    await symlink(join(dir, 'missing'), join(dir, 'dangling'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it('reads names, kinds and sizes', async () => {
    const { entries, truncated } = await readDirectoryEntries(dir, 100);
    expect(truncated).toBe(false);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('a.txt')).toMatchObject({ isDirectory: false, size: 3 });
    expect(byName.get('sub')).toMatchObject({ isDirectory: true, size: null });
    expect(byName.get('link-to-sub')).toMatchObject({ isDirectory: true });
    expect(byName.get('dangling')).toMatchObject({ size: null, mtime: null });
  });
  it('stops at the limit', async () => {
    const { entries, truncated } = await readDirectoryEntries(dir, 2);
    expect(entries).toHaveLength(2);
    expect(truncated).toBe(true);
  });
});
