import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'fixtures', 'graceful-server.mjs');

let child: ChildProcess | null = null;
afterEach(() => {
  if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
});

describe('NodeReactor signals', () => {
  for (const signalName of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signalName} stops a running server gracefully: triggers run, clients get the goodbye, exit 0`, async () => {
      const proc = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let stdout = '';
      let stderr = '';
      const exited = new Promise<number | null>((resolve) =>
        proc.once('exit', (code) => resolve(code)),
      );
      const port = await new Promise<number>((resolve, reject) => {
        proc.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /listening (\d+)/.exec(stdout);
          if (match) resolve(Number(match[1]));
        });
        proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        proc.once('exit', () => reject(new Error(`child exited early: ${stderr}`)));
      });

      const socket = createConnection({ host: '127.0.0.1', port });
      let received = '';
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      await new Promise<void>((resolve) =>
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString();
          if (received === 'hello\n') resolve();
        }),
      );
      proc.kill(signalName);
      await closed;
      expect(received).toBe('hello\nbye\n');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(
        /before shutdown\n[^]*client lost: ConnectionDone\n[^]*after shutdown\nstopped\n/,
      );
      expect(stderr).toBe('');
    });
  }
});
