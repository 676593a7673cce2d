import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

import {
  TCP4ServerEndpoint,
  clientFromString,
  connectProtocol,
  createDefaultEndpointRegistry,
  quoteStringArgument,
  type IListeningPort,
} from '@tw/core';
import { requirePeer } from '@tw/core/testing';
import { Agent, HTTPConnectionPool, readBody } from '@tw/http';
import { IRCClient, IRCServerFactory } from '@tw/irc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerSSHEndpoints } from '../../src/endpoint/register.js';
import {
  PYTHON,
  opensshPresent,
  relayCommand,
  startOpenSSHFixture,
  type OpenSSHFixture,
} from '../support/openssh-fixture.js';

/**
 * Protocols from other packages over ssh: against a throwaway OpenSSH sshd: @tw/irc's client
 * reaches an IRC server through a relay command on the SSH host, @tw/http's Agent fetches a page
 * through the same kind of hop.
 */

const FILE = 'client-endpoint-apps.test.ts';
const present = opensshPresent(FILE) && requirePeer(existsSync(PYTHON), 'python3', 'python3', FILE);

function portOf(listening: IListeningPort): number {
  const host = listening.getHost();
  return host.family === 'IPv4' ? host.port : 0;
}

describe.skipIf(!present)('IRC and HTTP clients over ssh:', () => {
  let fx: OpenSSHFixture;
  let ircPort: IListeningPort;
  let httpServer: Server;
  let httpPort: number;
  let knownHostsFile: string;
  const registry = createDefaultEndpointRegistry();
  registerSSHEndpoints(registry);

  const ssh = (command: string): string =>
    `ssh:host=127.0.0.1:port=${fx.sshd.port}:user=${fx.sshd.user}` +
    `:identity=${quoteStringArgument(fx.sshd.clientKey!.privateKeyPath)}` +
    `:knownHosts=${quoteStringArgument(knownHostsFile)}:command=${quoteStringArgument(command)}`;

  beforeAll(async () => {
    fx = await startOpenSSHFixture();
    knownHostsFile = join(fx.sshd.dir, 'known_hosts');
    writeFileSync(knownHostsFile, fx.sshd.knownHostsLines.join('\n') + '\n');
    ircPort = await new TCP4ServerEndpoint(fx.reactor, 0, { interface: '127.0.0.1' }).listen(
      new IRCServerFactory(fx.reactor, { serverName: 'irc.test' }),
    );
    httpServer = createServer((request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end(`over ssh: ${request.method} ${request.url}`);
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const address = httpServer.address();
    httpPort = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await ircPort?.stopListening();
    await new Promise((resolve) => httpServer?.close(resolve));
    await fx?.stop();
  });

  it('registers an @tw/irc client with an IRC server reached through the SSH host', async () => {
    const endpoint = clientFromString(fx.reactor, ssh(relayCommand(portOf(ircPort))), {
      registry,
    });
    const client = await connectProtocol(
      endpoint,
      new IRCClient({ nickname: 'sshbot', reactor: fx.reactor }),
    );
    try {
      await client.whenRegistered();
      expect(client.registered).toBe(true);
      expect(client.nickname).toBe('sshbot');
    } finally {
      client.transport.loseConnection();
    }
  });

  it("fetches a page with @tw/http's Agent through an ssh: endpoint", async () => {
    const pool = new HTTPConnectionPool(fx.reactor);
    const agent = new Agent(fx.reactor, {
      pool,
      endpointFactory: (_scheme, _host, port) =>
        clientFromString(fx.reactor, ssh(relayCommand(port)), { registry }),
    });
    const response = await agent.request('GET', `http://127.0.0.1:${httpPort}/page?x=1`);
    expect(response.code).toBe(200);
    const body = await readBody(response);
    expect(Buffer.from(body).toString()).toBe('over ssh: GET /page?x=1');
    // Closing the pooled connection ends the channel, and with it the SSH connection.
    await pool.closeCachedConnections();
  });
});
