import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(packageRoot, '..', '..');
const main = join(packageRoot, 'dist', 'main.js');
const dataDir = mkdtempSync(join(tmpdir(), 'tw-custom-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

beforeAll(() => {
  try {
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', packageRoot],
      {
        cwd: repoRoot,
        stdio: 'pipe',
        timeout: 170_000,
      },
    );
  } catch {
    // Type errors elsewhere still emit JavaScript; the check below decides.
  }
  expect(existsSync(main)).toBe(true);
}, 180_000);

function request(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      // The echo answers with what it got; finger closes when done.
      if (received === text) socket.end();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('examples/custom-server', () => {
  it('serves echo and finger from one reactor and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [main, '0'], {
      env: { ...process.env, TW_DATA_DIR: dataDir },
    });
    try {
      let stdout = '';
      const ports = await new Promise<Record<string, number>>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          const found = Object.fromEntries(
            [...stdout.matchAll(/\[(echo|finger)#info\] Listening on 127\.0\.0\.1:(\d+)/g)].map(
              (m) => [m[1], Number(m[2])],
            ),
          );
          if (found['echo'] !== undefined && found['finger'] !== undefined) resolve(found);
        });
        child.once('exit', () => reject(new Error(`exited early:\n${stdout}`)));
      });
      expect(await request(ports['echo']!, 'ping\n')).toBe('ping\n');
      expect(await request(ports['finger']!, 'demo\r\n')).toMatch(
        /^Login: demo +Name: Demo User\r\n/,
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
