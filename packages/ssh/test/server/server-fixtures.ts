/**
 * Shared fixtures of the server tests: a portal with demo/demo, an ed25519 host key, an ssh2
 * client running over a TransportDuplexProtocol, and small protocols to run on channels.
 */
import {
  InMemoryUsernamePasswordDatabaseDontUse,
  InMemorySSHKeyDB,
  Portal,
  Protocol,
  SSHPublicKeyChecker,
  SimpleRealm,
  type Failure,
  type IReactor,
} from '@tw/core';
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';

import {
  SSHServerFactory,
  TransportDuplexProtocol,
  type ISSHSession,
  type SSHServerOptions,
} from '../../src/index.js';
import { generateEd25519OpenSSHKey } from '../../src/server/openssh-key-format.js';

// Not ssh2.utils.generateKeyPairSync: one ed25519 key in 256 it makes is broken (see
// src/server/openssh-key-format.ts).
const toPair = (key: { privateKey: string; publicKey: string }) => ({
  private: key.privateKey,
  public: key.publicKey,
});
export const HOST_KEY = toPair(generateEd25519OpenSSHKey());
export const USER_KEY = toPair(generateEd25519OpenSSHKey('demo@test'));

/** A portal knowing demo/demo and USER_KEY for demo, no throttle. */
export function demoPortal(): Portal {
  const keys = new InMemorySSHKeyDB({ demo: [USER_KEY.public] });
  return new Portal(new SimpleRealm({ 'ssh.avatar': (id) => ({ name: id }) }), [
    new InMemoryUsernamePasswordDatabaseDontUse({ demo: 'demo' }),
    new SSHPublicKeyChecker(keys),
  ]);
}

/** Echo every byte back; on EOF, exit with status 0 and close. */
export class EchoUntilEOF extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport.write(data);
  }
  readConnectionLost(): void {
    (this.transport as unknown as { setExitStatus(code: number): void }).setExitStatus(0);
    this.transport.loseConnection();
  }
}

/** A session that runs EchoUntilEOF for `cat` and refuses every other command. */
export function echoSession(): ISSHSession {
  return {
    openShell: () => new EchoUntilEOF(),
    execCommand: (command) => (command === 'cat' ? new EchoUntilEOF() : null),
  };
}

export function serverFactory(
  reactor: IReactor,
  options: Partial<SSHServerOptions> = {},
): SSHServerFactory {
  return new SSHServerFactory(reactor, {
    hostKeys: [HOST_KEY.private],
    portal: demoPortal(),
    sessionFactory: () => echoSession(),
    keepaliveInterval: 0,
    ...options,
  });
}

/** An ssh2 client that connects over whatever transport the protocol is attached to. */
export class SSH2ClientProtocol extends TransportDuplexProtocol {
  readonly client = new ssh2.Client();
  ready = false;
  error: Error | null = null;
  closed = false;

  constructor(config: Omit<ConnectConfig, 'sock'> = { username: 'demo', password: 'demo' }) {
    super((duplex) => {
      this.client.on('ready', () => {
        this.ready = true;
      });
      this.client.on('error', (error) => {
        this.error = error;
      });
      this.client.on('close', () => {
        this.closed = true;
      });
      this.client.connect({ ...config, sock: duplex as never, readyTimeout: 15_000 });
    });
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
  }
}

/** Result of running a command over the client. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  done: boolean;
  error: Error | null;
}

/** Run `command`, send `input` then EOF, and record what comes back. */
export function exec(
  client: ssh2.Client,
  command: string,
  input = '',
  options: ssh2.ExecOptions = {},
): ExecResult {
  const result: ExecResult = {
    stdout: '',
    stderr: '',
    code: null,
    signal: null,
    done: false,
    error: null,
  };
  client.exec(command, options, (error: Error | undefined, channel: ClientChannel) => {
    if (error) {
      result.error = error;
      result.done = true;
      return;
    }
    channel.on('data', (data: Buffer) => (result.stdout += data.toString('utf8')));
    channel.stderr.on('data', (data: Buffer) => (result.stderr += data.toString('utf8')));
    channel.on('exit', (code: number | null, signal?: string) => {
      result.code = code;
      result.signal = signal ?? null;
    });
    channel.on('close', () => (result.done = true));
    if (input !== '') channel.write(input);
    channel.end();
  });
  return result;
}
