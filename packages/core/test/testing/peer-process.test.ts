import { afterAll, describe, expect, it } from 'vitest';

import {
  PeerProcessError,
  PortWaitError,
  freeTCPPort,
  startPeerProcess,
  stopPeerProcesses,
} from '../../src/testing/index.js';

afterAll(() => stopPeerProcesses());

/** Node itself stands in for a third-party peer: always installed. */
const node = (script: string, name = 'node peer') =>
  startPeerProcess(process.execPath, ['-e', script], { name });

describe('startPeerProcess', () => {
  it('collects stdout and stderr and waits for a line', async () => {
    const peer = node(
      "process.stderr.write('warming up\\n'); setTimeout(() => console.log('ready on 42'), 50);" +
        'setInterval(() => {}, 1000);',
    );
    expect(peer.pid).toBeGreaterThan(0);
    const match = await peer.waitForOutput(/ready on (\d+)/);
    expect([match[0], match[1]]).toEqual(['ready on 42', '42']);
    expect((await peer.waitForOutput('warming up'))[0]).toBe('warming up');
    expect(peer.stdout).toBe('ready on 42\n');
    expect(peer.stderr).toBe('warming up\n');
    expect(peer.running).toBe(true);
    const exit = await peer.stop();
    expect(exit.signal).toBe('SIGTERM');
    expect(peer.running).toBe(false);
    await expect(peer.stop()).resolves.toEqual(exit);
  });

  it('waits for the port the peer opens', async () => {
    const port = await freeTCPPort();
    const peer = node(
      `setTimeout(() => require('node:net').createServer((s) => s.end()).listen(${port}, '127.0.0.1'), 100);`,
    );
    await expect(peer.waitForPort(port, { timeout: 5_000 })).resolves.toBeUndefined();
    await peer.stop();
  });

  it('stops waiting for a port as soon as the peer exits, with its output', async () => {
    const port = await freeTCPPort();
    const peer = node("console.error('bad config line 3'); process.exit(2);", 'fake nginx');
    const error = await peer.waitForPort(port, { timeout: 60_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(PortWaitError);
    expect(error.message).toContain('fake nginx exited (code 2)');
    expect(error.message).toContain('bad config line 3');
  });

  it('finds output printed just before the peer exits', async () => {
    const peer = node(
      "process.stdout.write('x'.repeat(100000) + 'last words\\n'); process.exit(0);",
    );
    expect((await peer.waitForOutput('last words'))[0]).toBe('last words');
    await expect(peer.exited).resolves.toEqual({ code: 0, signal: null });
  });

  it('rejects waitForOutput when the peer exits without printing it', async () => {
    const peer = node("console.log('something else')");
    const error = await peer.waitForOutput('never printed', { timeout: 60_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(PeerProcessError);
    expect(error.code).toBe('TW_TESTING_PEER_OUTPUT_WAIT');
    expect(error.message).toContain('something else');
  });

  it('kills a peer that ignores SIGTERM after killAfter', async () => {
    const peer = node(
      "process.on('SIGTERM', () => console.log('ignoring')); console.log('up'); setInterval(() => {}, 1000);",
    );
    await peer.waitForOutput('up');
    const exit = await peer.stop({ killAfter: 200 });
    expect(exit.signal).toBe('SIGKILL');
  });

  it('stopPeerProcesses stops every peer still running', async () => {
    const peers = [node('setInterval(() => {}, 1000)'), node('setInterval(() => {}, 1000)')];
    await stopPeerProcesses();
    expect(peers.map((peer) => peer.running)).toEqual([false, false]);
  });

  it('throws a PeerProcessError for a command that does not exist', () => {
    expect(() => startPeerProcess('/nonexistent/tw-peer')).toThrow(PeerProcessError);
  });
});
