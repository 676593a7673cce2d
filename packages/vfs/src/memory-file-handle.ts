import { filesystemError } from './errors.js';
import type { FileStat, IFileHandle, SetAttributes } from './interfaces.js';
import type { MemoryFile } from './memory-node.js';
import { memoryStat } from './memory-node.js';

/** What a MemoryFileHandle needs from its filesystem: the byte budget and the owner ids. */
export interface MemoryStore {
  readonly uid: number;
  readonly gid: number;
  /** Grows `file` to hold `size` bytes, charging the budget; rejects with NoSpace past it. */
  resize(file: MemoryFile, size: number, path: string): void;
}

/** An open file of a MemoryFilesystem. It keeps working after the file is renamed or removed. */
export class MemoryFileHandle implements IFileHandle {
  readonly path: string;
  readonly #file: MemoryFile;
  readonly #store: MemoryStore;
  readonly #canRead: boolean;
  readonly #canWrite: boolean;
  readonly #append: boolean;
  #closed = false;

  constructor(
    file: MemoryFile,
    store: MemoryStore,
    path: string,
    access: { read: boolean; write: boolean; append: boolean },
  ) {
    this.#file = file;
    this.#store = store;
    this.path = path;
    this.#canRead = access.read;
    this.#canWrite = access.write;
    this.#append = access.append;
  }

  read(position: number, length: number): Promise<Uint8Array> {
    try {
      this.#check(this.#canRead, 'not opened for reading');
      const file = this.#file;
      file.atime = new Date();
      const start = Math.min(position, file.size);
      const end = Math.min(position + length, file.size);
      // A copy: later writes to the file must not change bytes already handed out.
      return Promise.resolve(file.data.slice(start, end));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  write(position: number, data: Uint8Array): Promise<void> {
    try {
      this.#check(this.#canWrite, 'not opened for writing');
      const file = this.#file;
      const at = this.#append ? file.size : position;
      if (at + data.length > file.size) this.#store.resize(file, at + data.length, this.path);
      file.data.set(data, at);
      file.mtime = new Date();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  stat(): Promise<FileStat> {
    if (this.#closed) return Promise.reject(filesystemError('Closed', this.path));
    return Promise.resolve(memoryStat(this.#file, this.#store.uid, this.#store.gid));
  }

  setAttributes(attributes: SetAttributes): Promise<void> {
    try {
      this.#check(true, '');
      if (attributes.size !== undefined) this.#store.resize(this.#file, attributes.size, this.path);
      if (attributes.mode !== undefined) this.#file.mode = attributes.mode & 0o7777;
      if (attributes.atime !== undefined) this.#file.atime = attributes.atime;
      if (attributes.mtime !== undefined) this.#file.mtime = attributes.mtime;
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #check(allowed: boolean, why: string): void {
    if (this.#closed) throw filesystemError('Closed', this.path);
    if (!allowed) throw filesystemError('PermissionDenied', this.path, why);
  }
}
