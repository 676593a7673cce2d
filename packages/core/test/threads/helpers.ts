import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Failure } from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..', '..');

/** Fixtures that run inside workers: plain .mjs, since a worker on Node 20 cannot load .ts. */
export const workFixture = new URL('./fixtures/work.mjs', import.meta.url);
export const interactionsFixture = new URL('./fixtures/interactions.mjs', import.meta.url);

/** What the reactor-side fixture functions recorded (see fixtures/reactor-side.mjs). */
export interface RecordedCall {
  readonly label: string;
  readonly fromThreadId?: number;
  readonly onMainThread: boolean;
}

export function recordedCalls(): RecordedCall[] {
  const global = globalThis as { __twThreadFixtureCalls?: RecordedCall[] };
  global.__twThreadFixtureCalls ??= [];
  return global.__twThreadFixtureCalls;
}

/**
 * Pool workers run the compiled worker scripts from dist/threads (tests run the TypeScript
 * sources, which a worker thread cannot load); the core project's globalSetup builds dist.
 * Fail early, with the path, if a script is missing.
 */
export function ensureWorkerScriptsBuilt(): void {
  for (const script of ['pool-worker.js', 'adbapi-worker.js', 'worker-api.js']) {
    const path = join(packageRoot, 'dist', 'threads', script);
    if (!existsSync(path)) throw new Error(`Building @tw/core did not produce ${path}`);
  }
}

/** Wait (on real time) until `predicate` holds; fails after `attempts` polls of 10 ms. */
export async function until(predicate: () => boolean, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached within the polling budget');
}

/** The failure a Deferred (or promise) ends with; throws if it succeeds. */
export async function failureOf(result: PromiseLike<unknown>): Promise<Failure> {
  try {
    await result;
  } catch (error) {
    return new Failure(error);
  }
  throw new Error('expected a failure, got a result');
}
