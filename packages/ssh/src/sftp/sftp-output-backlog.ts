import type { SFTPWrapper } from 'ssh2';

/** The parts of ssh2's SFTP object (lib/protocol/SFTP.js) that hold replies the window refused. */
interface SFTPInternals {
  _buffer?: unknown;
  _chunkcb?: unknown;
}

/**
 * How many reply bytes ssh2 holds for a client whose SSH window is shut, and a signal when the
 * window opens again. ssh2 has no public API for either on a server-side SFTP stream: a reply
 * the window cannot take goes into `_buffer`, and on CHANNEL_WINDOW_ADJUST ssh2 calls
 * `_chunkcb` to flush it. We read the first and wrap the second; if a future ssh2 changes them,
 * `bytes()` reads 0 and the drain hook never fires, which leaves the pending-request limit as
 * the bound (the session then polls on each incoming request).
 */
export class SFTPOutputBacklog {
  readonly #sftp: SFTPInternals;

  constructor(sftp: SFTPWrapper, onDrain: () => void) {
    this.#sftp = sftp as unknown as SFTPInternals;
    const internals = this.#sftp;
    if (!Array.isArray(internals._buffer)) return;
    let inner: unknown = internals._chunkcb;
    function drained(this: unknown, ...args: unknown[]): void {
      const flush = inner;
      if (typeof flush === 'function') (flush as (...a: unknown[]) => void).apply(this, args);
      onDrain();
    }
    Object.defineProperty(internals, '_chunkcb', {
      configurable: true,
      enumerable: true,
      get: () => (inner === undefined ? undefined : drained),
      set: (value: unknown) => {
        inner = value;
      },
    });
  }

  /** Reply bytes waiting for the client's window. */
  bytes(): number {
    const buffer = this.#sftp._buffer;
    if (!Array.isArray(buffer)) return 0;
    let total = 0;
    for (const chunk of buffer as { length?: unknown }[]) {
      if (typeof chunk.length === 'number') total += chunk.length;
    }
    return total;
  }
}
