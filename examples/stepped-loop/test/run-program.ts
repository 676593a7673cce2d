import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunningProgram {
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once `pattern` matches the output (fails after 15 s or if the program exits). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (fails after 20 s: the program must end on its own). */
  exited: Promise<number | null>;
}

/**
 * Start an example's compiled entry point the way its README says (`node dist/<entry>.js …`,
 * from the example's directory), building it first if dist is missing (CI builds first).
 */
export function startProgram(example: string, entry: string, args: string[]): RunningProgram {
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
  const listeners = new Set<() => void>();
  const onData = (data: Buffer): void => {
    output += data.toString();
    for (const listener of [...listeners]) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolveExit, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${example} did not exit within 20 s:\n${output}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
  exited.catch(() => {});
  const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolveMatch, reject) => {
      const check = (): void => {
        const found = output.match(pattern);
        if (found === null) return;
        done();
        resolveMatch(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${example} did not print ${pattern} in 15 s:\n${output}`));
      }, 15_000);
      const onExit = (): void => {
        setImmediate(() => {
          if (output.match(pattern) !== null) return check();
          done();
          reject(new Error(`${example} exited before printing ${pattern}:\n${output}`));
        });
      };
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });
  return { child, output: () => output, waitFor, exited };
}
