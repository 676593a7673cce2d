import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import { PortWaitError, freeTCPPort, waitForTCPPort } from '../../src/testing/index.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0))
    await new Promise<void>((resolve) => server.close(() => resolve()));
});

function listen(port: number): Promise<void> {
  const server = net.createServer((socket) => socket.destroy());
  servers.push(server);
  return new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
}

describe('waitForTCPPort', () => {
  it('resolves once a server that starts later accepts', async () => {
    const port = await freeTCPPort();
    const waiting = waitForTCPPort('127.0.0.1', port, { timeout: 5_000 });
    setTimeout(() => void listen(port), 100);
    await expect(waiting).resolves.toBeUndefined();
  });

  it('rejects with a PortWaitError naming the port when nothing listens', async () => {
    const port = await freeTCPPort();
    const error = await waitForTCPPort('127.0.0.1', port, { timeout: 200 }).catch((e) => e);
    expect(error).toBeInstanceOf(PortWaitError);
    expect(error.code).toBe('TW_TESTING_PORT_WAIT');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('gives up at once with the reason abortIf gives', async () => {
    const port = await freeTCPPort();
    const error = await waitForTCPPort('127.0.0.1', port, {
      timeout: 60_000,
      abortIf: () => 'the server exited (code 1)',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(PortWaitError);
    expect(error.message).toContain('the server exited (code 1)');
  });
});

describe('freeTCPPort', () => {
  it('returns a port that can be bound on loopback', async () => {
    const port = await freeTCPPort('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    await expect(listen(port)).resolves.toBeUndefined();
  });
});
