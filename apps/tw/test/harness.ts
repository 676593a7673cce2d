import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const binPath = join(repoRoot, 'apps', 'tw', 'dist', 'bin.js');

/** A running `tw` process with its output collected as it comes. */
export interface TwProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Fires with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves once stdout matches `pattern` (rejects if the process exits first). */
  waitForStdout(pattern: RegExp): Promise<RegExpMatchArray>;
}

const running = new Set<ChildProcess>();

/** Start `node dist/bin.js ...args` in the repository root (where the example plugins are installed). */
export function startTw(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): TwProcess {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, TW_PLUGIN_PATH: '', TW_PORT_BASE: '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const proc: TwProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) =>
      child.once('exit', (code) => {
        running.delete(child);
        resolve(code);
      }),
    ),
    waitForStdout(pattern) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const match = pattern.exec(proc.stdout);
          if (match !== null) resolve(match);
          return match !== null;
        };
        if (check()) return;
        const onData = (): void => {
          if (check()) child.stdout!.off('data', onData);
        };
        child.stdout!.on('data', onData);
        child.once('exit', () =>
          reject(
            new Error(`tw exited before printing ${pattern}:\n${proc.stdout}\n${proc.stderr}`),
          ),
        );
      });
    },
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (proc.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (proc.stderr += chunk));
  return proc;
}

/** Run `tw ...args` to completion. */
export async function runTw(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = startTw(args, options);
  const code = await proc.exited;
  // Let the pipes drain what was written just before exit.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/** Kill (SIGKILL) every tw process a test left running. */
export function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** One row of the table `tw` prints: `  echo     127.0.0.1:33927  nc 127.0.0.1 33927`. */
export interface TableRow {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly connect: string;
}

/** The rows of the table in `stdout` (after "tw is serving:"). */
export function parseTable(stdout: string): TableRow[] {
  const table = stdout.slice(stdout.indexOf('tw is serving:'));
  const rows: TableRow[] = [];
  for (const match of table.matchAll(/^ {2}(\S+) +(127\.0\.0\.1):(\d+) +(.+)$/gm)) {
    rows.push({ service: match[1]!, host: match[2]!, port: Number(match[3]), connect: match[4]! });
  }
  return rows;
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
