// Interop: Debian's `finger` client (bsd-finger) against our server. The client only speaks to
// port 79, so the server must bind it: that needs root (or CAP_NET_BIND_SERVICE). CI installs
// the client (scripts/install-peers.sh) and runs as root, so there a missing peer fails the
// test; elsewhere the test is skipped with a message saying what is missing.
import { execFile, execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NodeReactor, type IListeningPort } from '@tw/core';
import { FingerFactory, MemoryFingerDirectory } from '../../src/index.js';

const inCI = process.env['CI'] === 'true';

function findFingerClient(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v finger'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

const client = findFingerClient();
const canBindPort79 = process.getuid?.() === 0;
const missing =
  client === null
    ? 'the `finger` client (apt-get install finger)'
    : !canBindPort79
      ? 'root, to bind port 79 (the finger client has no port option)'
      : null;
if (missing !== null) {
  if (inCI) throw new Error(`finger interop test needs ${missing}`);
  console.warn(`SKIPPING finger interop test: it needs ${missing}.`);
}

function runFinger(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(client!, args, { timeout: 10_000 }, (error, stdout, stderr) =>
      error === null
        ? resolve(stdout)
        : reject(new Error(`finger ${args.join(' ')} failed: ${stderr}`, { cause: error })),
    );
  });
}

describe.skipIf(missing !== null)('Debian finger client against FingerServer', () => {
  it('reads a user, a verbose (/W) reply, and the forwarding refusal', async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false });
    const directory = new MemoryFingerDirectory([
      {
        login: 'demo',
        name: 'Demo User',
        office: 'Loopback 127',
        plan: 'Testing with bsd-finger.\n',
      },
    ]);
    const port: IListeningPort = await reactor.listenTCP(
      79,
      new FingerFactory(directory, reactor),
      {
        interface: '127.0.0.1',
      },
    );
    try {
      const short = await runFinger('demo@127.0.0.1');
      expect(short).toMatch(/Login: demo +Name: Demo User/);
      expect(short).toContain('Testing with bsd-finger.');

      // -l makes the client send "/W demo": our verbose reply adds the office.
      const long = await runFinger('-l', 'demo@127.0.0.1');
      expect(long).toContain('Office: Loopback 127');

      // "a@b@127.0.0.1" asks 127.0.0.1 to forward to b.
      expect(await runFinger('demo@elsewhere@127.0.0.1')).toContain(
        'Finger forwarding service denied',
      );
      expect(await runFinger('ghost@127.0.0.1')).toContain('finger: ghost: no such user.');
    } finally {
      await port.stopListening();
    }
  });
});
