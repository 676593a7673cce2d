import { Deferred } from '@tw/core';
import type { Readable, Writable } from 'node:stream';
import type {
  ReadStreamOptions,
  SFTPWrapper,
  Stats,
  TransferOptions,
  WriteStreamOptions,
} from 'ssh2';

import { SFTPOperationError } from './errors.js';

/** File attributes as an SFTP server reports them. */
export interface SFTPStats {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly atime: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isSymbolicLink: boolean;
}

/** One directory entry from list(). */
export interface SFTPDirectoryEntry {
  readonly filename: string;
  /** The `ls -l` style line the server sent. */
  readonly longname: string;
  readonly attrs: SFTPStats;
}

/** Options of fastGet / fastPut: parallel requests for throughput. */
export interface SFTPTransferOptions {
  /** Requests in flight (default 64). */
  readonly concurrency?: number;
  /** Bytes per request (default 32768). */
  readonly chunkSize?: number;
  /** Progress: bytes done so far, chunk size, total. */
  readonly step?: (transferred: number, chunk: number, total: number) => void;
}

/** Default byte limit of readFile. */
export const SFTP_READ_FILE_DEFAULT_LIMIT = 64 * 1024 * 1024;

function statsOf(stats: Stats): SFTPStats {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: stats.atime,
    mtime: stats.mtime,
    isFile: stats.isFile(),
    isDirectory: stats.isDirectory(),
    isSymbolicLink: stats.isSymbolicLink(),
  };
}

/**
 * An SFTP session (from SSHClientConnection.sftp()). Operations return Deferreds and errback
 * with SFTPOperationError carrying the SFTP status code (2 = no such file, 3 = permission
 * denied, 4 = failure, …). Large files: fastGet/fastPut (parallel, file to file) or the
 * streams, whose back-pressure follows the SSH window.
 */
export class SFTPClient {
  /** The ssh2 SFTP session underneath. */
  readonly wrapper: SFTPWrapper;

  constructor(wrapper: SFTPWrapper) {
    this.wrapper = wrapper;
  }

  list(path: string): Deferred<SFTPDirectoryEntry[]> {
    return this.op('readdir', path, (done) =>
      this.wrapper.readdir(path, (error, list) =>
        done(
          error,
          list?.map((entry) => ({
            filename: entry.filename,
            longname: entry.longname,
            attrs: statsOf(entry.attrs as unknown as Stats),
          })),
        ),
      ),
    );
  }

  stat(path: string): Deferred<SFTPStats> {
    return this.op('stat', path, (done) =>
      this.wrapper.stat(path, (error, stats) => done(error, stats && statsOf(stats))),
    );
  }

  lstat(path: string): Deferred<SFTPStats> {
    return this.op('lstat', path, (done) =>
      this.wrapper.lstat(path, (error, stats) => done(error, stats && statsOf(stats))),
    );
  }

  /** Read a whole file; over `maxBytes` (default 64 MiB) it errbacks instead of growing. */
  readFile(path: string, maxBytes = SFTP_READ_FILE_DEFAULT_LIMIT): Deferred<Uint8Array> {
    const result = new Deferred<Uint8Array>();
    const stream = this.wrapper.createReadStream(path);
    const chunks: Buffer[] = [];
    let total = 0;
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        stream.destroy();
        if (!result.called) {
          result.errback(
            new SFTPOperationError(
              'readFile',
              path,
              new Error(`the file is larger than ${maxBytes} bytes; use fastGet or a stream`),
            ),
          );
        }
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (error: unknown) => {
      if (!result.called) result.errback(new SFTPOperationError('readFile', path, error));
    });
    stream.on('end', () => {
      if (!result.called) result.callback(new Uint8Array(Buffer.concat(chunks, total)));
    });
    return result;
  }

  /** Create or replace a file with `data` (mode 0644 unless given). */
  writeFile(path: string, data: Uint8Array | string, mode = 0o644): Deferred<void> {
    const bytes =
      typeof data === 'string'
        ? Buffer.from(data)
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return this.op('writeFile', path, (done) =>
      this.wrapper.writeFile(path, bytes, { mode }, (error) => done(error, undefined)),
    );
  }

  /** Download `remotePath` to the local file `localPath` with parallel reads. */
  fastGet(
    remotePath: string,
    localPath: string,
    options: SFTPTransferOptions = {},
  ): Deferred<void> {
    return this.op('fastGet', remotePath, (done) =>
      this.wrapper.fastGet(remotePath, localPath, transferOptions(options), (error) =>
        done(error, undefined),
      ),
    );
  }

  /** Upload the local file `localPath` to `remotePath` with parallel writes. */
  fastPut(
    localPath: string,
    remotePath: string,
    options: SFTPTransferOptions = {},
  ): Deferred<void> {
    return this.op('fastPut', remotePath, (done) =>
      this.wrapper.fastPut(localPath, remotePath, transferOptions(options), (error) =>
        done(error, undefined),
      ),
    );
  }

  /** A readable stream of a remote file (back-pressure: reads are requested as it is consumed). */
  createReadStream(path: string, options?: ReadStreamOptions): Readable {
    return this.wrapper.createReadStream(path, options);
  }

  /** A writable stream to a remote file (write() returns false while requests are pending). */
  createWriteStream(path: string, options?: WriteStreamOptions): Writable {
    return this.wrapper.createWriteStream(path, options);
  }

  mkdir(path: string, mode = 0o755): Deferred<void> {
    return this.op('mkdir', path, (done) =>
      this.wrapper.mkdir(path, { mode }, (error) => done(error, undefined)),
    );
  }

  rmdir(path: string): Deferred<void> {
    return this.op('rmdir', path, (done) =>
      this.wrapper.rmdir(path, (error) => done(error, undefined)),
    );
  }

  rename(from: string, to: string): Deferred<void> {
    return this.op('rename', from, (done) =>
      this.wrapper.rename(from, to, (error) => done(error, undefined)),
    );
  }

  /** Remove a file (SFTP REMOVE). */
  remove(path: string): Deferred<void> {
    return this.op('remove', path, (done) =>
      this.wrapper.unlink(path, (error) => done(error, undefined)),
    );
  }

  chmod(path: string, mode: number): Deferred<void> {
    return this.op('chmod', path, (done) =>
      this.wrapper.chmod(path, mode, (error) => done(error, undefined)),
    );
  }

  readlink(path: string): Deferred<string> {
    return this.op('readlink', path, (done) => this.wrapper.readlink(path, done));
  }

  /** Create `linkPath` pointing at `targetPath`. */
  symlink(targetPath: string, linkPath: string): Deferred<void> {
    return this.op('symlink', linkPath, (done) =>
      this.wrapper.symlink(targetPath, linkPath, (error) => done(error, undefined)),
    );
  }

  realpath(path: string): Deferred<string> {
    return this.op('realpath', path, (done) => this.wrapper.realpath(path, done));
  }

  /** End the SFTP session (the SSH connection stays open). */
  close(): void {
    this.wrapper.end();
  }

  private op<T>(
    name: string,
    path: string,
    start: (done: (error: Error | undefined | null, value: T | undefined) => void) => void,
  ): Deferred<T> {
    const result = new Deferred<T>();
    try {
      start((error, value) => {
        if (result.called) return;
        if (error) result.errback(new SFTPOperationError(name, path, error));
        else result.callback(value as T);
      });
    } catch (error) {
      if (!result.called) result.errback(new SFTPOperationError(name, path, error));
    }
    return result;
  }
}

function transferOptions(options: SFTPTransferOptions): TransferOptions {
  return {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
    ...(options.step === undefined ? {} : { step: options.step }),
  };
}
