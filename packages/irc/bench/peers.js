// Starting the benchmark's two servers, each in a process of its own, and reading their memory.
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The ngircd binary (Debian: apt-get install ngircd), or null. */
export function findNgircd() {
  for (const command of ['ngircd', '/usr/sbin/ngircd']) {
    const result = spawnSync(command, ['--version'], { stdio: 'ignore' });
    if (result.error === undefined && result.status === 0) return command;
  }
  return null;
}

/** The resident set size of process `pid` in bytes (VmRSS in /proc/<pid>/status). */
export async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Start our server (bench/our-server.js) in a child process; resolves once it listens. */
export async function startOurServer() {
  const child = spawn(process.execPath, [join(here, 'our-server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await firstMatch(child, /^port (\d+)$/, 'our server');
  return { name: 'tw', child, pid: child.pid, port: Number(port), stop: () => stopChild(child) };
}

/**
 * Start ngircd with a config of its own in a temp directory, on a free high loopback port:
 * no per-address connection limit, no DNS or ident lookups, and user mode F (relaxed flood
 * protection) for everyone, so neither 1 000 clients from one address nor the sender's burst is
 * throttled. Run in the foreground (-n) so the PID we hold is the daemon's.
 */
export async function startNgircd(command) {
  const dir = await mkdtemp(join(tmpdir(), 'tw-irc-bench-ngircd-'));
  // ngircd drops root privileges to nobody, who must be able to write its PID file.
  await chmod(dir, 0o777);
  const port = await freePort();
  const config = join(dir, 'ngircd.conf');
  await writeFile(
    config,
    [
      '[Global]',
      'Name = bench.ngircd.local',
      'Info = tw irc benchmark peer',
      'AdminInfo1 = bench',
      'AdminInfo2 = bench',
      'AdminEMail = bench@localhost',
      'Listen = 127.0.0.1',
      `Ports = ${port}`,
      `PidFile = ${join(dir, 'ngircd.pid')}`,
      'ServerUID = 65534',
      'ServerGID = 65534',
      'MotdPhrase = bench',
      '[Limits]',
      'MaxConnections = 0',
      'MaxConnectionsIP = 0',
      'MaxJoins = 0',
      'PingTimeout = 600',
      'PongTimeout = 600',
      '[Options]',
      'DNS = no',
      'Ident = no',
      'PAM = no',
      'DefaultUserModes = F',
      '',
    ].join('\n'),
  );
  const child = spawn(command, ['-n', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.resume();
  await firstMatch(child, /Now listening on/, 'ngircd');
  child.stdout.resume();
  return {
    name: 'ngircd',
    child,
    pid: child.pid,
    port,
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function firstMatch(child, pattern, what) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 20 s`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before listening`)));
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (match === null) return;
      clearTimeout(timer);
      lines.close();
      resolve(match[1] ?? line);
    });
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
