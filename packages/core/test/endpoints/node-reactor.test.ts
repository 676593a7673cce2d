import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  AllConnectionAttemptsFailedError,
  CannotListenError,
  ConnectionRefusedError,
  Factory,
  clientFromString,
  quoteStringArgument,
  serverFromString,
  type IListeningPort,
} from '../../src/index.js';
import type { NodeReactor } from '../../src/reactor/node/node-reactor.js';
import { Echo, NodeReactorHarness, Recorder } from '../../src/testing/index.js';
import { generateSelfSignedCertificate } from '../../src/tls/certificates.js';

const reactors = new NodeReactorHarness();
const ports: IListeningPort[] = [];

const startReactor = (): NodeReactor => reactors.start();

afterEach(async () => {
  for (const port of ports.splice(0)) await port.stopListening();
  await reactors.stopAll();
});

async function listen(reactor: NodeReactor, description: string): Promise<IListeningPort> {
  const port = await serverFromString(reactor, description).listen(new Factory(Echo));
  ports.push(port);
  return port;
}

function portNumber(port: IListeningPort): number {
  const host = port.getHost();
  if (host.family !== 'IPv4' && host.family !== 'IPv6')
    throw new Error(`not an IP port: ${host.family}`);
  return host.port;
}

async function echoThrough(reactor: NodeReactor, description: string): Promise<string> {
  const client = await clientFromString(reactor, description).connect(new Factory(Recorder));
  // connect() fires after connectionMade: the transport is usable at once.
  client.transport.write(new TextEncoder().encode('ping'));
  await client.waitForBytes(4);
  client.transport.loseConnection();
  return client.text();
}

describe('endpoints on the NodeReactor', () => {
  it('tcp: listen and connect on IPv4 loopback', async () => {
    const reactor = startReactor();
    const port = await listen(reactor, 'tcp:0:interface=127.0.0.1');
    expect(port.getHost()).toMatchObject({ family: 'IPv4', host: '127.0.0.1' });
    expect(await echoThrough(reactor, `tcp:host=127.0.0.1:port=${portNumber(port)}`)).toBe('ping');
  });

  it('tcp6: listen and connect on IPv6 loopback, the address escaped', async () => {
    const reactor = startReactor();
    const port = await listen(reactor, 'tcp6:0:interface=\\:\\:1');
    expect(port.getHost()).toMatchObject({ family: 'IPv6', host: '::1' });
    expect(await echoThrough(reactor, `tcp:host=\\:\\:1:port=${portNumber(port)}`)).toBe('ping');
    expect(await echoThrough(reactor, `tcp6:host=\\:\\:1:port=${portNumber(port)}`)).toBe('ping');
  });

  it('tcp: a host name is resolved and connected (happy eyeballs over localhost)', async () => {
    const reactor = startReactor();
    // Only IPv4 listens: if localhost also resolves to ::1, that attempt is refused and IPv4 wins.
    const port = await listen(reactor, 'tcp:0:interface=127.0.0.1');
    expect(await echoThrough(reactor, `tcp:host=localhost:port=${portNumber(port)}`)).toBe('ping');
  });

  it('connection refused and address in use surface as typed errors', async () => {
    const reactor = startReactor();
    const port = await listen(reactor, 'tcp:0:interface=127.0.0.1');
    const taken = portNumber(port);
    await expect(
      serverFromString(reactor, `tcp:${taken}:interface=127.0.0.1`).listen(new Factory(Echo)),
    ).rejects.toBeInstanceOf(CannotListenError);
    await port.stopListening();
    ports.splice(ports.indexOf(port), 1);
    await expect(
      clientFromString(reactor, `tcp:host=127.0.0.1:port=${taken}`).connect(new Factory(Recorder)),
    ).rejects.toBeInstanceOf(ConnectionRefusedError);
  });

  describe('with files', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tw-endpoints-node-'));
      const { key, cert } = generateSelfSignedCertificate();
      writeFileSync(join(dir, 'key.pem'), key);
      writeFileSync(join(dir, 'cert.pem'), cert);
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const quoted = (name: string): string => quoteStringArgument(join(dir, name));

    it('unix: listen with a file mode and connect by path', async () => {
      const reactor = startReactor();
      const socketPath = join(dir, 'echo.sock');
      await listen(reactor, `unix:${quoted('echo.sock')}:mode=600`);
      expect(statSync(socketPath).mode & 0o777).toBe(0o600);
      expect(await echoThrough(reactor, `unix:path=${quoted('echo.sock')}`)).toBe('ping');
    });

    it('tls: listen with PEM files and connect verifying against caCerts', async () => {
      const reactor = startReactor();
      const port = await listen(
        reactor,
        `tls:0:privateKey=${quoted('key.pem')}:certKey=${quoted('cert.pem')}:interface=127.0.0.1`,
      );
      const where = `port=${portNumber(port)}:caCerts=${quoted('cert.pem')}`;
      expect(await echoThrough(reactor, `tls:host=127.0.0.1:${where}`)).toBe('ping');
      // By name: each address is verified against "localhost".
      expect(await echoThrough(reactor, `tls:host=localhost:${where}`)).toBe('ping');
    });

    it('tls: a client that does not trust the certificate fails to connect', async () => {
      const reactor = startReactor();
      const port = await listen(
        reactor,
        `ssl:0:privateKey=${quoted('key.pem')}:certKey=${quoted('cert.pem')}:interface=127.0.0.1`,
      );
      const attempt = clientFromString(
        reactor,
        `tls:host=localhost:port=${portNumber(port)}`,
      ).connect(new Factory(Recorder));
      const error = await attempt.then(
        () => null,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(AllConnectionAttemptsFailedError);
      expect(String(error)).toMatch(/certificate/i);
    });
  });
});
