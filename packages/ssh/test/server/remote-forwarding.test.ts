/**
 * Remote forwarding (`ssh -R`, tcpip-forward) on SSHServerFactory, with our client over
 * loopback TCP: the server listens, relays each connection back over a forwarded-tcpip channel
 * to the client's target, and stops listening on cancel and when the SSH connection ends.
 */
import { connect as netConnect } from 'node:net';

import {
  Factory,
  LogPublisher,
  Logger,
  NodeReactor,
  TCP4ClientEndpoint,
  isTwError,
  type IListeningPort,
} from '@tw/core';
import { Echo, exchangeOverTCP } from '@tw/core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { connectSSH, type SSHClientConnection, type SSHServerOptions } from '../../src/index.js';
import { serverFactory } from './server-fixtures.js';

let reactor: NodeReactor;
let echoPort: number;
let echo: IListeningPort;
const cleanups: (() => PromiseLike<unknown>)[] = [];

beforeAll(async () => {
  reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
  void reactor.run();
  echo = await reactor.listenTCP(
    0,
    Factory.forProtocol(() => new Echo()),
    {
      interface: '127.0.0.1',
    },
  );
  const host = echo.getHost();
  echoPort = host.family === 'IPv4' ? host.port : 0;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await echo?.stopListening();
  reactor?.stop();
});

/** Our server with `options` on a free loopback port, and a logged-in client of it. */
async function connected(options: Partial<SSHServerOptions>): Promise<SSHClientConnection> {
  const port = await reactor.listenTCP(0, serverFactory(reactor, options), {
    interface: '127.0.0.1',
  });
  cleanups.push(() => port.stopListening());
  const host = port.getHost();
  const ssh = await connectSSH(
    reactor,
    new TCP4ClientEndpoint(reactor, '127.0.0.1', host.family === 'IPv4' ? host.port : 0),
    { username: 'demo', password: 'demo', verifyHostKey: () => true },
  );
  cleanups.push(() => ssh.close());
  return ssh;
}

const toEcho = (): TCP4ClientEndpoint => new TCP4ClientEndpoint(reactor, '127.0.0.1', echoPort);

/** Resolves true when a TCP connect to `port` is refused. */
function refused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const failureOf = <T>(deferred: PromiseLike<T>): Promise<unknown> =>
  Promise.resolve(deferred).then(
    () => null,
    (error: unknown) => error,
  );

describe('remote forwarding (ssh -R) on SSHServerFactory', () => {
  it('is refused without a policy', async () => {
    const ssh = await connected({});
    const error = await failureOf(ssh.forwardRemote('127.0.0.1', 0, toEcho()));
    expect(isTwError(error, 'TW_SSH_CHANNEL_FAILED')).toBe(true);
  });

  it('listens where allowed, relays connections back to the client, and stops on cancel', async () => {
    const asked: unknown[] = [];
    const ssh = await connected({
      remoteForwardingPolicy: (request) => {
        asked.push(request);
        return true;
      },
    });
    const forwarding = await ssh.forwardRemote('127.0.0.1', 0, toEcho());
    expect(forwarding.port).toBeGreaterThan(1023);
    expect(asked).toEqual([{ bindAddress: '127.0.0.1', bindPort: 0, username: 'demo' }]);
    // Two connections at once, each its own channel.
    const [one, two] = await Promise.all([
      exchangeOverTCP(forwarding.port, 'first through -R\n'),
      exchangeOverTCP(forwarding.port, 'second through -R\n'),
    ]);
    expect(one).toBe('first through -R\n');
    expect(two).toBe('second through -R\n');
    await forwarding.stop();
    expect(await refused(forwarding.port)).toBe(true);
  });

  it('refuses privileged ports and more forwards than maxRemoteForwards, even when allowed', async () => {
    const ssh = await connected({ remoteForwardingPolicy: () => true, maxRemoteForwards: 1 });
    expect(isTwError(await failureOf(ssh.forwardRemote('127.0.0.1', 80, toEcho())))).toBe(true);
    const first = await ssh.forwardRemote('127.0.0.1', 0, toEcho());
    expect(isTwError(await failureOf(ssh.forwardRemote('127.0.0.1', 0, toEcho())))).toBe(true);
    // The one that was granted still works.
    expect(await exchangeOverTCP(first.port, 'still here\n')).toBe('still here\n');
  });

  it('a policy that says no, or throws, refuses', async () => {
    const no = await connected({ remoteForwardingPolicy: ({ bindPort }) => bindPort === 1 });
    expect(isTwError(await failureOf(no.forwardRemote('127.0.0.1', 0, toEcho())))).toBe(true);
    const logged: string[] = [];
    const log = new LogPublisher();
    log.addObserver((event) => logged.push(event.format));
    const broken = await connected({
      remoteForwardingPolicy: () => {
        throw new Error('policy bug');
      },
      log: new Logger('test.ssh', log),
    });
    expect(isTwError(await failureOf(broken.forwardRemote('127.0.0.1', 0, toEcho())))).toBe(true);
    expect(logged).toContain('The SSH remote forwarding policy failed');
  });

  it('stops listening when the SSH connection ends', async () => {
    const ssh = await connected({ remoteForwardingPolicy: () => true });
    const forwarding = await ssh.forwardRemote('127.0.0.1', 0, toEcho());
    expect(await exchangeOverTCP(forwarding.port, 'before\n')).toBe('before\n');
    await ssh.close();
    // The server notices the end of the connection on its next turn or so.
    let closed = false;
    for (let attempt = 0; attempt < 50 && !closed; attempt++) {
      closed = await refused(forwarding.port);
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(closed).toBe(true);
  });

  it('binds the loopback address whatever the client asks, unless gatewayPorts', async () => {
    // 127.0.0.2 is loopback too, but a port bound there does not answer on 127.0.0.1.
    const plain = await connected({ remoteForwardingPolicy: () => true });
    const onLoopback = await plain.forwardRemote('127.0.0.2', 0, toEcho());
    expect(await exchangeOverTCP(onLoopback.port, 'loopback\n')).toBe('loopback\n');
    const gateway = await connected({ remoteForwardingPolicy: () => true, gatewayPorts: true });
    const asked = await gateway.forwardRemote('127.0.0.2', 0, toEcho());
    expect(await refused(asked.port)).toBe(true);
    expect(await refused(asked.port, '127.0.0.2')).toBe(false);
  });
});
