/**
 * Runs OpenSSH's `sftp` and `scp` against our server: a key pair made by ssh-keygen, options
 * that keep the user's ~/.ssh and agent out of it, and async spawns (a spawnSync would block the
 * event loop our server runs on). Every run has a time limit and is killed by its PID.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type GeneratedKeyPair } from '../support/throwaway-sshd.js';

export const HAVE_OPENSSH_CLIENTS =
  spawnSync('sftp', ['-h'], { stdio: 'ignore' }).error === undefined &&
  spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

/** What a run printed and how it ended. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A client key for the OpenSSH tools, in a fresh temp dir. */
export function makeClientKey(): { dir: string; key: GeneratedKeyPair } {
  const dir = mkdtempSync(join(tmpdir(), 'tw-sftp-openssh-'));
  return { dir, key: generateKeyPair(join(dir, 'id_ed25519')) };
}

/** Options shared by ssh, sftp and scp: our key only, no host-key prompts, no config files. */
export function commonOptions(keyPath: string, cipher?: string): string[] {
  const options = [
    '-F',
    '/dev/null',
    '-i',
    keyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
  ];
  if (cipher !== undefined) options.push('-c', cipher);
  return options;
}

/** Runs `command args`, killing it after `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Its own process group: sftp and scp start ssh, which holds the pipes; a timeout kills both.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs an `sftp -b` batch against 127.0.0.1:`port` as `user`. */
export function sftpBatch(
  port: number,
  keyPath: string,
  dir: string,
  commands: readonly string[],
  user = 'demo',
): Promise<RunResult> {
  const batch = join(dir, `batch-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batch, commands.join('\n') + '\n');
  return run('sftp', [
    ...commonOptions(keyPath),
    '-P',
    String(port),
    '-b',
    batch,
    `${user}@127.0.0.1`,
  ]);
}
