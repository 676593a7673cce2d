import { createRequire } from 'node:module';

import { TwError } from '@tw/core';

/** The part of node-pty's IPty the system shell uses. */
export interface PtyProcess {
  onData(listener: (data: string | Buffer) => void): unknown;
  onExit(listener: (event: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
}

export interface PtySpawnOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
  encoding: null;
}

export type PtySpawn = (file: string, args: string[], options: PtySpawnOptions) => PtyProcess;

/** node-pty could not be loaded. */
export class NodePtyMissingError extends TwError {
  constructor(cause: unknown) {
    super(
      'TW_SSH_PTY_UNAVAILABLE',
      'A pseudo-terminal was requested but node-pty could not be loaded. Install it next to @tw/ssh (`pnpm add node-pty`, which builds it from source) or connect without a pty (ssh -T).',
      { cause },
    );
  }
}

let cached: PtySpawn | null = null;

/**
 * node-pty's spawn, loaded on first use: it is an optional peer dependency with a native part,
 * so a server that never hands out a pty never needs it.
 */
export function loadNodePty(): PtySpawn {
  if (cached !== null) return cached;
  try {
    const required = createRequire(import.meta.url)('node-pty') as { spawn?: PtySpawn };
    if (typeof required.spawn !== 'function') throw new Error('node-pty has no spawn()');
    cached = required.spawn;
    return cached;
  } catch (error) {
    throw new NodePtyMissingError(error);
  }
}
