/**
 * Setup shared by the interop files in test/interop: the peer gates, the OpenSSH-sshd endpoint
 * string with its known_hosts file, a plain node:http server to reach through SSH, and the
 * per-user SFTP homes OpenSSH's sftp/scp are pointed at.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { join } from 'node:path';

import { quoteStringArgument } from '@tw/core';
import { requirePeer } from '@tw/core/testing';
import { homeDirectoryFilesystem } from '@tw/vfs';

import { hasProgram } from '../server/openssh-harness.js';
import { makeClientKey } from '../sftp/openssh-runner.js';
import { startSFTPServer, type SFTPTestServer } from '../sftp/sftp-server-fixture.js';
import { PYTHON, opensshPresent, type OpenSSHFixture } from './openssh-fixture.js';

/** Gate on OpenSSH's `ssh` client: fails in CI, skips loudly elsewhere. */
export function opensshClientPresent(file: string): boolean {
  return requirePeer(
    hasProgram('ssh'),
    'OpenSSH client (ssh)',
    'apt-get install openssh-client',
    `test/interop/${file}`,
  );
}

/** Gate on sshd plus python3 (the relay command run on the SSH host). */
export function sshdWithRelayPresent(file: string): boolean {
  return opensshPresent(file) && requirePeer(existsSync(PYTHON), 'python3', 'python3', file);
}

/** Write the fixture sshd's host keys to a known_hosts file in its directory; returns the path. */
export function writeKnownHostsFile(fx: OpenSSHFixture): string {
  const file = join(fx.sshd.dir, 'known_hosts');
  writeFileSync(file, fx.sshd.knownHostsLines.join('\n') + '\n');
  return file;
}

/** The `ssh:` endpoint string logging in to the fixture sshd with its client key. */
export function sshEndpointString(fx: OpenSSHFixture, knownHostsFile: string): string {
  return (
    `ssh:host=127.0.0.1:port=${fx.sshd.port}:user=${fx.sshd.user}` +
    `:identity=${quoteStringArgument(fx.sshd.clientKey!.privateKeyPath)}` +
    `:knownHosts=${quoteStringArgument(knownHostsFile)}`
  );
}

/** A node:http server on 127.0.0.1 (an ephemeral port). */
export interface LoopbackHTTPServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function startLoopbackHTTPServer(
  handler: RequestListener,
): Promise<LoopbackHTTPServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Our SFTP server over per-user homes in a temp dir, with the directories the OpenSSH tests
 * copy from (`local`) and must never reach (`outside`, a sibling of the homes).
 */
export interface SFTPHomes {
  readonly server: SFTPTestServer;
  /** The temp dir holding everything; removed by stop(). */
  readonly dir: string;
  /** The client's private key file. */
  readonly keyPath: string;
  /** User demo's home (the SFTP root demo sees). */
  readonly home: string;
  readonly local: string;
  readonly outside: string;
  stop(): Promise<void>;
}

export async function startSFTPHomes(): Promise<SFTPHomes> {
  const client = makeClientKey();
  const dir = client.dir;
  const base = join(dir, 'homes');
  const local = join(dir, 'local');
  const outside = join(dir, 'outside');
  mkdirSync(base);
  mkdirSync(local);
  mkdirSync(outside);
  const forUser = homeDirectoryFilesystem(base);
  const server = await startSFTPServer({ filesystemFor: ({ username }) => forUser(username) }, [
    client.key.publicKey,
  ]);
  return {
    server,
    dir,
    keyPath: client.key.privateKeyPath,
    home: join(base, 'demo'),
    local,
    outside,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
