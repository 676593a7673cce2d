import type { DirectoryEntry, IFileHandle } from '@tw/vfs';

/**
 * An open file, with the chains that keep its writes, and the replies to its reads, in request
 * order (reads themselves run concurrently).
 */
export interface OpenFile {
  readonly kind: 'file';
  readonly file: IFileHandle;
  writes: Promise<void>;
  readReplies: Promise<void>;
}

/** An open directory: its listing, taken at OPENDIR, handed out in READDIR batches. */
export interface OpenDirectory {
  readonly kind: 'directory';
  readonly path: string;
  readonly entries: DirectoryEntry[];
  next: number;
}

export type OpenHandle = OpenFile | OpenDirectory;

/**
 * The handles of one session. A handle on the wire is 4 bytes: a counter, never reused within the
 * session, so a stale handle from a closed file cannot reach a newer one.
 */
export class SFTPHandleTable {
  readonly #open = new Map<number, OpenHandle>();
  #nextId = 1;

  get size(): number {
    return this.#open.size;
  }

  add(handle: OpenHandle): Buffer {
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) >>> 0 || 1;
    this.#open.set(id, handle);
    const wire = Buffer.alloc(4);
    wire.writeUInt32BE(id, 0);
    return wire;
  }

  get(wire: Buffer): OpenHandle | undefined {
    return wire.length === 4 ? this.#open.get(wire.readUInt32BE(0)) : undefined;
  }

  delete(wire: Buffer): OpenHandle | undefined {
    const handle = this.get(wire);
    if (handle !== undefined) this.#open.delete(wire.readUInt32BE(0));
    return handle;
  }

  /** Removes and returns every handle (the session is over). */
  drain(): OpenHandle[] {
    const all = [...this.#open.values()];
    this.#open.clear();
    return all;
  }
}
