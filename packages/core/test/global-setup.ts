import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Some tests run compiled code: child processes (signals, stdio) and worker threads (a worker
 * cannot load TypeScript on Node 20). Build dist once before any test file starts. `tsc -b` is
 * incremental: after `pnpm build` (as in CI) it only compares timestamps.
 */
export default function setup(): void {
  try {
    execFileSync(
      process.execPath,
      [join(packageRoot, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-b'],
      { cwd: packageRoot, stdio: 'pipe', timeout: 240_000 },
    );
  } catch {
    // Type errors (work in progress elsewhere) still emit JavaScript; the check below decides.
  }
  const index = join(packageRoot, 'dist', 'index.js');
  if (!existsSync(index)) throw new Error(`building @tw/core did not produce ${index}`);
}
