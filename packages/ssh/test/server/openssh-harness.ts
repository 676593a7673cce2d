/**
 * Runs `tw ssh` (the plugin's service, on a NodeReactor, in this process) in a temporary data
 * directory and drives it with OpenSSH's real client programs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { StreamServerEndpointService } from '@tw/core';
import { Logger, NodeReactor, setPasswordInFile, type IService, type MultiService } from '@tw/core';

import sshPlugin, { type SSHPluginOptions } from '../../src/plugin/ssh-plugin.js';
import { DEMO_KEY_FILE, HOST_KEY_ALIAS, KNOWN_HOSTS_FILE } from '../../src/plugin/ssh-data-dir.js';

/** Whether a program can be run (`which`). */
export function hasProgram(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export interface RunningSSHServer {
  readonly port: number;
  readonly dataDir: string;
  readonly reactor: NodeReactor;
  /** OpenSSH options that trust the server and log in as demo with the demo key. */
  readonly sshOptions: string[];
  /** sshOptions without `-p <port>`, for scp and sftp (which take `-P <port>`). */
  readonly keyOptions: string[];
  /** The same, without the key: password authentication through SSH_ASKPASS. */
  readonly passwordOptions: string[];
  /** The environment that makes ssh read the password `password` from an askpass script. */
  askpassEnv(password: string): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Start `tw ssh` with `options` on a free loopback port. */
export async function startTwSSH(
  options: Partial<SSHPluginOptions> = {},
): Promise<RunningSSHServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-ssh-'));
  chmodSync(dataDir, 0o700);
  await setPasswordInFile(join(dataDir, 'passwd'), 'demo', 'demo');
  await sshPlugin.prepareDataDir!(dataDir);
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const service = (await sshPlugin.makeService(
    {
      listen: ['tcp:0:interface=127.0.0.1'],
      exec: 'shell',
      allowForwarding: [],
      allowRemoteForwarding: false,
      sftp: true,
      maxAuthAttempts: 6,
      maxConnectionsPerPeer: 10,
      idleTimeout: 3600,
      ...options,
    },
    { reactor, log: new Logger('tw.ssh.test'), dataDir },
  )) as MultiService;
  await service.startService();
  let port = 0;
  for (const child of service as Iterable<IService>) {
    const address = (child as StreamServerEndpointService).listeningPort?.getHost();
    if (address !== undefined && (address.family === 'IPv4' || address.family === 'IPv6'))
      port = address.port;
  }
  const common = [
    '-F',
    '/dev/null',
    '-o',
    `UserKnownHostsFile=${join(dataDir, KNOWN_HOSTS_FILE)}`,
    '-o',
    `HostKeyAlias=${HOST_KEY_ALIAS}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'ConnectTimeout=10',
  ];
  const keyOptions = [
    ...common,
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-i',
    join(dataDir, DEMO_KEY_FILE),
  ];
  const askpass = join(dataDir, 'askpass.sh');
  return {
    port,
    dataDir,
    reactor,
    sshOptions: ['-p', String(port), ...keyOptions],
    keyOptions,
    passwordOptions: [
      '-p',
      String(port),
      ...common,
      '-o',
      'PreferredAuthentications=password',
      '-o',
      'PubkeyAuthentication=no',
      '-o',
      'NumberOfPasswordPrompts=1',
    ],
    askpassEnv(password: string) {
      writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${password.replaceAll("'", "'\\''")}'\n`, {
        mode: 0o700,
      });
      return { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
    },
    async stop() {
      await service.stopService();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ProgramResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a program (no shell), feed `input`, collect its output; killed after `timeoutMs`. */
export function runProgram(
  program: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // own session: no controlling terminal, so ssh uses SSH_ASKPASS
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
