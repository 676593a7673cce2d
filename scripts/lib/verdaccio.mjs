// A throwaway verdaccio for the publish rehearsal: configured from scripts/verdaccio.yaml in a
// temp dir, listening on 127.0.0.1 only, stopped by PID.
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { killTree, repoRoot, spawnBounded } from './workspace.mjs';

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * scripts/verdaccio.yaml with the uplink pointed at `upstream` and one local-only entry per
 * package we publish, so a same-named package upstream can never stand in for ours.
 */
export function verdaccioConfig(upstream, localPackageNames) {
  const template = readFileSync(join(repoRoot, 'scripts', 'verdaccio.yaml'), 'utf8');
  const withUplink = template.replace(/^(\s+url:\s*).*$/m, `$1${upstream}`);
  const catchAll = "  '**':\n";
  if (!withUplink.includes(catchAll))
    throw new Error(`scripts/verdaccio.yaml: no ${catchAll.trim()} entry`);
  const entries = localPackageNames
    .map(
      (name) =>
        `  '${name}':\n    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n`,
    )
    .join('');
  return withUplink.replace(catchAll, entries + catchAll);
}

function verdaccioBin() {
  const require = createRequire(join(repoRoot, 'package.json'));
  const packageJson = require.resolve('verdaccio/package.json');
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8'));
  return join(dirname(packageJson), typeof bin === 'string' ? bin : bin.verdaccio);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Starts verdaccio in `dir` (config, storage and htpasswd all live there) and waits until it
 * answers /-/ping. Returns `{ url, port, child, log, stop }`; stop() ends it by PID.
 */
export async function startVerdaccio(
  dir,
  { upstream, localPackageNames, readyTimeoutMs = 60_000 },
) {
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, verdaccioConfig(upstream, localPackageNames));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = spawnBounded(
    process.execPath,
    [verdaccioBin(), '--config', configPath, '--listen', `127.0.0.1:${port}`],
    {
      cwd: dir,
    },
  );
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killTree(child, 'SIGTERM');
    const timer = setTimeout(() => killTree(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await answers(`${url}-/ping`)) return { url, port, child, stop, log: () => log };
    await sleep(250);
  }
  await stop();
  throw new Error(
    `verdaccio did not answer on ${url} within ${readyTimeoutMs / 1000}s:\n${log.trim()}`,
  );
}

/** Registers a throwaway htpasswd user through the npm login API; returns its token. */
export async function createUser(url, name, password) {
  const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(
      `could not create user ${name} on ${url}: HTTP ${response.status} ${JSON.stringify(body)}`,
    );
  }
  return body.token;
}
