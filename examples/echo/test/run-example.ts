import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Start an example's compiled entry point the way its README says (`node dist/<entry>.js …`),
 * building it first if dist is missing (CI builds before testing). Resolves once `ready` matches
 * a line of its stdout, with the match.
 */
export async function startExample(
  example: string,
  entry: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const dir = join(repoRoot, 'examples', example);
  const script = join(dir, 'dist', `${entry}.js`);
  if (!existsSync(script)) {
    execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-b', dir], { stdio: 'inherit' });
  }
  const child = spawn(process.execPath, [script, ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const match = await new Promise<RegExpMatchArray>((resolveMatch, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${example} did not print ${ready} in 15 s:\n${output}`)),
      15_000,
    );
    const onData = (data: Buffer): void => {
      output += data.toString();
      const found = output.match(ready);
      if (found) {
        clearTimeout(timer);
        resolveMatch(found);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${example} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { child, match, output: () => output };
}

/** SIGTERM the child and resolve with its exit code. */
export function stopExample(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null) return resolveExit(child.exitCode);
    child.once('exit', (code) => resolveExit(code));
    child.kill('SIGTERM');
  });
}
