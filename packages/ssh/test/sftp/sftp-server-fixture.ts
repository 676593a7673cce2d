/**
 * Our SSH server (SSHServerFactory on a NodeReactor, 127.0.0.1, a system-chosen port) with the
 * SFTP subsystem, and an ssh2 client connected to it. Shared by the SFTP tests, the interop
 * tests and (through dist) nothing else.
 */
import {
  InMemorySSHKeyDB,
  InMemoryUsernamePasswordDatabaseDontUse,
  NodeReactor,
  Portal,
  SSHPublicKeyChecker,
  SimpleRealm,
  type IListeningPort,
} from '@tw/core';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import {
  SSHServerFactory,
  generateEd25519OpenSSHKey,
  sftpSubsystem,
  type SFTPSubsystemOptions,
} from '../../src/index.js';
import { ssh2Pair } from '../support/ssh2-test-server.js';

// Not ssh2.utils.generateKeyPairSync: one ed25519 key in 256 it makes is rejected by OpenSSH
// (docs/ssh-server.md); OpenSSH's sftp and scp use these keys in the interop tests.
export const HOST_KEY = ssh2Pair(generateEd25519OpenSSHKey('sftp test host'));
export const CLIENT_KEY = ssh2Pair(generateEd25519OpenSSHKey('sftp test client'));

/** A running server. */
export interface SFTPTestServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts our SSH server with the SFTP subsystem; users: demo/demo and other/other by password,
 * demo by CLIENT_KEY and `publicKeys`.
 */
export async function startSFTPServer(
  sftp: SFTPSubsystemOptions,
  publicKeys: readonly string[] = [],
): Promise<SFTPTestServer> {
  const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  const keys = new InMemorySSHKeyDB({ demo: [CLIENT_KEY.public, ...publicKeys] });
  const portal = new Portal(new SimpleRealm({ 'ssh.avatar': (id) => ({ name: id }) }), [
    new InMemoryUsernamePasswordDatabaseDontUse({ demo: 'demo', other: 'other' }),
    new SSHPublicKeyChecker(keys),
  ]);
  const factory = new SSHServerFactory(reactor, {
    hostKeys: [HOST_KEY.private],
    portal,
    subsystems: [sftpSubsystem(sftp)],
    keepaliveInterval: 0,
    maxConnectionsPerPeer: null,
  });
  const listening: IListeningPort = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
  const host = listening.getHost();
  return {
    port: 'port' in host ? host.port : 0,
    async stop() {
      await listening.stopListening();
      if (reactor.running) {
        await new Promise<void>((resolve) => {
          reactor.addSystemEventTrigger('after', 'shutdown', () => resolve());
          reactor.stop();
        });
      }
    },
  };
}

/** An ssh2 client with its SFTP session open. */
export interface SFTPTestClient {
  readonly client: ssh2.Client;
  readonly sftp: SFTPWrapper;
  close(): void;
}

/** Connects as demo by CLIENT_KEY, or as `login.username` by password. */
export function connectSFTP(
  port: number,
  login?: { username: string; password: string },
): Promise<SFTPTestClient> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      // Our server's socket keeps Nagle on; without this each request/reply pair also waits
      // for a delayed ACK on the client side.
      client.setNoDelay(true);
      client.sftp((error, sftp) => {
        if (error) return reject(error);
        resolve({ client, sftp, close: () => client.end() });
      });
    });
    client.connect({
      host: '127.0.0.1',
      port,
      ...(login ?? { username: 'demo', privateKey: CLIENT_KEY.private }),
      readyTimeout: 15_000,
    });
  });
}

/** Calls an ssh2 callback-style SFTP method and resolves with its result. */
export function call<T>(
  run: (callback: (error: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    run((error, value) => (error ? reject(error) : resolve(value as T)));
  });
}

/** The SFTP status code of a failed call (ssh2 puts it on `error.code`). */
export async function statusOf(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { code?: number }).code ?? String(error);
  }
}
