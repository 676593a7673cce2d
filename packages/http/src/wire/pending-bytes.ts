/**
 * Bytes an HTTPParser was fed but has not parsed yet: an incomplete line, everything fed while
 * paused, or what a handler fed re-entrantly. Kept as a list of pieces so that a sender
 * trickling one line byte by byte costs O(n), not O(n²); joined once, when parsing resumes.
 */
export class PendingBytes {
  length = 0;
  private chunks: Buffer[] = [];

  push(data: Buffer): void {
    this.chunks.push(data);
    this.length += data.length;
  }

  /** All of it as one buffer (no copy when there is one piece); empties the list. */
  take(): Buffer {
    const chunks = this.chunks;
    const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.length);
    this.chunks = [];
    this.length = 0;
    return data;
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
  }
}
