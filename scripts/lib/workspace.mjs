// Helpers the release scripts share: the workspace's packages as pnpm sees them, and child
// processes that cannot hang (every one has a deadline and is killed with its whole group).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (scripts/lib/ is two levels below it). */
export const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * Every workspace package except the root, from `pnpm ls -r` (so pnpm-workspace.yaml decides),
 * with its package.json read: `{ name, version, dir, private, manifest }`.
 */
export async function listWorkspacePackages(root = repoRoot) {
  const { stdout } = await run('pnpm', ['ls', '-r', '--depth', '-1', '--json'], {
    cwd: root,
    timeoutMs: 60_000,
    quiet: true,
  });
  /** @type {{ name?: string, path: string }[]} */
  const listed = JSON.parse(stdout);
  return listed
    .filter((entry) => entry.path !== root)
    .map((entry) => {
      const manifest = JSON.parse(readFileSync(join(entry.path, 'package.json'), 'utf8'));
      return {
        name: manifest.name,
        version: manifest.version,
        dir: entry.path,
        private: manifest.private === true,
        manifest,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
];

/** Names of workspace packages a manifest depends on through the `workspace:` protocol. */
export function workspaceDependencyNames(manifest, workspaceNames) {
  const names = new Set();
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (workspaceNames.has(name) && String(spec).startsWith('workspace:')) names.add(name);
    }
  }
  return [...names].sort();
}

/** Packages ordered so each comes after the workspace packages it depends on. */
export function topologicalOrder(packages) {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const names = new Set(byName.keys());
  const ordered = [];
  const state = new Map();
  const visit = (pkg, trail) => {
    if (state.get(pkg.name) === 'done') return;
    if (state.get(pkg.name) === 'visiting') {
      throw new Error(`workspace dependency cycle: ${[...trail, pkg.name].join(' → ')}`);
    }
    state.set(pkg.name, 'visiting');
    for (const dep of workspaceDependencyNames(pkg.manifest, names))
      visit(byName.get(dep), [...trail, pkg.name]);
    state.set(pkg.name, 'done');
    ordered.push(pkg);
  };
  for (const pkg of packages) visit(pkg, []);
  return ordered;
}

/** Children still running, so a watchdog or a signal handler can end them all. */
export const liveChildren = new Set();

/** Ends a child started by run()/spawnBounded() and everything it started (its process group). */
export function killTree(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Starts a command in its own process group (so a timeout ends its children too) and records it
 * in liveChildren until it exits.
 */
export function spawnBounded(command, args, { cwd, env, stdio = ['ignore', 'pipe', 'pipe'] } = {}) {
  const child = spawn(command, args, { cwd, env: env ?? process.env, stdio, detached: true });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => liveChildren.delete(child));
  return child;
}

/**
 * Runs a command to completion within timeoutMs. Resolves with its output when it exits 0;
 * rejects with an error that quotes the command and the end of its output otherwise.
 * Output is echoed (indented) unless quiet.
 */
export function run(command, args, { cwd, env, timeoutMs, quiet = false, input } = {}) {
  if (!timeoutMs) throw new Error(`run(${command}): a timeoutMs is required`);
  return new Promise((resolve, reject) => {
    const child = spawnBounded(command, args, {
      cwd,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const echo = (text) => {
      if (!quiet) process.stdout.write(text.replace(/^(?=.)/gm, '    '));
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      echo(String(chunk));
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      echo(String(chunk));
    });
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child);
      setTimeout(() => killTree(child, 'SIGKILL'), 5_000).unref();
    }, timeoutMs);
    const shown = `${command} ${args.join(' ')}`;
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start \`${shown}\`: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) {
        resolve({ stdout, stderr });
        return;
      }
      const why = timedOut
        ? `did not finish within ${timeoutMs / 1000}s`
        : `exited with ${code ?? signal}`;
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n');
      reject(
        new Error(
          `\`${shown}\` (in ${cwd ?? process.cwd()}) ${why}${quiet && tail ? `:\n${tail}` : ''}`,
        ),
      );
    });
  });
}
