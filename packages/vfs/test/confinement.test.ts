/**
 * Confinement: whatever path a client sends — `..`, `//`, `.`, links inside and outside the root,
 * absolute links — LocalFilesystem never reads, lists, writes or creates anything outside.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isFilesystemError,
  LocalFilesystem,
  MemoryFilesystem,
  resolveVirtualPath,
} from '../src/index.js';
import { expectKind } from './filesystem-contract.js';

const SECRET = 'OUTSIDE-SECRET-CONTENT';
let temp: string;
let root: string;
let outside: string;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'tw-vfs-confine-'));
  root = join(temp, 'root');
  outside = join(temp, 'outside');
  mkdirSync(join(root, 'a', 'b'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), SECRET);
  writeFileSync(join(root, 'a', 'inside.txt'), 'inside');
  symlinkSync('a', join(root, 'in')); // inside, relative
  symlinkSync(join(root, 'a', 'b'), join(root, 'abs-in')); // inside, absolute host path
  symlinkSync('../outside', join(root, 'out')); // outside, relative
  symlinkSync(outside, join(root, 'a', 'abs-out')); // outside, absolute
  symlinkSync(join(outside, 'secret'), join(root, 'secret-link'));
  symlinkSync('../../outside/new-file', join(root, 'a', 'dangling-out'));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const segment = fc.constantFrom(
  '..',
  '.',
  '',
  'a',
  'b',
  'in',
  'abs-in',
  'out',
  'secret',
  'secret-link',
  'abs-out',
  'dangling-out',
  'outside',
  'inside.txt',
  'new',
  '...',
);
const pathArbitrary = fc
  .tuple(fc.boolean(), fc.array(segment, { maxLength: 8 }))
  .map(([absolute, parts]) => (absolute ? '/' : '') + parts.join('/'));

describe('LocalFilesystem confinement (property)', () => {
  for (const policy of ['follow-inside', 'deny'] as const) {
    it(`never reaches outside the root (${policy})`, async () => {
      const fs = new LocalFilesystem(root, { symlinks: policy });
      await fc.assert(
        fc.asyncProperty(pathArbitrary, async (path) => {
          const attempt = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
            try {
              return await run();
            } catch (error) {
              // Only typed errors, never a raw host error that could carry the host path.
              expect(isFilesystemError(error)).toBe(true);
              expect(String((error as Error).message)).not.toContain(temp);
              return undefined;
            }
          };
          const handle = await attempt(() => fs.open(path, { read: true }));
          if (handle !== undefined) {
            const content = new TextDecoder().decode(await handle.read(0, 1000));
            await handle.close();
            expect(content).not.toBe(SECRET);
          }
          const entries = await attempt(() => fs.readdir(path));
          expect(entries?.map((e) => e.name) ?? []).not.toContain('secret');
          const real = await attempt(() => fs.realpath(path));
          if (real !== undefined) expect(real).toBe(resolveVirtualPath(real));
          expect(real ?? '').not.toContain(temp);
          const link = await attempt(() => fs.readlink(path));
          expect(link ?? '').not.toContain(root);
          const created = await attempt(() =>
            fs.open(`${path}/new-file`, { write: true, create: true }),
          );
          await created?.close();
          await attempt(() => fs.mkdir(`${path}/new-dir`));
          expect(readdirSync(outside).sort()).toEqual(['secret']);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('links inside work under follow-inside, outside ones fail OutsideRoot', async () => {
    const fs = new LocalFilesystem(root);
    expect((await fs.stat('/in/inside.txt')).type).toBe('file');
    expect((await fs.stat('/abs-in')).type).toBe('directory');
    expect(await fs.realpath('/abs-in')).toBe('/a/b');
    await expectKind(fs.stat('/out/secret'), 'OutsideRoot');
    await expectKind(fs.open('/secret-link', { read: true }), 'OutsideRoot');
    await expectKind(fs.readdir('/a/abs-out'), 'OutsideRoot');
    await expectKind(fs.open('/a/dangling-out', { write: true, create: true }), 'OutsideRoot');
    expect((await fs.lstat('/out')).type).toBe('symlink');
  });

  it('readlink shows stored text but maps absolute host paths into the root', async () => {
    const fs = new LocalFilesystem(root);
    expect(await fs.readlink('/in')).toBe('a');
    expect(await fs.readlink('/abs-in')).toBe('/a/b');
    expect(await fs.readlink('/out')).toBe('../outside');
  });

  it('deny: links are listed but not followed or created', async () => {
    const fs = new LocalFilesystem(root, { symlinks: 'deny' });
    expect((await fs.lstat('/in')).type).toBe('symlink');
    expect((await fs.readdir('/')).map((e) => e.name)).toContain('in');
    await expectKind(fs.stat('/in'), 'PermissionDenied');
    await expectKind(fs.stat('/in/inside.txt'), 'PermissionDenied');
    await expectKind(fs.symlink('a', '/new-link'), 'PermissionDenied');
    expect((await fs.stat('/a/inside.txt')).type).toBe('file');
  });

  it('MemoryFilesystem: deny refuses to follow; follow-inside loops end in an error', async () => {
    const memory = new MemoryFilesystem();
    await memory.symlink('loop-b', '/loop-a');
    await memory.symlink('loop-a', '/loop-b');
    await expectKind(memory.stat('/loop-a'), 'InvalidPath');
    const denying = new MemoryFilesystem({ symlinks: 'deny' });
    await expectKind(denying.symlink('x', '/l'), 'PermissionDenied');
  });

  it('MemoryFilesystem enforces maxBytes and maxNodes', async () => {
    const memory = new MemoryFilesystem({ maxBytes: 10, maxNodes: 3 });
    const handle = await memory.open('/f', { write: true, create: true });
    await handle.write(0, new Uint8Array(10));
    await expectKind(handle.write(10, new Uint8Array(1)), 'NoSpace');
    await memory.mkdir('/d');
    await expectKind(memory.mkdir('/e'), 'NoSpace');
    await memory.remove('/f');
    expect(memory.bytesUsed).toBe(0);
  });
});

describe('resolveVirtualPath (property)', () => {
  it('always gives an absolute canonical path, idempotently', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (path, cwd) => {
        fc.pre(!path.includes('\0') && !cwd.includes('\0'));
        const resolved = resolveVirtualPath(path, resolveVirtualPath(cwd));
        expect(resolved.startsWith('/')).toBe(true);
        expect(resolved.split('/')).not.toContain('..');
        expect(resolved === '/' || !resolved.endsWith('/')).toBe(true);
        expect(resolveVirtualPath(resolved)).toBe(resolved);
      }),
    );
  });
});
