import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPeerProcess, type PeerProcess } from '@tw/core/testing';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Start an example's compiled entry point the way its README says (`node dist/<entry>.js …`,
 * from the example's directory), building it first if dist is missing (CI builds before
 * testing). Other examples' tests use this too.
 */
export function startExampleProcess(example: string, entry: string, args: string[]): PeerProcess {
  const dir = join(repoRoot, 'examples', example);
  const script = join(dir, 'dist', `${entry}.js`);
  if (!existsSync(script)) {
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-b', dir], { stdio: 'inherit' });
  }
  return startPeerProcess(process.execPath, [script, ...args], { cwd: dir, name: example });
}

/**
 * {@link startExampleProcess}, resolved once `ready` matches its output (stdout or stderr),
 * with the match; fails after 15 s or if it exits first.
 */
export async function startExample(
  example: string,
  entry: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const peer = startExampleProcess(example, entry, args);
  try {
    const match = await peer.waitForOutput(ready, { timeout: 15_000 });
    return { child: peer.child, match, output: () => peer.output() };
  } catch (error) {
    await peer.stop({ signal: 'SIGKILL' });
    throw error;
  }
}

/** SIGTERM the child and resolve with its exit code. */
export function stopExample(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null) return resolveExit(child.exitCode);
    child.once('exit', (code) => resolveExit(code));
    child.kill('SIGTERM');
  });
}
