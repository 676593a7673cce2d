import {
  InMemoryUsernamePasswordDatabaseDontUse,
  NodeReactor,
  Portal,
  Protocol,
  SimpleRealm,
  TCP4ClientEndpoint,
  isTwError,
  type IListeningPort,
} from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  KnownHosts,
  SSHServerFactory,
  UnknownHostKeyError,
  connectSSH,
  type ISSHSession,
} from '../../src/index.js';
import { TEST_HOST_KEY, TEST_HOST_KEY_INFO } from '../support/ssh2-test-server.js';

/** Our client against our own server (SSHServerFactory) over loopback TCP. */

/** `upper`: uppercase stdin until EOF, then exit 0. */
class Upper extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport.write(Buffer.from(Buffer.from(data).toString().toUpperCase()));
  }
  readConnectionLost(): void {
    (this.transport as unknown as { setExitStatus(code: number): void }).setExitStatus(0);
    this.transport.loseConnection();
  }
}

/** `exit3`: say something and exit with status 3. */
class ExitThree extends Protocol {
  override connectionMade(): void {
    this.transport.write(Buffer.from('bye\n'));
    (this.transport as unknown as { setExitStatus(code: number): void }).setExitStatus(3);
    this.transport.loseConnection();
  }
}

function session(): ISSHSession {
  return {
    openShell: () => new Upper(),
    execCommand: (command) =>
      command === 'upper' ? new Upper() : command === 'exit3' ? new ExitThree() : null,
  };
}

describe('SSH client against SSHServerFactory', () => {
  let reactor: NodeReactor;
  let port: IListeningPort;
  let portNumber: number;

  beforeAll(async () => {
    reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    void reactor.run();
    const portal = new Portal(new SimpleRealm({ 'ssh.avatar': (id) => ({ name: id }) }), [
      new InMemoryUsernamePasswordDatabaseDontUse({ demo: 'demo' }),
    ]);
    const factory = new SSHServerFactory(reactor, {
      hostKeys: [TEST_HOST_KEY.private],
      portal,
      sessionFactory: () => session(),
      keepaliveInterval: 0,
    });
    port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
    const host = port.getHost();
    portNumber = host.family === 'IPv4' ? host.port : 0;
  });

  afterAll(async () => {
    await port?.stopListening();
    reactor?.stop();
  });

  const connect = (password: string) =>
    connectSSH(reactor, new TCP4ClientEndpoint(reactor, '127.0.0.1', portNumber), {
      username: 'demo',
      password,
      verifyHostKey: (key) => key.fingerprint === TEST_HOST_KEY_INFO.fingerprint,
    });

  it('authenticates and runs commands with stdin and exit codes', async () => {
    const ssh = await connect('demo');
    try {
      const upper = await ssh.exec('upper', { stdin: 'shout this' });
      expect(Buffer.from(upper.stdout).toString()).toBe('SHOUT THIS');
      expect(upper.exitCode).toBe(0);
      const three = await ssh.exec('exit3');
      expect(Buffer.from(three.stdout).toString()).toBe('bye\n');
      expect(three.exitCode).toBe(3);
    } finally {
      await ssh.close();
    }
  });

  it('gets a channel error for a command the server refuses', async () => {
    const ssh = await connect('demo');
    try {
      const error = await ssh.exec('nope').then(
        () => null,
        (failure: unknown) => failure,
      );
      expect(isTwError(error, 'TW_SSH_CHANNEL_FAILED')).toBe(true);
      expect((error as Error).message).toContain('exec "nope"');
      // The connection stays usable.
      expect((await ssh.exec('exit3')).exitCode).toBe(3);
    } finally {
      await ssh.close();
    }
  });

  it('fails with TW_SSH_AUTH_FAILED on a wrong password', async () => {
    const error = await connect('wrong').then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(isTwError(error, 'TW_SSH_AUTH_FAILED')).toBe(true);
  });

  it('looks the host key up under hostKeyAlias when given (as OpenSSH does)', async () => {
    const knownHosts = KnownHosts.parse(`tw-test ${TEST_HOST_KEY.public}\n`);
    const connectWith = (hostKeyAlias?: string) =>
      connectSSH(reactor, new TCP4ClientEndpoint(reactor, '127.0.0.1', portNumber), {
        username: 'demo',
        password: 'demo',
        knownHosts,
        ...(hostKeyAlias === undefined ? {} : { hostKeyAlias }),
      });
    const ssh = await connectWith('tw-test');
    expect((await ssh.exec('exit3')).exitCode).toBe(3);
    await ssh.close();
    const error = await connectWith().then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(UnknownHostKeyError);
  });
});
