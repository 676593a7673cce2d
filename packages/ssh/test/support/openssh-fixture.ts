import { readFileSync } from 'node:fs';

import { NodeReactor, TCP4ClientEndpoint, type Deferred } from '@tw/core';
import { requirePeer } from '@tw/core/testing';

import { KnownHosts } from '../../src/client/known-hosts.js';
import { connectSSH } from '../../src/client/connect.js';
import type { SSHClientConnection } from '../../src/client/connection.js';
import type { SSHClientOptions } from '../../src/client/options.js';
import {
  sshdAvailable,
  startThrowawaySshd,
  type ThrowawaySshd,
  type ThrowawaySshdOptions,
} from './throwaway-sshd.js';

/** Gate for interop files: fails in CI, skips loudly elsewhere, when OpenSSH is missing. */
export function opensshPresent(file: string): boolean {
  return requirePeer(sshdAvailable(), 'OpenSSH server (sshd)', 'openssh-server', file);
}

/** A running throwaway sshd, a Node reactor, and a way to connect our client to it. */
export interface OpenSSHFixture {
  readonly reactor: NodeReactor;
  readonly sshd: ThrowawaySshd;
  /** known_hosts listing the throwaway sshd's host keys. */
  readonly knownHosts: KnownHosts;
  /** The authorized client key (OpenSSH private key text). */
  readonly privateKey: string;
  /** Connect as the sshd's user with the client key (unless `useKey` is false). */
  connect(overrides?: Partial<SSHClientOptions>, useKey?: boolean): Deferred<SSHClientConnection>;
  stop(): Promise<void>;
}

export async function startOpenSSHFixture(
  options: ThrowawaySshdOptions = {},
): Promise<OpenSSHFixture> {
  const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  const sshd = await startThrowawaySshd({ clientKey: true, ...options });
  const knownHosts = KnownHosts.parse(sshd.knownHostsLines.join('\n'));
  const privateKey = readFileSync(sshd.clientKey!.privateKeyPath, 'utf8');
  return {
    reactor,
    sshd,
    knownHosts,
    privateKey,
    connect: (overrides = {}, useKey = true) =>
      connectSSH(reactor, new TCP4ClientEndpoint(reactor, '127.0.0.1', sshd.port), {
        username: sshd.user,
        ...(useKey ? { privateKey } : {}),
        knownHosts,
        host: '127.0.0.1',
        port: sshd.port,
        handshakeTimeout: 15,
        ...overrides,
      }),
    stop: async () => {
      await sshd.stop();
      reactor.stop();
    },
  };
}

/** python3, used as the relay on the SSH host. */
export const PYTHON = '/usr/bin/python3';

/** A netcat in python: stdin to the socket, the socket to stdout, EOF passed on. */
export function relayCommand(port: number): string {
  const script = [
    'import socket,sys,os,select',
    `s=socket.create_connection(("127.0.0.1",${port}))`,
    'fds=[0,s]',
    'while True:',
    ' r=select.select(fds,[],[])[0]',
    ' if 0 in r:',
    '  d=os.read(0,65536)',
    '  if d: s.sendall(d)',
    '  else: s.shutdown(socket.SHUT_WR); fds.remove(0)',
    ' if s in r:',
    '  d=s.recv(65536)',
    '  if not d: break',
    '  sys.stdout.buffer.write(d); sys.stdout.buffer.flush()',
  ].join('\n');
  return `${PYTHON} -c '${script}'`;
}
