// A throwaway OpenSSH sshd for tests and benchmarks: Debian's /usr/sbin/sshd with its own config,
// host keys and authorized_keys in a temp dir, on a free high loopback port. Never the system's
// sshd, never port 22. Plain ESM JavaScript so the JS benchmark can import it as well as the tests.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD_PATH = '/usr/sbin/sshd';
export const SFTP_SERVER_PATH = '/usr/lib/openssh/sftp-server';
export const SSH_KEYGEN_PATH = '/usr/bin/ssh-keygen';

/** True when the OpenSSH server and ssh-keygen this helper needs are installed. */
export function sshdAvailable() {
  return existsSync(SSHD_PATH) && existsSync(SSH_KEYGEN_PATH) && existsSync(SFTP_SERVER_PATH);
}

/** Ask the kernel for a free loopback port by binding port 0 and closing again. */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `SHA256:<base64 without padding>` of an OpenSSH public key line, as `ssh-keygen -l` prints it. */
export function fingerprintOf(publicKeyLine) {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/**
 * Generate a key pair with ssh-keygen (no passphrase unless given) at `path` / `path.pub`.
 * Returns the private key path, the public key line and its SHA256 fingerprint.
 */
export function generateKeyPair(path, type = 'ed25519', passphrase = '', comment = 'tw-test') {
  const args = ['-q', '-t', type, '-N', passphrase, '-C', comment, '-f', path];
  if (type === 'rsa') args.push('-b', '2048');
  execFileSync(SSH_KEYGEN_PATH, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const publicKey = readFileSync(path + '.pub', 'utf8').trim();
  return { privateKeyPath: path, publicKey, fingerprint: fingerprintOf(publicKey), type };
}

function yesNo(value) {
  return value ? 'yes' : 'no';
}

function forwardingValue(value) {
  if (value === true || value === undefined) return 'yes';
  if (value === false) return 'no';
  return value;
}

function waitForPort(port, deadline, isDead) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (isDead()) {
        reject(new Error('sshd exited before it accepted connections'));
        return;
      }
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        // Read the banner so sshd does not log a "did not receive identification" error.
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
        socket.setTimeout(2000, () => {
          socket.destroy();
          resolve();
        });
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on port ${port} in time`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function childPidsOf(pid) {
  const children = [];
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the parenthesised command name, which may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Start a throwaway sshd. Options (all optional):
 * - `authorizedKeys`: public key lines accepted for any user (written to `<dir>/authorized_keys`);
 * - `clientKey`: `true` (or a key type) to also generate a client key pair in the temp dir and
 *   authorize it; returned as `clientKey`;
 * - `hostKeyTypes`: default `['ed25519', 'rsa']`;
 * - `allowTcpForwarding` (`true`/`false`/`'local'`/`'remote'`, default `true`),
 *   `gatewayPorts` (default `false`), `allowAgentForwarding` (default `true`),
 *   `permitTTY` (default `true`), `acceptEnv` (default `['TW_*', 'LANG']`);
 * - `extraConfig`: more sshd_config lines; `logLevel` (default `'VERBOSE'`);
 * - `startTimeoutMs` (default 10000); `onLog(line)` receives sshd's stderr lines.
 *
 * Returns `{ host, port, user, dir, configPath, hostKeys, clientKey, knownHostsLines, logs(), stop() }`.
 * `hostKeys` is `[{ type, algorithm, publicKey, fingerprint, privateKeyPath }]`; `knownHostsLines`
 * are ready-made `[127.0.0.1]:port <key>` lines. `stop()` kills sshd (and its per-connection
 * children) by PID and removes the temp dir.
 */
export async function startThrowawaySshd(options = {}) {
  if (!sshdAvailable()) {
    throw new Error(`OpenSSH server not installed (${SSHD_PATH}): apt-get install openssh-server`);
  }
  // sshd refuses to start without its privilege separation directory.
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch {
    // Not root: sshd then runs without chrooting its unprivileged child; its own error says so.
  }
  const dir = mkdtempSync(join(tmpdir(), 'tw-sshd-'));
  try {
    const hostKeys = (options.hostKeyTypes ?? ['ed25519', 'rsa']).map((type) => {
      const key = generateKeyPair(join(dir, `ssh_host_${type}_key`), type, '', 'tw-throwaway-host');
      return { ...key, algorithm: key.publicKey.split(' ')[0] };
    });
    const authorized = [...(options.authorizedKeys ?? [])];
    let clientKey;
    if (options.clientKey) {
      const type = typeof options.clientKey === 'string' ? options.clientKey : 'ed25519';
      clientKey = generateKeyPair(join(dir, `client_${type}`), type, '', 'tw-throwaway-client');
      authorized.push(clientKey.publicKey);
    }
    const authorizedKeysPath = join(dir, 'authorized_keys');
    writeFileSync(authorizedKeysPath, authorized.map((k) => k.trim() + '\n').join(''), {
      mode: 0o600,
    });
    const user = process.env.USER ?? execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    const startTimeoutMs = options.startTimeoutMs ?? 10_000;
    let lastError;
    // The port found free may be taken before sshd binds it: retry a few times on that race.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await findFreePort();
      const configPath = join(dir, 'sshd_config');
      const config = [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        ...hostKeys.map((k) => `HostKey ${k.privateKeyPath}`),
        'PidFile none',
        'UsePAM no',
        'StrictModes no',
        `AuthorizedKeysFile ${authorizedKeysPath}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PrintMotd no',
        'PrintLastLog no',
        'UseDNS no',
        `AllowTcpForwarding ${forwardingValue(options.allowTcpForwarding)}`,
        `GatewayPorts ${yesNo(options.gatewayPorts ?? false)}`,
        `AllowAgentForwarding ${yesNo(options.allowAgentForwarding ?? true)}`,
        `PermitTTY ${yesNo(options.permitTTY ?? true)}`,
        'X11Forwarding no',
        `AcceptEnv ${(options.acceptEnv ?? ['TW_*', 'LANG']).join(' ')}`,
        'MaxSessions 50',
        'MaxStartups 50:30:100',
        `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
        `Subsystem sftp ${SFTP_SERVER_PATH}`,
        ...(options.extraConfig ?? []),
        '',
      ].join('\n');
      writeFileSync(configPath, config);
      const logLines = [];
      const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let exited = false;
      child.once('exit', () => {
        exited = true;
      });
      child.once('error', () => {
        exited = true;
      });
      let pending = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          logLines.push(line);
          if (logLines.length > 500) logLines.shift();
          options.onLog?.(line);
        }
      });
      try {
        await waitForPort(port, Date.now() + startTimeoutMs, () => exited);
      } catch (error) {
        killQuietly(child.pid, 'SIGKILL');
        lastError = new Error(`${error.message}: ${logLines.slice(-10).join(' | ')}`);
        if (logLines.some((l) => l.includes('Address already in use'))) continue;
        throw lastError;
      }
      const pid = child.pid;
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        for (const childPid of childPidsOf(pid)) killQuietly(childPid, 'SIGTERM');
        if (!exited) {
          const gone = new Promise((resolve) => child.once('exit', resolve));
          killQuietly(pid, 'SIGTERM');
          const timer = setTimeout(() => killQuietly(pid, 'SIGKILL'), 3000);
          await gone;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return {
        host: '127.0.0.1',
        port,
        user,
        dir,
        pid,
        configPath,
        authorizedKeysPath,
        hostKeys,
        clientKey,
        knownHostsLines: hostKeys.map((k) => `[127.0.0.1]:${port} ${k.publicKey}`),
        logs: () => logLines.slice(),
        stop,
      };
    }
    throw lastError ?? new Error('sshd did not start');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
