/**
 * Where a file observer writes: anything with `write(text)` — `process.stderr`, an
 * `fs.createWriteStream(path, { flags: 'a' })`, a sonic-boom destination, or a test's array.
 * Observers write one complete line per call, so a stream shared between processes in append
 * mode does not interleave half lines.
 */
export interface LogStream {
  write(text: string): unknown;
}
