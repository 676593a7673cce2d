import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  InMemoryUsernamePasswordDatabaseDontUse,
  NodeReactor,
  Portal,
  SimpleRealm,
  TCP4ClientEndpoint,
  isTwError,
  type IListeningPort,
} from '@tw/core';
import { MemoryFilesystem } from '@tw/vfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SSHServerFactory, connectSSH, sftpSubsystem } from '../../src/index.js';
import type { SSHClientConnection } from '../../src/client/connection.js';
import type { SFTPClient } from '../../src/client/sftp-client.js';
import { TEST_HOST_KEY, TEST_HOST_KEY_INFO } from '../support/ssh2-test-server.js';

/** Our SFTP client against our own SFTP subsystem (a memory filesystem) over loopback TCP. */

describe('SFTP client against the @tw/ssh SFTP subsystem', () => {
  let reactor: NodeReactor;
  let port: IListeningPort;
  let ssh: SSHClientConnection;
  let sftp: SFTPClient;
  let local: string;

  beforeAll(async () => {
    local = mkdtempSync(join(tmpdir(), 'tw-sftp-client-'));
    reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    void reactor.run();
    const filesystem = new MemoryFilesystem();
    const portal = new Portal(new SimpleRealm({ 'ssh.avatar': (id) => ({ name: id }) }), [
      new InMemoryUsernamePasswordDatabaseDontUse({ demo: 'demo' }),
    ]);
    const factory = new SSHServerFactory(reactor, {
      hostKeys: [TEST_HOST_KEY.private],
      portal,
      subsystems: [sftpSubsystem({ filesystemFor: () => filesystem })],
      keepaliveInterval: 0,
    });
    port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
    const host = port.getHost();
    ssh = await connectSSH(
      reactor,
      new TCP4ClientEndpoint(reactor, '127.0.0.1', host.family === 'IPv4' ? host.port : 0),
      {
        username: 'demo',
        password: 'demo',
        verifyHostKey: (key) => key.fingerprint === TEST_HOST_KEY_INFO.fingerprint,
      },
    );
    sftp = await ssh.sftp();
  });

  afterAll(async () => {
    sftp?.close();
    await ssh?.close();
    await port?.stopListening();
    reactor?.stop();
    rmSync(local, { recursive: true, force: true });
  });

  it('writes, reads, lists, renames and removes', async () => {
    await sftp.mkdir('/docs');
    await sftp.writeFile('/docs/a.txt', 'alpha');
    expect(Buffer.from(await sftp.readFile('/docs/a.txt')).toString()).toBe('alpha');
    await sftp.rename('/docs/a.txt', '/docs/b.txt');
    expect((await sftp.list('/docs')).map((e) => e.filename)).toEqual(['b.txt']);
    expect((await sftp.stat('/docs/b.txt')).size).toBe(5);
    await sftp.remove('/docs/b.txt');
    await sftp.rmdir('/docs');
    const gone = await sftp.stat('/docs').then(
      () => null,
      (error: unknown) => error,
    );
    expect(isTwError(gone, 'TW_SSH_SFTP_FAILED')).toBe(true);
    expect((gone as { status?: number }).status).toBe(2);
  });

  it('moves a MiB each way with fastPut/fastGet', async () => {
    const data = randomBytes(1024 * 1024 + 7);
    writeFileSync(join(local, 'up.bin'), data);
    await sftp.fastPut(join(local, 'up.bin'), '/up.bin');
    await sftp.fastGet('/up.bin', join(local, 'down.bin'));
    expect(readFileSync(join(local, 'down.bin')).equals(data)).toBe(true);
  });
});
