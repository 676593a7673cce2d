/**
 * One behaviour suite for every IFilesystem: LocalFilesystem and MemoryFilesystem must agree on
 * what each operation does and how it fails.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  isFilesystemError,
  readChunks,
  type FilesystemErrorKind,
  type IFilesystem,
} from '../src/index.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Expects `promise` to reject with a FilesystemError of `kind`. */
export async function expectKind(
  promise: Promise<unknown>,
  kind: FilesystemErrorKind,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(isFilesystemError(error) ? error.kind : error).toBe(kind);
}

async function writeFile(fs: IFilesystem, path: string, content: string): Promise<void> {
  const handle = await fs.open(path, { write: true, create: true, truncate: true });
  await handle.write(0, bytes(content));
  await handle.close();
}

async function readFile(fs: IFilesystem, path: string): Promise<string> {
  const handle = await fs.open(path, { read: true });
  const chunks: Uint8Array[] = [];
  for (let position = 0; ;) {
    const chunk = await handle.read(position, 3);
    if (chunk.length === 0) break;
    chunks.push(chunk);
    position += chunk.length;
  }
  await handle.close();
  return chunks.map(text).join('');
}

/** Runs the contract against filesystems made fresh for each test by `make`. */
export function describeFilesystemContract(name: string, make: () => Promise<IFilesystem>): void {
  describe(`${name}: the IFilesystem contract`, () => {
    let fs: IFilesystem;
    beforeEach(async () => {
      fs = await make();
    });

    it('writes, reads back in chunks, and stats a file', async () => {
      await writeFile(fs, '/hello.txt', 'hello, world');
      expect(await readFile(fs, 'hello.txt')).toBe('hello, world');
      const stat = await fs.stat('/hello.txt');
      expect(stat.type).toBe('file');
      expect(stat.size).toBe(12);
      expect(stat.mode & 0o170000).toBe(0o100000);
    });

    it('reads at positions: short at the end, empty past it', async () => {
      await writeFile(fs, '/f', '0123456789');
      const handle = await fs.open('/f', { read: true });
      expect(text(await handle.read(8, 5))).toBe('89');
      expect((await handle.read(10, 5)).length).toBe(0);
      expect((await handle.read(100, 5)).length).toBe(0);
      if (handle.readInto !== undefined) {
        const target = new Uint8Array(4);
        expect(await handle.readInto(7, target)).toBe(3);
        expect(text(target.subarray(0, 3))).toBe('789');
        expect(await handle.readInto(10, target)).toBe(0);
      }
      await handle.close();
      await expectKind(handle.read(0, 1), 'Closed');
    });

    it('readChunks streams from a position to the end', async () => {
      await writeFile(fs, '/f', '0123456789');
      const handle = await fs.open('/f', { read: true });
      const chunks: string[] = [];
      for await (const chunk of readChunks(handle, { position: 3, chunkSize: 4 })) {
        chunks.push(text(chunk));
      }
      await handle.close();
      expect(chunks).toEqual(['3456', '789']);
    });

    it('writes at positions, appends, truncates and refuses exclusive re-creation', async () => {
      await writeFile(fs, '/f', 'aaaa');
      const patch = await fs.open('/f', { write: true });
      await patch.write(2, bytes('BBBB'));
      await patch.close();
      expect(await readFile(fs, '/f')).toBe('aaBBBB');
      const append = await fs.open('/f', { write: true, append: true });
      await append.write(0, bytes('!'));
      await append.close();
      expect(await readFile(fs, '/f')).toBe('aaBBBB!');
      await expectKind(
        fs.open('/f', { write: true, create: true, exclusive: true }),
        'AlreadyExists',
      );
      await (await fs.open('/f', { write: true, truncate: true })).close();
      expect((await fs.stat('/f')).size).toBe(0);
      await expectKind(fs.open('/missing', { read: true }), 'NoSuchFile');
      await expectKind(fs.open('/missing', { write: true }), 'NoSuchFile');
    });

    it('handle stat and setAttributes change size, mode and times', async () => {
      await writeFile(fs, '/f', '0123456789');
      const handle = await fs.open('/f', { read: true, write: true });
      await handle.setAttributes({ size: 4, mode: 0o600, mtime: new Date(1_000_000_000_000) });
      const stat = await handle.stat();
      await handle.close();
      expect(stat.size).toBe(4);
      expect(stat.mode & 0o777).toBe(0o600);
      expect(Math.floor(stat.mtime.getTime() / 1000)).toBe(1_000_000_000);
    });

    it('mkdir, readdir with stats, rmdir; rmdir of a non-empty directory fails', async () => {
      await fs.mkdir('/d', 0o750);
      await writeFile(fs, '/d/x', 'x');
      await fs.mkdir('/d/sub');
      const entries = await fs.readdir('/d');
      expect(entries.map((e) => e.name).sort()).toEqual(['sub', 'x']);
      expect(entries.find((e) => e.name === 'sub')?.stat.type).toBe('directory');
      expect((await fs.stat('/d')).type).toBe('directory');
      await expectKind(fs.mkdir('/d'), 'AlreadyExists');
      await expectKind(fs.mkdir('/nope/deeper'), 'NoSuchFile');
      await expectKind(fs.rmdir('/d'), 'NotEmpty');
      await expectKind(fs.readdir('/d/x'), 'NotADirectory');
      await expectKind(fs.open('/d', { read: true }), 'IsADirectory');
      await fs.remove('/d/x');
      await fs.rmdir('/d/sub');
      await fs.rmdir('/d');
      await expectKind(fs.stat('/d'), 'NoSuchFile');
      await expectKind(fs.rmdir('/'), 'PermissionDenied');
    });

    it('remove deletes files, refuses directories and missing names', async () => {
      await writeFile(fs, '/f', 'x');
      await fs.mkdir('/d');
      await expectKind(fs.remove('/d'), 'IsADirectory');
      await fs.remove('/f');
      await expectKind(fs.remove('/f'), 'NoSuchFile');
    });

    it('rename moves files and directories; overwrite only when asked', async () => {
      await writeFile(fs, '/a', 'A');
      await writeFile(fs, '/b', 'B');
      await expectKind(fs.rename('/a', '/b'), 'AlreadyExists');
      await fs.rename('/a', '/b', { overwrite: true });
      expect(await readFile(fs, '/b')).toBe('A');
      await expectKind(fs.stat('/a'), 'NoSuchFile');
      await fs.mkdir('/d');
      await fs.rename('/b', '/d/c');
      await fs.rename('/d', '/e');
      expect(await readFile(fs, '/e/c')).toBe('A');
      await expectKind(fs.rename('/missing', '/x'), 'NoSuchFile');
      await expectKind(fs.rename('/', '/x'), 'PermissionDenied');
    });

    it('setAttributes by path: chmod, utimes, truncate', async () => {
      await writeFile(fs, '/f', 'abcdef');
      await fs.setAttributes('/f', {
        mode: 0o640,
        size: 2,
        atime: new Date(5000_000),
        mtime: new Date(7000_000),
      });
      const stat = await fs.stat('/f');
      expect(stat.mode & 0o7777).toBe(0o640);
      expect(stat.size).toBe(2);
      expect(stat.mtime.getTime()).toBe(7000_000);
      await expectKind(fs.setAttributes('/missing', { mode: 0o600 }), 'NoSuchFile');
    });

    it('symlinks: create, lstat, readlink, follow inside; refuse pointing outside', async () => {
      await fs.mkdir('/docs');
      await writeFile(fs, '/docs/readme', 'inside');
      await fs.symlink('docs/readme', '/rel');
      await fs.symlink('/docs', '/abs');
      expect(await fs.readlink('/rel')).toBe('docs/readme');
      expect((await fs.lstat('/rel')).type).toBe('symlink');
      expect((await fs.stat('/rel')).type).toBe('file');
      expect(await readFile(fs, '/rel')).toBe('inside');
      expect(await readFile(fs, '/abs/readme')).toBe('inside');
      expect(await fs.realpath('/abs/readme')).toBe('/docs/readme');
      const target = await fs.readlink('/abs');
      expect(await fs.realpath(target.startsWith('/') ? target : `/${target}`)).toBe('/docs');
      await expectKind(fs.symlink('../../etc/passwd', '/docs/escape'), 'OutsideRoot');
      await expectKind(fs.symlink('x', '/rel'), 'AlreadyExists');
      await fs.remove('/rel');
      expect((await fs.stat('/docs/readme')).type).toBe('file');
    });

    it('realpath normalises and clamps .. at the root', async () => {
      await fs.mkdir('/a');
      expect(await fs.realpath('')).toBe('/');
      expect(await fs.realpath('.')).toBe('/');
      expect(await fs.realpath('/../../a/./')).toBe('/a');
      expect(await fs.realpath('a/../../..')).toBe('/');
      expect(await fs.realpath('/a/new-name')).toBe('/a/new-name');
    });

    it('refuses paths with NUL bytes', async () => {
      await expectKind(fs.stat('/a\0b'), 'InvalidPath');
    });
  });
}
