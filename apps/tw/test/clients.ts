import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as connectTLS } from 'node:tls';
import { repoRoot } from './harness.js';

/**
 * Open a connection, optionally send `send`, and resolve with what arrived once `done` says it
 * is complete (or the server closed). Every test client here is bounded by the test timeout.
 */
export function converse(
  port: number,
  send: string | null,
  done: (received: string) => boolean,
  tls: { ca: string } | null = null,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const onConnect = (): void => {
      if (send !== null) socket.write(send);
    };
    const socket =
      tls === null
        ? connect({ host: '127.0.0.1', port }, onConnect)
        : connectTLS(
            { host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(tls.ca) },
            onConnect,
          );
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (done(received)) {
        socket.end();
        resolve(received);
      }
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

/**
 * Run `command` with `sh -c` in the repository root (as a user pasting it would), feed it
 * `input`, and resolve with its stdout once it exits 0; reject with its stderr otherwise.
 */
export function runShell(command: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`\`${command}\` exited with ${code}: ${stderr}\nstdout: ${stdout}`));
    });
    child.stdin.end(input);
  });
}
