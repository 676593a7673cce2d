/**
 * Limits of the SFTP subsystem: each breach is an SFTP status reply, the session lives on, and
 * reads in progress stay under the high-water mark however many the client pipelines.
 */
import { MemoryFilesystem, type IFileHandle, type IFilesystem, type OpenFlags } from '@tw/vfs';
import { connect } from 'node:net';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import type { SFTPLimits } from '../../src/index.js';
import {
  call,
  connectSFTP,
  startSFTPServer,
  statusOf,
  type SFTPTestClient,
  type SFTPTestServer,
} from './sftp-server-fixture.js';

const FAILURE = 4;

/** A MemoryFilesystem whose reads wait for `release()` and are counted while they wait. */
class GatedFilesystem extends MemoryFilesystem {
  waitingReads = 0;
  bytesRead = 0;
  maxBytesInRead = 0;
  #bytesInRead = 0;
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => undefined;

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#open();
  }

  override async open(path: string, flags: OpenFlags, mode?: number): Promise<IFileHandle> {
    const inner = await super.open(path, flags, mode);
    const read = async (position: number, length: number): Promise<Uint8Array> => {
      this.waitingReads += 1;
      this.#bytesInRead += length;
      this.maxBytesInRead = Math.max(this.maxBytesInRead, this.#bytesInRead);
      await this.#gate;
      this.#bytesInRead -= length;
      this.waitingReads -= 1;
      const data = await inner.read(position, length);
      this.bytesRead += data.length;
      return data;
    };
    return {
      path: inner.path,
      read,
      write: async (position, data) => {
        await this.#gate;
        return inner.write(position, data);
      },
      stat: () => inner.stat(),
      setAttributes: (attributes) => inner.setAttributes(attributes),
      close: () => inner.close(),
    };
  }
}

async function seed(fs: IFilesystem, path: string, size: number): Promise<void> {
  const handle = await fs.open(path, { write: true, create: true });
  await handle.write(0, new Uint8Array(size).fill(7));
  await handle.close();
}

const readAt = (
  sftp: SFTPWrapper,
  handle: Buffer,
  position: number,
  length: number,
): Promise<number> =>
  call<number>((cb) => sftp.read(handle, Buffer.alloc(length), 0, length, position, cb));

describe('SFTP subsystem limits', () => {
  let server: SFTPTestServer | undefined;
  let client: SFTPTestClient | undefined;
  afterEach(async () => {
    client?.close();
    await server?.stop();
  });

  async function start(fs: IFilesystem, limits: Partial<SFTPLimits>): Promise<SFTPWrapper> {
    server = await startSFTPServer({ filesystemFor: () => fs, limits });
    client = await connectSFTP(server.port);
    return client.sftp;
  }

  it('maxOpenHandles: one handle too many gets FAILURE; closing one frees a slot', async () => {
    const fs = new MemoryFilesystem();
    await seed(fs, '/f', 1);
    const sftp = await start(fs, { maxOpenHandles: 2 });
    const first = await call<Buffer>((cb) => sftp.open('/f', 'r', cb));
    await call<Buffer>((cb) => sftp.opendir('/', cb));
    const refused = call<Buffer>((cb) => sftp.open('/f', 'r', cb));
    await expect(refused).rejects.toThrow(/too many open handles.*maxOpenHandles/);
    expect(await statusOf(refused)).toBe(FAILURE);
    await call<void>((cb) => sftp.close(first, cb));
    await call<Buffer>((cb) => sftp.open('/f', 'r', cb));
  });

  it('maxReadLength: a longer READ is answered short', async () => {
    const fs = new MemoryFilesystem();
    await seed(fs, '/f', 10_000);
    const sftp = await start(fs, { maxReadLength: 1000 });
    const handle = await call<Buffer>((cb) => sftp.open('/f', 'r', cb));
    expect(await readAt(sftp, handle, 0, 8000)).toBe(1000);
  });

  it('maxPendingRequests: requests past the limit get FAILURE while the rest complete', async () => {
    const fs = new GatedFilesystem();
    await seed(fs, '/f', 100_000);
    const sftp = await start(fs, { maxPendingRequests: 4 });
    const handle = await call<Buffer>((cb) => sftp.open('/f', 'r', cb));
    fs.hold();
    let settled = 0;
    const reads = Array.from({ length: 10 }, (_, i) =>
      statusOf(readAt(sftp, handle, i * 1000, 1000)).finally(() => (settled += 1)),
    );
    // The refusals arrive while the admitted reads still wait at the gate.
    for (let i = 0; i < 200 && settled < 6; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(fs.waitingReads).toBe(4);
    fs.release();
    const results = await Promise.all(reads);
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    expect(results.filter((r) => r === FAILURE)).toHaveLength(6);
  });

  it('maxPendingWriteBytes: WRITE data past the limit gets FAILURE', async () => {
    const fs = new GatedFilesystem();
    await seed(fs, '/f', 0);
    const sftp = await start(fs, { maxPendingWriteBytes: 1000 });
    const handle = await call<Buffer>((cb) => sftp.open('/f', 'r+', cb));
    fs.hold();
    let settled = 0;
    const writes = [0, 600, 1200].map((position) =>
      statusOf(
        call<void>((cb) => sftp.write(handle, Buffer.alloc(600, 1), 0, 600, position, cb)),
      ).finally(() => (settled += 1)),
    );
    for (let i = 0; i < 200 && settled < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    fs.release();
    expect(await Promise.all(writes)).toEqual(['ok', FAILURE, FAILURE]);
    expect((await fs.stat('/f')).size).toBe(600);
  });

  it('readHighWaterMark: pipelined reads never have more bytes in progress than the mark', async () => {
    const fs = new GatedFilesystem();
    await seed(fs, '/f', 64 * 8192);
    const sftp = await start(fs, { readHighWaterMark: 3 * 8192 });
    const handle = await call<Buffer>((cb) => sftp.open('/f', 'r', cb));
    const reads = Array.from({ length: 64 }, (_, i) => readAt(sftp, handle, i * 8192, 8192));
    const sizes = await Promise.all(reads);
    expect(sizes.every((n) => n === 8192)).toBe(true);
    expect(fs.maxBytesInRead).toBeLessThanOrEqual(3 * 8192);
    expect(fs.maxBytesInRead).toBeGreaterThan(0);
  });

  it('a client that stops reading: the server stops reading the file', async () => {
    const fs = new GatedFilesystem();
    await seed(fs, '/f', 16 * 1024 * 1024);
    const highWaterMark = 256 * 1024;
    server = await startSFTPServer({
      filesystemFor: () => fs,
      limits: { readHighWaterMark: highWaterMark, maxPendingRequests: 1000 },
    });
    const socket = connect(server.port, '127.0.0.1');
    const ssh = new ssh2.Client();
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
      ssh.on('error', reject);
      ssh.on('ready', () =>
        ssh.sftp((error, wrapper) => (error ? reject(error) : resolve(wrapper))),
      );
      ssh.connect({ sock: socket, username: 'demo', password: 'demo' });
    });
    client = { client: ssh, sftp, close: () => socket.destroy() };
    const handle = await call<Buffer>((cb) => sftp.open('/f', 'r', cb));
    socket.pause(); // From here the client reads nothing: its SSH window is never re-opened.
    const requested = 400 * 32 * 1024;
    for (let i = 0; i < 400; i += 1) {
      sftp.read(handle, Buffer.alloc(32 * 1024), 0, 32 * 1024, i * 32 * 1024, () => undefined);
    }
    // The server sends until the client's 2 MiB window is spent, then holds back.
    for (let i = 0; i < 200 && fs.bytesRead < 2 * 1024 * 1024; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fs.bytesRead).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(fs.bytesRead).toBeLessThanOrEqual(2 * 1024 * 1024 + 2 * highWaterMark + 64 * 1024);
    expect(fs.bytesRead).toBeLessThan(requested);
  });

  it('a filesystemFor that fails answers FAILURE to every request', async () => {
    server = await startSFTPServer({
      filesystemFor: () => Promise.reject(new Error('no home for this user')),
    });
    client = await connectSFTP(server.port);
    const sftp = client.sftp;
    expect(await statusOf(call((cb) => sftp.stat('/', cb)))).toBe(FAILURE);
    expect(await statusOf(call((cb) => sftp.readdir('/', cb)))).toBe(FAILURE);
  });
});
