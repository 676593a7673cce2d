/**
 * The SFTP subsystem driven by ssh2's client over a real SSH connection to our server, on both
 * IFilesystem implementations: every request type, the status codes, and confinement.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  homeDirectoryFilesystem,
  LocalFilesystem,
  MemoryFilesystem,
  type IFilesystem,
} from '@tw/vfs';
import type { FileEntry, SFTPWrapper, Stats } from 'ssh2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  call,
  connectSFTP,
  startSFTPServer,
  statusOf,
  type SFTPTestClient,
  type SFTPTestServer,
} from './sftp-server-fixture.js';

const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
const FAILURE = 4;

const temp = mkdtempSync(join(tmpdir(), 'tw-sftp-subsystem-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let roots = 0;

const makers: [string, () => IFilesystem][] = [
  ['MemoryFilesystem', () => new MemoryFilesystem()],
  [
    'LocalFilesystem',
    () => {
      const root = join(temp, `root-${roots++}`);
      mkdirSync(root);
      return new LocalFilesystem(root);
    },
  ],
];

const put = (sftp: SFTPWrapper, path: string, data: string | Buffer): Promise<void> =>
  call<void>((cb) => sftp.writeFile(path, data, cb));
const get = (sftp: SFTPWrapper, path: string): Promise<Buffer> =>
  call<Buffer>((cb) => sftp.readFile(path, cb));

describe.each(makers)('SFTP subsystem over %s', (_name, make) => {
  let server: SFTPTestServer;
  let fs: IFilesystem;
  let client: SFTPTestClient;
  let sftp: SFTPWrapper;

  beforeAll(async () => {
    server = await startSFTPServer({ filesystemFor: () => fs });
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    fs = make();
    client = await connectSFTP(server.port);
    sftp = client.sftp;
    return () => client.close();
  });

  it('writes and reads back a file, and stats it', async () => {
    await put(sftp, '/hello.txt', 'hello over sftp');
    expect((await get(sftp, 'hello.txt')).toString()).toBe('hello over sftp');
    const stats = await call<Stats>((cb) => sftp.stat('/hello.txt', cb));
    expect(stats.isFile()).toBe(true);
    expect(stats.size).toBe(15);
    expect((await fs.stat('/hello.txt')).size).toBe(15);
  });

  it('moves a 3 MiB file both ways with pipelined reads and writes', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i += 1) data[i] = (i * 7 + (i >> 11)) & 0xff;
    const local = join(temp, `big-${roots++}`);
    writeFileSync(local, data);
    await call<void>((cb) => sftp.fastPut(local, '/big.bin', cb));
    expect((await fs.stat('/big.bin')).size).toBe(data.length);
    await call<void>((cb) => sftp.fastGet('/big.bin', `${local}.back`, cb));
    expect(readFileSync(`${local}.back`).equals(data)).toBe(true);
  });

  it('lists a directory with ls -l longnames and attributes', async () => {
    await call<void>((cb) => sftp.mkdir('/dir', { mode: 0o750 }, cb));
    await put(sftp, '/dir/a.txt', 'abc');
    const entries = await call<FileEntry[]>((cb) => sftp.readdir('/dir', cb));
    const file = entries.find((e) => e.filename === 'a.txt');
    expect(file?.attrs.size).toBe(3);
    expect(file?.longname).toMatch(/^-rw-r--r-- +1 +\d+ +\d+ +3 \w{3} [ \d]\d [\d: ]{5} a\.txt$/);
    expect(entries.map((e) => e.filename)).not.toContain('..');
    const dirStats = await call<Stats>((cb) => sftp.stat('/dir', cb));
    expect(dirStats.isDirectory()).toBe(true);
    expect(dirStats.mode & 0o777).toBe(0o750);
  });

  it('mkdir, rmdir, remove, rename; rename onto an existing name fails', async () => {
    await call<void>((cb) => sftp.mkdir('/d', cb));
    await put(sftp, '/d/f', 'x');
    expect(await statusOf(call<void>((cb) => sftp.rmdir('/d', cb)))).toBe(FAILURE);
    await put(sftp, '/g', 'y');
    expect(await statusOf(call<void>((cb) => sftp.rename('/g', '/d/f', cb)))).toBe(FAILURE);
    await call<void>((cb) => sftp.rename('/g', '/d/h', cb));
    expect((await get(sftp, '/d/h')).toString()).toBe('y');
    await call<void>((cb) => sftp.unlink('/d/f', cb));
    await call<void>((cb) => sftp.unlink('/d/h', cb));
    await call<void>((cb) => sftp.rmdir('/d', cb));
    expect(await statusOf(call<Stats>((cb) => sftp.stat('/d', cb)))).toBe(NO_SUCH_FILE);
    expect(await statusOf(call<void>((cb) => sftp.unlink('/missing', cb)))).toBe(NO_SUCH_FILE);
  });

  it('setstat: chmod, utimes and truncate; fsetstat on a handle', async () => {
    await put(sftp, '/f', '0123456789');
    await call<void>((cb) => sftp.setstat('/f', { size: 4 }, cb));
    await call<void>((cb) => sftp.chmod('/f', 0o600, cb));
    await call<void>((cb) => sftp.utimes('/f', 1_000_000, 2_000_000, cb));
    const stats = await call<Stats>((cb) => sftp.stat('/f', cb));
    expect(stats.mode & 0o777).toBe(0o600);
    expect(stats.mtime).toBe(2_000_000);
    expect(stats.size).toBe(4);
    const handle = await call<Buffer>((cb) => sftp.open('/f', 'r+', cb));
    await call<void>((cb) => sftp.fchmod(handle, 0o640, cb));
    const fstat = await call<Stats>((cb) => sftp.fstat(handle, cb));
    expect(fstat.mode & 0o777).toBe(0o640);
    await call<void>((cb) => sftp.close(handle, cb));
  });

  it('open flags: exclusive create fails on an existing file; append writes at the end', async () => {
    await put(sftp, '/f', 'abc');
    expect(await statusOf(call<Buffer>((cb) => sftp.open('/f', 'wx', cb)))).toBe(FAILURE);
    await call<void>((cb) => sftp.appendFile('/f', 'def', cb));
    expect((await get(sftp, '/f')).toString()).toBe('abcdef');
    expect(await statusOf(call<Buffer>((cb) => sftp.open('/missing', 'r', cb)))).toBe(NO_SUCH_FILE);
  });

  it('symlinks: create, readlink, follow inside; a link out of the root is refused', async () => {
    await put(sftp, '/target.txt', 'through the link');
    await call<void>((cb) => sftp.symlink('target.txt', '/link', cb));
    expect(await call<string>((cb) => sftp.readlink('/link', cb))).toBe('target.txt');
    const lstat = await call<Stats>((cb) => sftp.lstat('/link', cb));
    expect(lstat.isSymbolicLink()).toBe(true);
    expect((await get(sftp, '/link')).toString()).toBe('through the link');
    expect(
      await statusOf(call<void>((cb) => sftp.symlink('../../../etc/passwd', '/evil', cb))),
    ).toBe(PERMISSION_DENIED);
  });

  it('realpath canonicalises and never climbs above /', async () => {
    await call<void>((cb) => sftp.mkdir('/a', cb));
    expect(await call<string>((cb) => sftp.realpath('.', cb))).toBe('/');
    expect(await call<string>((cb) => sftp.realpath('/a/../../..', cb))).toBe('/');
    expect(await call<string>((cb) => sftp.realpath('a/./', cb))).toBe('/a');
    expect(await statusOf(get(sftp, '../../../../etc/passwd'))).toBe(NO_SUCH_FILE);
  });

  it('a bad or closed handle gets FAILURE, not a crash', async () => {
    await put(sftp, '/f', 'x');
    const handle = await call<Buffer>((cb) => sftp.open('/f', 'r', cb));
    await call<void>((cb) => sftp.close(handle, cb));
    expect(await statusOf(call<void>((cb) => sftp.close(handle, cb)))).toBe(FAILURE);
    const buffer = Buffer.alloc(10);
    expect(
      await statusOf(call<number>((cb) => sftp.read(Buffer.from('bogus!'), buffer, 0, 10, 0, cb))),
    ).toBe(FAILURE);
    // The session still works afterwards.
    expect((await get(sftp, '/f')).toString()).toBe('x');
  });
});

describe('SFTP subsystem with a home directory per user', () => {
  it('each user sees only their own home as /', async () => {
    const base = join(temp, 'homes');
    mkdirSync(base);
    const forUser = homeDirectoryFilesystem(base);
    const server = await startSFTPServer({ filesystemFor: ({ username }) => forUser(username) });
    try {
      const demo = await connectSFTP(server.port);
      await put(demo.sftp, '/mine.txt', 'demo data');
      const other = await connectSFTP(server.port, { username: 'other', password: 'other' });
      expect(await statusOf(get(other.sftp, '/mine.txt'))).toBe(NO_SUCH_FILE);
      expect(await statusOf(get(other.sftp, '../demo/mine.txt'))).toBe(NO_SUCH_FILE);
      const names = await call<FileEntry[]>((cb) => other.sftp.readdir('/', cb));
      expect(names.map((e) => e.filename).filter((n) => n !== '.' && n !== '..')).toEqual([]);
      expect(readFileSync(join(base, 'demo', 'mine.txt'), 'utf8')).toBe('demo data');
      demo.close();
      other.close();
    } finally {
      await server.stop();
    }
  });
});

describe('SFTP subsystem confinement on a host directory', () => {
  let server: SFTPTestServer;
  let client: SFTPTestClient;
  const root = join(temp, 'confined');
  const outside = join(temp, 'outside');

  beforeAll(async () => {
    mkdirSync(root);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'secret');
    symlinkSync(outside, join(root, 'out'));
    server = await startSFTPServer({ filesystemFor: () => new LocalFilesystem(root) });
    client = await connectSFTP(server.port);
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  it('refuses to follow a link out of the root, and .. stops at the root', async () => {
    expect(await statusOf(get(client.sftp, '/out/secret'))).toBe(PERMISSION_DENIED);
    expect(await statusOf(call<FileEntry[]>((cb) => client.sftp.readdir('/out', cb)))).toBe(
      PERMISSION_DENIED,
    );
    expect(await statusOf(get(client.sftp, '../outside/secret'))).toBe(NO_SUCH_FILE);
    const names = (await call<FileEntry[]>((cb) => client.sftp.readdir('/..', cb))).map(
      (e) => e.filename,
    );
    expect(names).toEqual(['out']);
  });
});
