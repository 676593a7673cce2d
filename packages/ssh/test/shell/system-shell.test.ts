import { connectOver } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { systemShellSessionFactory } from '../../src/index.js';
import { SSH2ClientProtocol, exec, serverFactory } from '../server/server-fixtures.js';

/** An ssh2 client connected over TCP to a server whose sessions run the system shell. */
function connectToSystemShell() {
  return connectOver('tcp', {
    server: ({ reactor }) =>
      serverFactory(reactor, {
        sessionFactory: systemShellSessionFactory(reactor),
      }).buildProtocol({ family: 'memory', name: 'client' })!,
    client: () => new SSH2ClientProtocol(),
  });
}

describe('the system shell (sh -c through reactor.spawnProcess)', () => {
  it('pipes stdin, stdout and stderr and reports the exit status', async () => {
    const connection = await connectToSystemShell();
    try {
      const client = connection.client;
      await connection.until(() => client.ready || client.error !== null);
      const result = exec(client.client, 'tr a-z A-Z; echo oops >&2; exit 7', 'shout\n');
      await connection.until(() => result.done);
      expect(result).toMatchObject({ stdout: 'SHOUT\n', stderr: 'oops\n', code: 7 });
    } finally {
      await connection.close();
    }
  });

  it('gives the child a small environment plus the accepted env requests', async () => {
    process.env['TW_SSH_TEST_SECRET'] = 'not for the child';
    const connection = await connectToSystemShell();
    try {
      const client = connection.client;
      await connection.until(() => client.ready);
      const result = exec(client.client, 'env', '', { env: { LC_TIME: 'C', EVIL: 'x' } });
      await connection.until(() => result.done);
      expect(result.stdout).toMatch(/^PATH=/m);
      expect(result.stdout).toMatch(/^LC_TIME=C$/m);
      expect(result.stdout).not.toContain('EVIL');
      expect(result.stdout).not.toContain('TW_SSH_TEST_SECRET');
    } finally {
      delete process.env['TW_SSH_TEST_SECRET'];
      await connection.close();
    }
  });

  it('runs on a pty of the size asked for, resized by window-change', async () => {
    const connection = await connectToSystemShell();
    try {
      const client = connection.client;
      await connection.until(() => client.ready);
      const sized = exec(client.client, 'stty size; tty', '', {
        pty: { rows: 30, cols: 100, term: 'vt100' },
      });
      await connection.until(() => sized.done);
      expect(sized.stdout).toMatch(/^30 100\r\n\/dev\/pts\/\d+\r\n$/);
      expect(sized.code).toBe(0);

      let output = '';
      let done = false;
      client.client.exec(
        'read line; stty size',
        { pty: { rows: 30, cols: 100 } },
        (error, channel) => {
          if (error) throw error;
          channel.on('data', (data: Buffer) => (output += data.toString()));
          channel.on('close', () => (done = true));
          channel.setWindow(40, 120, 0, 0);
          // A round trip (this reaches the shell after the window-change) before the line.
          client.client.exec('true', (_error, other) => {
            other.resume();
            other.on('close', () => channel.write('go\r'));
          });
        },
      );
      await connection.until(() => done);
      expect(output).toMatch(/40 120\r\n$/);
    } finally {
      await connection.close();
    }
  });
});
