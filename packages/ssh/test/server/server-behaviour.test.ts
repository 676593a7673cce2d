import { Data, Site } from '@tw/http';
import { Protocol, type IReactor } from '@tw/core';
import { MemoryReactor, connectOver } from '@tw/core/testing';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';

import type { ISSHSession, SSHServerOptions, SubsystemHandler } from '../../src/index.js';
import { SSH2ClientProtocol, USER_KEY, exec, serverFactory } from './server-fixtures.js';

async function connect(
  options: (reactor: IReactor) => Partial<SSHServerOptions> = () => ({}),
  client: () => SSH2ClientProtocol = () => new SSH2ClientProtocol(),
) {
  const connection = await connectOver('memory', {
    server: ({ reactor }) =>
      serverFactory(reactor, options(reactor)).buildProtocol({ family: 'memory', name: 'peer' })!,
    client,
  });
  await connection.until(
    () => connection.client.ready || connection.client.error !== null || connection.client.closed,
  );
  return connection;
}

describe('SSHServerFactory', () => {
  it('logs in with a public key (signature checked through the cred portal)', async () => {
    const connection = await connect(
      () => ({}),
      () => new SSH2ClientProtocol({ username: 'demo', privateKey: USER_KEY.private }),
    );
    try {
      expect(connection.client.error).toBeNull();
      expect(connection.client.ready).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('refuses a wrong password', async () => {
    const connection = await connect(
      () => ({}),
      () => new SSH2ClientProtocol({ username: 'demo', password: 'wrong' }),
    );
    try {
      expect(connection.client.ready).toBe(false);
      expect(connection.client.error?.message).toMatch(/authentication methods failed/);
    } finally {
      await connection.close();
    }
  });

  it('drops the connection after maxAuthAttempts failures', async () => {
    let tries = 0;
    const connection = await connect(
      () => ({ maxAuthAttempts: 2 }),
      () =>
        new SSH2ClientProtocol({
          username: 'demo',
          // Keep offering wrong passwords: the server must stop listening after two.
          authHandler: (_methods, _partial, next) => {
            tries += 1;
            if (tries > 5) return false;
            next({ type: 'password', username: 'demo', password: `guess ${tries}` });
            return undefined;
          },
        }),
    );
    try {
      await connection.until(() => connection.client.closed);
      expect(connection.client.ready).toBe(false);
      expect(tries).toBeLessThanOrEqual(3);
    } finally {
      await connection.close();
    }
  });

  it('runs an HTTP server from @tw/http over an exec channel', async () => {
    const sessionFactory = (reactor: IReactor) => (): ISSHSession => ({
      openShell: () => null,
      execCommand: (command) =>
        command === 'http'
          ? new Site(reactor, new Data('served over SSH\n', 'text/plain')).buildProtocol({
              family: 'memory',
              name: 'ssh',
            })
          : null,
    });
    const connection = await connect((reactor) => ({ sessionFactory: sessionFactory(reactor) }));
    try {
      const result = exec(connection.client.client, 'http', 'GET / HTTP/1.0\r\nHost: x\r\n\r\n');
      await connection.until(() => result.done);
      expect(result.stdout).toMatch(/^HTTP\/1\.[01] 200 OK\r\n/);
      expect(result.stdout).toMatch(/\r\n\r\nserved over SSH\n$/);
      const refused = exec(connection.client.client, 'other');
      await connection.until(() => refused.done);
      expect(refused.error).not.toBeNull();
    } finally {
      await connection.close();
    }
  });

  it('refuses channels beyond maxChannels and accepts again once one closes', async () => {
    const connection = await connect(() => ({ maxChannels: 1 }));
    try {
      const client = connection.client.client;
      let first: ClientChannel | null = null;
      let firstClosed = false;
      client.shell(false, (error, channel) => {
        if (error) throw error;
        first = channel;
        channel.resume(); // ssh2 emits 'close' only once the stream has been read to its end
        channel.on('close', () => (firstClosed = true));
      });
      await connection.until(() => first !== null);
      const second = exec(client, 'cat');
      await connection.until(() => second.done);
      expect(second.error).not.toBeNull();
      first!.end();
      await connection.until(() => firstClosed);
      const third = exec(client, 'cat', 'again');
      await connection.until(() => third.done);
      expect(third.stdout).toBe('again');
    } finally {
      await connection.close();
    }
  });

  it('drops a client that does not log in within loginGraceTime', async () => {
    const connection = await connectOver('memory', {
      server: ({ reactor }) =>
        serverFactory(reactor, { loginGraceTime: 30 }).buildProtocol({
          family: 'memory',
          name: 'peer',
        })!,
      client: () => new Protocol(), // connects, never speaks SSH
    });
    try {
      const reactor = connection.reactor as MemoryReactor;
      reactor.advance(29);
      connection.pump!.flush();
      expect(connection.server.connected).toBe(true);
      reactor.advance(2);
      reactor.advance(6);
      await connection.until(() => !connection.server.connected);
    } finally {
      await connection.close();
    }
  });

  it('drops a connection that holds no channel for idleTimeout, not one with a quiet shell', async () => {
    const connection = await connect(() => ({ idleTimeout: 60 }));
    try {
      expect(connection.client.ready).toBe(true);
      const reactor = connection.reactor as MemoryReactor;
      let shellClosed = false;
      let shell: ClientChannel | null = null;
      connection.client.client.shell(false, (error, channel) => {
        if (error) throw error;
        shell = channel;
        channel.resume();
        channel.on('close', () => (shellClosed = true));
      });
      await connection.until(() => shell !== null);
      reactor.advance(600); // a quiet shell is not idle
      connection.pump!.flush();
      expect(connection.client.closed).toBe(false);
      shell!.end();
      await connection.until(() => shellClosed);
      reactor.advance(59);
      connection.pump!.flush();
      expect(connection.client.closed).toBe(false);
      reactor.advance(2);
      await connection.until(() => connection.client.closed);
    } finally {
      await connection.close();
    }
  });

  for (const [what, bytes] of [
    ['a garbage version line', 'HELLO THERE\r\n'.repeat(20)],
    ['garbage after a valid version line', `SSH-2.0-fuzz\r\n${'\u0000\u00ff\u0013'.repeat(400)}`],
  ] as const) {
    it(`closes the connection on ${what}, without throwing`, async () => {
      const connection = await connectOver('memory', {
        server: ({ reactor }) =>
          serverFactory(reactor).buildProtocol({ family: 'memory', name: 'peer' })!,
        client: () =>
          new (class extends Protocol {
            override connectionMade(): void {
              this.transport.write(Buffer.from(bytes, 'latin1'));
            }
          })(),
      });
      try {
        await connection.until(() => !connection.server.connected);
      } finally {
        await connection.close();
      }
    });
  }

  it('drops a client that stops answering keepalives', async () => {
    const connection = await connect(() => ({ keepaliveInterval: 0.05, keepaliveCountMax: 2 }));
    try {
      expect(connection.client.ready).toBe(true);
      // Nothing is pumped meanwhile: the client hears no ping and answers none.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await connection.until(() => !connection.server.connected && connection.client.closed);
      expect(connection.client.ready).toBe(true); // it had logged in: the keepalives dropped it
    } finally {
      await connection.close();
    }
  });

  it('limits connections per peer host', () => {
    const factory = serverFactory(new MemoryReactor(), { maxConnectionsPerPeer: 2 });
    const address = { family: 'IPv4', type: 'TCP', host: '192.0.2.1', port: 1 } as const;
    expect(factory.buildProtocol(address)).not.toBeNull();
    expect(factory.buildProtocol({ ...address, port: 2 })).not.toBeNull();
    expect(factory.buildProtocol({ ...address, port: 3 })).toBeNull();
    expect(factory.buildProtocol({ ...address, host: '192.0.2.2' })).not.toBeNull();
  });

  it('hands a subsystem request to its handler and refuses unknown ones', async () => {
    const started: string[] = [];
    const handler: SubsystemHandler = {
      name: 'greeting',
      start(channel, context) {
        started.push(context.username);
        channel.end('hello from a subsystem\n');
      },
    };
    const connection = await connect(() => ({ subsystems: [handler] }));
    try {
      const client = connection.client.client;
      let output = '';
      let done = false;
      client.subsys('greeting', (error, channel) => {
        if (error) throw error;
        channel.on('data', (data: Buffer) => (output += data.toString()));
        channel.on('close', () => (done = true));
      });
      await connection.until(() => done);
      expect(output).toBe('hello from a subsystem\n');
      expect(started).toEqual(['demo']);
      let refused: Error | null = null;
      client.subsys('nope', (error) => {
        refused = error ?? null;
      });
      await connection.until(() => refused !== null);
    } finally {
      await connection.close();
    }
  });

  it('accepts only the allowed env variables and passes them to the session', async () => {
    let seen: Record<string, string> = {};
    const connection = await connect(() => ({
      sessionFactory: () => ({
        openShell: () => null,
        execCommand: (_command, request) => {
          seen = { ...request.env };
          return new (class extends Protocol {
            override connectionMade(): void {
              this.transport.loseConnection();
            }
          })();
        },
      }),
    }));
    try {
      const result = exec(connection.client.client, 'env', '', {
        env: { LANG: 'C.UTF-8', LC_ALL: 'C', LD_PRELOAD: '/tmp/evil.so' },
      });
      await connection.until(() => result.done);
      expect(seen).toEqual({ LANG: 'C.UTF-8', LC_ALL: 'C' });
    } finally {
      await connection.close();
    }
  });
});
