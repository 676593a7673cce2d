import type { IFileHandle } from './interfaces.js';

/** Options of `readChunks`. */
export interface ReadChunksOptions {
  /** Where to start (FTP REST); default 0. */
  readonly position?: number;
  /** Bytes per chunk; default 64 KiB. */
  readonly chunkSize?: number;
}

/**
 * The file from `position` to its end, one chunk at a time: what an FTP RETR (after REST) or any
 * other streaming download needs. Pulling drives reading, so a consumer that waits for its
 * transport to drain before asking for the next chunk holds one chunk in memory, whatever the
 * file's size.
 */
export async function* readChunks(
  handle: IFileHandle,
  options: ReadChunksOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const chunkSize = options.chunkSize ?? 64 * 1024;
  let position = options.position ?? 0;
  for (;;) {
    const chunk = await handle.read(position, chunkSize);
    if (chunk.length === 0) return;
    position += chunk.length;
    yield chunk;
  }
}
