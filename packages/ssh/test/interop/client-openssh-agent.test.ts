import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { isTwError } from '@tw/core';
import { requirePeer, startPeerProcess, type PeerProcess } from '@tw/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  opensshPresent,
  startOpenSSHFixture,
  type OpenSSHFixture,
} from '../support/openssh-fixture.js';

/** Agent authentication with a real ssh-agent (started and stopped by PID) against OpenSSH. */

const AGENT = '/usr/bin/ssh-agent';
const ADD = '/usr/bin/ssh-add';

async function waitFor(agent: PeerProcess, path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path) && agent.running; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!existsSync(path)) {
    throw new Error(`ssh-agent did not create ${path}: ${agent.exitReason() ?? 'still running'}`);
  }
}

const present =
  opensshPresent('client-openssh-agent.test.ts') &&
  requirePeer(
    existsSync(AGENT) && existsSync(ADD),
    'ssh-agent and ssh-add',
    'openssh-client',
    'client-openssh-agent.test.ts',
  );

describe.skipIf(!present)('SSH client agent authentication against OpenSSH sshd', () => {
  let fx: OpenSSHFixture;
  let agent: PeerProcess | undefined;
  let socket: string;

  beforeAll(async () => {
    fx = await startOpenSSHFixture();
    socket = join(fx.sshd.dir, 'agent.sock');
    agent = startPeerProcess(AGENT, ['-D', '-a', socket]);
    await waitFor(agent, socket);
    execFileSync(ADD, ['-q', fx.sshd.clientKey!.privateKeyPath], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      stdio: 'ignore',
    });
  });

  afterAll(async () => {
    await agent?.stop();
    await fx?.stop();
  });

  it('authenticates with the keys an ssh-agent holds', async () => {
    const ssh = await fx.connect({ agent: socket }, false);
    try {
      const result = await ssh.exec('echo via agent');
      expect(Buffer.from(result.stdout).toString()).toBe('via agent\n');
    } finally {
      await ssh.close();
    }
  });

  it('uses $SSH_AUTH_SOCK with agent: true', async () => {
    const saved = process.env['SSH_AUTH_SOCK'];
    process.env['SSH_AUTH_SOCK'] = socket;
    try {
      const ssh = await fx.connect({ agent: true }, false);
      await ssh.close();
    } finally {
      if (saved === undefined) delete process.env['SSH_AUTH_SOCK'];
      else process.env['SSH_AUTH_SOCK'] = saved;
    }
  });

  it('fails authentication when the agent holds no accepted key', async () => {
    execFileSync(ADD, ['-D'], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
    const failure = await fx.connect({ agent: socket }, false).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isTwError(failure, 'TW_SSH_AUTH_FAILED')).toBe(true);
    expect((failure as Error).message).toContain('agent');
  });
});
