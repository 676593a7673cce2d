import { Deferred, Protocol, isTwError } from '@tw/core';
import {
  TRANSPORT_KINDS,
  connectOver,
  type MemoryReactor,
  type TransportConnection,
} from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { SSHClientProtocol } from '../../src/client/connect.js';
import type { SSHClientConnection } from '../../src/client/connection.js';
import type { SSHClientOptions } from '../../src/client/options.js';
import {
  SSH2ServerProtocol,
  TEST_HOST_KEY_INFO,
  hangingCommands,
  TEST_USER_KEY,
  type TestServerOptions,
} from '../support/ssh2-test-server.js';

/** The SSH client over every kind of @tw transport (memory pump, TCP, TLS, Unix). */

const acceptTestHostKey: SSHClientOptions['verifyHostKey'] = (key) =>
  key.fingerprint === TEST_HOST_KEY_INFO.fingerprint;

type Pair = TransportConnection<SSH2ServerProtocol, SSHClientProtocol>;

/** Connect a client (demo/demo, accepting the test host key) to the test server over `kind`. */
function pair(
  kind: (typeof TRANSPORT_KINDS)[number],
  options: Partial<SSHClientOptions> = {},
  server: TestServerOptions = {},
  omit: ReadonlyArray<keyof SSHClientOptions> = [],
): Promise<Pair> {
  const merged: Record<string, unknown> = {
    username: 'demo',
    password: 'demo',
    verifyHostKey: acceptTestHostKey,
    host: 'test.invalid',
    port: 22,
    ...options,
  };
  for (const key of omit) delete merged[key];
  return connectOver(kind, {
    server: () => new SSH2ServerProtocol(server),
    client: (context) =>
      new SSHClientProtocol(context.reactor, merged as unknown as SSHClientOptions),
  });
}

/** Close the SSH connection (when there is one), then the pair. */
async function finish(c: Pair, ssh?: SSHClientConnection): Promise<void> {
  if (ssh !== undefined) {
    await settle(c, ssh.close());
  }
  await c.close();
}

/** Wait (pumping the memory transport or the event loop) until `d` fires, then return it. */
async function settle<T>(c: Pair, d: Deferred<T>): Promise<T> {
  // `called` turns true before a chain waiting on an inner Deferred has its result: track the
  // result itself.
  let settled = false;
  const done = d.then(
    (value) => {
      settled = true;
      return value;
    },
    (error: unknown) => {
      settled = true;
      throw error;
    },
  );
  // Handled below by the caller; until then, do not report it as unhandled.
  done.catch(() => undefined);
  await c.until(() => settled);
  return done;
}

async function outcome<T>(c: Pair, d: Deferred<T>): Promise<unknown> {
  return settle(c, d).then(
    () => null,
    (error: unknown) => error,
  );
}

describe.each(TRANSPORT_KINDS)('SSH client over %s', (kind) => {
  it('authenticates with a password and runs commands', async () => {
    const c = await pair(kind);
    let ssh: SSHClientConnection | undefined;
    try {
      ssh = await settle(c, c.client.connection);
      const echoed = await settle(c, ssh.exec('echo over ' + kind));
      expect(Buffer.from(echoed.stdout).toString()).toBe(`over ${kind}\n`);
      expect(echoed.exitCode).toBe(0);
      const failed = await settle(c, ssh.exec('fail'));
      expect(Buffer.from(failed.stderr).toString()).toBe('it failed\n');
      expect(failed.exitCode).toBe(2);
      const piped = await settle(c, ssh.exec('cat', { stdin: new Uint8Array([1, 2, 3]) }));
      expect([...piped.stdout]).toEqual([1, 2, 3]);
    } finally {
      await finish(c, ssh);
    }
  });

  it('authenticates with a private key', async () => {
    const c = await pair(kind, { privateKey: TEST_USER_KEY.private }, {}, ['password']);
    let ssh: SSHClientConnection | undefined;
    try {
      ssh = await settle(c, c.client.connection);
      expect(Buffer.from((await settle(c, ssh.exec('echo key'))).stdout).toString()).toBe('key\n');
    } finally {
      await finish(c, ssh);
    }
  });

  it('runs a protocol over an exec channel', async () => {
    const c = await pair(kind);
    let ssh: SSHClientConnection | undefined;
    try {
      ssh = await settle(c, c.client.connection);
      const received: number[] = [];
      class Sender extends Protocol {
        override connectionMade(): void {
          this.transport.write(new TextEncoder().encode('round trip'));
        }
        override dataReceived(data: Uint8Array): void {
          received.push(...data);
        }
      }
      const sender = await settle(c, ssh.runProtocol('cat', new Sender()));
      await c.until(() => received.length === 10);
      expect(new TextDecoder().decode(new Uint8Array(received))).toBe('round trip');
      sender.transport.loseConnection();
    } finally {
      await finish(c, ssh);
    }
  });

  it('errbacks an exec whose connection drops before the command ends', async () => {
    const c = await pair(kind);
    try {
      const ssh = await settle(c, c.client.connection);
      const before = hangingCommands.started;
      const running = ssh.exec('hang');
      await c.until(() => hangingCommands.started > before);
      c.client.transport.abortConnection();
      const error = await outcome(c, running);
      expect(isTwError(error, 'TW_SSH_CONNECTION_FAILED')).toBe(true);
      expect(ssh.isClosed).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('refuses a wrong password with TW_SSH_AUTH_FAILED', async () => {
    const c = await pair(kind, { password: 'wrong', keyboardInteractive: false });
    try {
      const error = await outcome(c, c.client.connection);
      expect(isTwError(error, 'TW_SSH_AUTH_FAILED')).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('refuses a host key the hook rejects', async () => {
    const c = await pair(kind, { verifyHostKey: () => Deferred.succeed(false) });
    try {
      const error = await outcome(c, c.client.connection);
      expect(isTwError(error, 'TW_SSH_HOST_KEY_REJECTED')).toBe(true);
      expect((error as Error).message).toContain(TEST_HOST_KEY_INFO.fingerprint);
    } finally {
      await c.close();
    }
  });
});

describe('SSH client authentication methods', () => {
  it('answers keyboard-interactive with the password on a keyboard-only server', async () => {
    const c = await pair('tcp', {}, { keyboardOnly: true });
    let ssh: SSHClientConnection | undefined;
    try {
      ssh = await settle(c, c.client.connection);
      expect((await settle(c, ssh.exec('echo kbd'))).exitCode).toBe(0);
    } finally {
      await finish(c, ssh);
    }
  });

  it('passes keyboard-interactive prompts to a hook', async () => {
    const seen: string[] = [];
    const c = await pair(
      'tcp',
      {
        keyboardInteractive: (prompts) => {
          seen.push(...prompts.map((p) => p.prompt));
          return ['demo'];
        },
      },
      { keyboardOnly: true },
      ['password'],
    );
    let ssh: SSHClientConnection | undefined;
    try {
      ssh = await settle(c, c.client.connection);
      expect(seen).toEqual(['Password: ']);
    } finally {
      await finish(c, ssh);
    }
  });

  it('refuses an unknown host when no check is configured', async () => {
    const c = await pair('memory', {}, {}, ['verifyHostKey']);
    try {
      const error = await outcome(c, c.client.connection);
      expect(isTwError(error, 'TW_SSH_HOST_KEY_UNKNOWN')).toBe(true);
      expect((error as { fingerprint: string }).fingerprint).toBe(TEST_HOST_KEY_INFO.fingerprint);
    } finally {
      await c.close();
    }
  });
});

describe('SSH client timeouts and cancellation', () => {
  it('fails with TW_SSH_HANDSHAKE_TIMEOUT when the server never answers (virtual time)', async () => {
    const c = await connectOver('memory', {
      server: () => new Protocol(),
      client: (context) =>
        new SSHClientProtocol(context.reactor, {
          username: 'demo',
          password: 'demo',
          verifyHostKey: acceptTestHostKey,
          handshakeTimeout: 5,
        }),
    });
    try {
      const connection = c.client.connection;
      c.pump!.flush();
      expect(connection.called).toBe(false);
      (c.reactor as MemoryReactor).advance(5);
      await c.until(() => connection.called);
      const error = await connection.then(
        () => null,
        (failure: unknown) => failure,
      );
      expect(isTwError(error, 'TW_SSH_HANDSHAKE_TIMEOUT')).toBe(true);
      expect((error as Error).message).toContain('handshakeTimeout');
    } finally {
      await c.close();
    }
  });

  it('drops a connection whose peer stops answering keepalives', async () => {
    const c = await pair('memory', { keepaliveInterval: 0.02, keepaliveCountMax: 2 });
    try {
      const ssh = await settle(c, c.client.connection);
      // Stop pumping: the server hears nothing and answers nothing, as behind a dead link.
      for (let i = 0; i < 200 && !ssh.isClosed; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(ssh.isClosed).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('cancelling the connection Deferred drops the attempt', async () => {
    const c = await connectOver('memory', {
      server: () => new Protocol(),
      client: (context) =>
        new SSHClientProtocol(context.reactor, {
          username: 'demo',
          password: 'demo',
          verifyHostKey: acceptTestHostKey,
        }),
    });
    try {
      const connection = c.client.connection;
      connection.cancel();
      const error = await connection.then(
        () => null,
        (failure: unknown) => failure,
      );
      expect(isTwError(error, 'TW_DEFER_CANCELLED')).toBe(true);
      // The transport underneath is dropped: the server side sees the connection go.
      await c.until(() => !c.server.connected);
    } finally {
      await c.close();
    }
  });
});
