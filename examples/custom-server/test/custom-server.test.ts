import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeOverTCP, startPeerProcess, type PeerProcess } from '@tw/core/testing';

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

/** The echo answers with what it got (then we close); finger closes when done. */
const request = (port: number, text: string): Promise<string> =>
  exchangeOverTCP(port, text, { endWhen: (received) => received === text });

/** The port `[name#info] Listening on 127.0.0.1:<port>` announces. */
async function announcedPort(server: PeerProcess, name: string): Promise<number> {
  const match = await server.waitForOutput(
    new RegExp(`\\[${name}#info\\] Listening on 127\\.0\\.0\\.1:(\\d+)`),
  );
  return Number(match[1]);
}

describe('examples/custom-server', () => {
  it('serves echo and finger from one reactor and stops on SIGTERM', async () => {
    const server = startPeerProcess(process.execPath, [main, '0'], {
      env: { ...process.env, TW_DATA_DIR: dataDir },
      name: 'examples/custom-server',
    });
    try {
      const ports = {
        echo: await announcedPort(server, 'echo'),
        finger: await announcedPort(server, 'finger'),
      };
      expect(await request(ports.echo, 'ping\n')).toBe('ping\n');
      expect(await request(ports.finger, 'demo\r\n')).toMatch(/^Login: demo +Name: Demo User\r\n/);
      expect(await server.stop({ signal: 'SIGTERM' })).toEqual({ code: 0, signal: null });
    } finally {
      await server.stop({ signal: 'SIGKILL' });
    }
  });
});
