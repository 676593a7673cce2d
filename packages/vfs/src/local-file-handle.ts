import type { FileHandle } from 'node:fs/promises';
import { filesystemError, filesystemErrorFromNode } from './errors.js';
import type { FileStat, IFileHandle, SetAttributes } from './interfaces.js';
import { fileStatFromNode } from './node-stat.js';

/** An `IFileHandle` over a node:fs FileHandle; every failure becomes a FilesystemError. */
export class LocalFileHandle implements IFileHandle {
  readonly path: string;
  readonly #handle: FileHandle;
  #closed = false;

  constructor(handle: FileHandle, virtualPath: string) {
    this.#handle = handle;
    this.path = virtualPath;
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    this.#checkOpen();
    const buffer = Buffer.allocUnsafe(length);
    try {
      const { bytesRead } = await this.#handle.read(buffer, 0, length, position);
      return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
    } catch (error) {
      throw filesystemErrorFromNode(error, this.path);
    }
  }

  async readInto(position: number, target: Uint8Array): Promise<number> {
    this.#checkOpen();
    try {
      const { bytesRead } = await this.#handle.read(target, 0, target.length, position);
      return bytesRead;
    } catch (error) {
      throw filesystemErrorFromNode(error, this.path);
    }
  }

  async write(position: number, data: Uint8Array): Promise<void> {
    this.#checkOpen();
    try {
      let done = 0;
      // pwrite may write less than asked (signals, quotas): loop until all of it is down.
      while (done < data.length) {
        const { bytesWritten } = await this.#handle.write(
          data,
          done,
          data.length - done,
          position + done,
        );
        if (bytesWritten === 0) throw filesystemError('NoSpace', this.path);
        done += bytesWritten;
      }
    } catch (error) {
      throw filesystemErrorFromNode(error, this.path);
    }
  }

  async stat(): Promise<FileStat> {
    this.#checkOpen();
    try {
      return fileStatFromNode(await this.#handle.stat());
    } catch (error) {
      throw filesystemErrorFromNode(error, this.path);
    }
  }

  async setAttributes(attributes: SetAttributes): Promise<void> {
    this.#checkOpen();
    try {
      if (attributes.size !== undefined) await this.#handle.truncate(attributes.size);
      if (attributes.mode !== undefined) await this.#handle.chmod(attributes.mode & 0o7777);
      if (attributes.atime !== undefined || attributes.mtime !== undefined) {
        const current = await this.#handle.stat();
        await this.#handle.utimes(
          attributes.atime ?? current.atime,
          attributes.mtime ?? current.mtime,
        );
      }
    } catch (error) {
      throw filesystemErrorFromNode(error, this.path);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#handle.close();
    } catch (error) {
      throw filesystemErrorFromNode(error, this.path);
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw filesystemError('Closed', this.path);
  }
}
