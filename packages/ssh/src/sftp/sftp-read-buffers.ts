/**
 * Buffers for READ replies, reused: ssh2 copies the data into its own packet synchronously in
 * `sftp.data()`, so a buffer is free again as soon as its reply is sent. A large download then
 * allocates a window's worth of buffers instead of one per chunk, which keeps allocation and
 * the garbage collector out of the transfer. Bounded: the kept buffers total at most
 * `maxKeptBytes` (the session passes its read high-water mark), so an idle session holds little.
 */
export class SFTPReadBuffers {
  readonly #free = new Map<number, Buffer[]>();
  readonly #maxKeptBytes: number;
  #keptBytes = 0;

  constructor(maxKeptBytes: number) {
    this.#maxKeptBytes = maxKeptBytes;
  }

  take(length: number): Buffer {
    const buffer = this.#free.get(length)?.pop();
    if (buffer === undefined) return Buffer.allocUnsafeSlow(length);
    this.#keptBytes -= buffer.length;
    return buffer;
  }

  give(buffer: Buffer): void {
    if (this.#keptBytes + buffer.length > this.#maxKeptBytes) return;
    let list = this.#free.get(buffer.length);
    if (list === undefined) {
      // Clients use one or two read sizes; forget others rather than keep every size ever seen.
      if (this.#free.size >= 4) {
        this.#free.clear();
        this.#keptBytes = 0;
      }
      list = [];
      this.#free.set(buffer.length, list);
    }
    list.push(buffer);
    this.#keptBytes += buffer.length;
  }

  /** Drops every kept buffer (the session is over). */
  clear(): void {
    this.#free.clear();
    this.#keptBytes = 0;
  }
}
