import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { binPath, repoRoot } from './harness.js';

/**
 * The CLI tests spawn `node apps/tw/dist/bin.js`, which loads the plugins' built modules, so
 * build the CLI and the plugins (the examples, @tw/http's `tw web`, @tw/irc's `tw irc`) first.
 * `tsc -b` is incremental: after `pnpm build` (as in CI) it only checks timestamps.
 */
export default function setup(): void {
  const projects = [
    'apps/tw',
    'examples/echo',
    'examples/chat',
    'examples/finger',
    'packages/http',
    'packages/irc',
  ];
  try {
    execFileSync(
      process.execPath,
      [`${repoRoot}/node_modules/typescript/bin/tsc`, '-b', ...projects],
      {
        cwd: repoRoot,
        stdio: 'pipe',
        timeout: 240_000,
      },
    );
  } catch {
    // Type errors (in work elsewhere in progress) still emit JavaScript; the check below decides.
  }
  if (!existsSync(binPath)) throw new Error(`building the CLI did not produce ${binPath}`);
}
