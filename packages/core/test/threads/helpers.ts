import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Source folders whose compiled output pool workers load (worker scripts and what they import). */
const WORKER_SOURCES = ['threads', 'errors'];

/** True when some .ts file under `dir` has no compiled .js in dist, or a newer one than it. */
function staleUnder(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (staleUnder(path)) return true;
      continue;
    }
    if (!entry.name.endsWith('.ts')) continue;
    const built = path
      .replace(join(packageRoot, 'src'), join(packageRoot, 'dist'))
      .replace(/\.ts$/, '.js');
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs) return true;
  }
  return false;
}

/**
 * Pool workers run the compiled worker scripts from dist/threads (tests run the TypeScript
 * sources, which a worker thread cannot load). CI builds before testing; locally, build when
 * dist is missing or older than the sources. Call from beforeAll with a long timeout.
 */
export function ensureWorkerScriptsBuilt(): void {
  const stale = WORKER_SOURCES.some((dir) => staleUnder(join(packageRoot, 'src', dir)));
  if (stale) {
    try {
      execFileSync(
        process.execPath,
        [join(packageRoot, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-b'],
        { cwd: packageRoot, stdio: 'pipe', timeout: 170_000 },
      );
    } catch {
      // Type errors elsewhere in the package still emit JavaScript; the check below decides.
    }
  }
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
