// Finding the benchmark's tools and starting its servers, each in a process of its own.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';

/** The first command of `candidates` for which `probe` (its args) exits 0, or null. */
export function findCommand(candidates, probe) {
  for (const command of candidates) {
    const result = spawnSync(command, probe, { stdio: 'ignore' });
    if (result.status === 0) return command;
  }
  return null;
}

/** wrk (Debian: apt-get install wrk), or null. */
export function findWrk() {
  // `wrk --version` exits 1; `wrk -v` prints the version and exits 1 too: look for the binary.
  for (const command of ['wrk', '/usr/bin/wrk']) {
    const result = spawnSync(command, ['-v'], { encoding: 'utf8' });
    if (result.error === undefined && /wrk/.test(`${result.stdout}${result.stderr}`))
      return command;
  }
  return null;
}

/** A Python 3 with Twisted (Debian: python3-twisted, for /usr/bin/python3), or null. */
export function findTwistedPython() {
  return findCommand(['/usr/bin/python3', 'python3'], ['-c', 'import twisted.web.server']);
}

/**
 * CPU pinning, when taskset is there and the machine has two CPUs or more: wrk on CPU 0 and
 * every server on CPU 1, so that they do not fight over one CPU while the other idles, and
 * every server gets the same treatment. Returns the prefix to run a command with.
 */
export function pinning() {
  const taskset = findCommand(['taskset'], ['-c', '0', 'true']);
  if (taskset === null || availableParallelism() < 2) return { wrk: [], server: [] };
  return { wrk: [taskset, '-c', '0'], server: [taskset, '-c', '1'] };
}

/**
 * Start `command args` and wait for it to print `port <n>`. Resolves with { name, port, pid,
 * stop() }; stop() sends SIGTERM to that PID and waits for the exit.
 */
export function startServer(name, command, args, prefix = []) {
  // taskset execs the command: the PID stays the server's.
  const argv = [...prefix, command, ...args];
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not print its port within 15 s:\n${stderr}`));
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^port (\d+)$/.exec(line.trim());
      if (match === null) return;
      clearTimeout(timer);
      resolve({
        name,
        port: Number(match[1]),
        pid: child.pid,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timeout);
        },
      });
    });
  });
}

/** Check that the server at `port` answers GET / with "Hello, World!". */
export async function checkHello(server) {
  const response = await fetch(`http://127.0.0.1:${server.port}/`);
  const body = await response.text();
  if (response.status !== 200 || body !== 'Hello, World!') {
    throw new Error(`${server.name} answered ${response.status} ${JSON.stringify(body)}`);
  }
}
