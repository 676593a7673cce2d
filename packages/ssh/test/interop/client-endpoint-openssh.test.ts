import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  Deferred,
  Factory,
  LineReceiver,
  Protocol,
  TCP4ServerEndpoint,
  clientFromString,
  connectProtocol,
  createDefaultEndpointRegistry,
  isTwError,
  quoteStringArgument,
  type Failure,
  type IListeningPort,
} from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectSSH } from '../../src/client/connect.js';
import { registerSSHEndpoints } from '../../src/endpoint/register.js';
import {
  relayCommand,
  startOpenSSHFixture,
  type OpenSSHFixture,
} from '../support/openssh-fixture.js';
import * as interop from '../support/interop-setup.js';

/**
 * The ssh: endpoint against a throwaway OpenSSH sshd: a line protocol whose bytes go through a
 * relay command on the SSH host (python3, a tiny netcat), raw HTTP/1.1 through forward=, and
 * host-key policy from the string.
 */

class ShoutLines extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(Buffer.from(Buffer.from(line).toString().toUpperCase()));
  }
}

class LineClient extends LineReceiver {
  readonly lines: string[] = [];
  readonly gotTwo = new Deferred<string[]>();
  override connectionMade(): void {
    this.sendLine(Buffer.from('hello over ssh'));
    this.sendLine(Buffer.from('second line'));
  }
  override lineReceived(line: Uint8Array): void {
    this.lines.push(Buffer.from(line).toString());
    if (this.lines.length === 2) this.gotTwo.callback(this.lines);
  }
}

class RawHTTPClient extends Protocol {
  private readonly chunks: Buffer[] = [];
  readonly response = new Deferred<string>();
  override connectionMade(): void {
    this.transport.write(
      Buffer.from('GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'),
    );
  }
  override dataReceived(data: Uint8Array): void {
    this.chunks.push(Buffer.from(data));
  }
  override connectionLost(_reason: Failure): void {
    this.response.callback(Buffer.concat(this.chunks).toString());
  }
}

const present = interop.sshdWithRelayPresent('client-endpoint-openssh.test.ts');

describe.skipIf(!present)('ssh: endpoint against OpenSSH sshd', () => {
  let fx: OpenSSHFixture;
  let lineServer: IListeningPort;
  let httpServer: interop.LoopbackHTTPServer;
  let knownHostsFile: string;
  const registry = createDefaultEndpointRegistry();
  registerSSHEndpoints(registry);

  const base = (): string => interop.sshEndpointString(fx, knownHostsFile);

  beforeAll(async () => {
    fx = await startOpenSSHFixture();
    knownHostsFile = interop.writeKnownHostsFile(fx);
    lineServer = await new TCP4ServerEndpoint(fx.reactor, 0, { interface: '127.0.0.1' }).listen(
      new Factory(ShoutLines),
    );
    httpServer = await interop.startLoopbackHTTPServer((request, response) => {
      response.end(`you asked for ${request.url}`);
    });
  });

  afterAll(async () => {
    await lineServer?.stopListening();
    await httpServer?.close();
    await fx?.stop();
  });

  it("runs a protocol over a command's stdio on the SSH host", async () => {
    const host = lineServer.getHost();
    const port = host.family === 'IPv4' ? host.port : 0;
    const endpoint = clientFromString(
      fx.reactor,
      `${base()}:command=${quoteStringArgument(relayCommand(port))}`,
      { registry },
    );
    const client = await connectProtocol(endpoint, new LineClient());
    expect(await client.gotTwo).toEqual(['HELLO OVER SSH', 'SECOND LINE']);
    client.transport.loseConnection();
  });

  it('runs HTTP/1.1 over a direct-tcpip hop (forward=)', async () => {
    const endpoint = clientFromString(
      fx.reactor,
      `${base()}:forward=${quoteStringArgument(`127.0.0.1:${httpServer.port}`)}`,
      { registry },
    );
    const client = await connectProtocol(endpoint, new RawHTTPClient());
    const response = await client.response;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response.endsWith('you asked for /hello')).toBe(true);
  });

  it('carries SSH itself over an SSH hop (ssh -J style)', async () => {
    const hop = clientFromString(
      fx.reactor,
      `${base()}:forward=${quoteStringArgument(`127.0.0.1:${fx.sshd.port}`)}`,
      { registry },
    );
    const inner = await connectSSH(fx.reactor, hop, {
      username: fx.sshd.user,
      privateKey: fx.privateKey,
      knownHosts: fx.knownHosts,
      host: '127.0.0.1',
      port: fx.sshd.port,
    });
    try {
      const result = await inner.exec('echo nested');
      expect(Buffer.from(result.stdout).toString()).toBe('nested\n');
    } finally {
      await inner.close();
    }
  });

  it('refuses an unknown host, and records it with acceptNewHostKeys=yes', async () => {
    const fresh = join(fx.sshd.dir, 'fresh_known_hosts');
    const description = (extra: string): string =>
      base().replace(quoteStringArgument(knownHostsFile), quoteStringArgument(fresh)) +
      `${extra}:command=true`;
    const refused = await connectProtocol(
      clientFromString(fx.reactor, description(''), { registry }),
      new Protocol(),
    ).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isTwError(refused, 'TW_SSH_HOST_KEY_UNKNOWN')).toBe(true);
    await connectProtocol(
      clientFromString(fx.reactor, description(':acceptNewHostKeys=yes'), { registry }),
      new Protocol(),
    );
    const saved = readFileSync(fresh, 'utf8');
    expect(saved).toMatch(/^\|1\|/);
    // Now known: the plain description connects.
    await connectProtocol(
      clientFromString(fx.reactor, description(''), { registry }),
      new Protocol(),
    );
  });
});
