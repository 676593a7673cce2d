import {
  TCP4ServerEndpoint,
  clientFromString,
  connectProtocol,
  createDefaultEndpointRegistry,
  quoteStringArgument,
  type IListeningPort,
} from '@tw/core';
import { Agent, HTTPConnectionPool, readBody } from '@tw/http';
import { IRCClient, IRCServerFactory } from '@tw/irc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerSSHEndpoints } from '../../src/endpoint/register.js';
import {
  relayCommand,
  startOpenSSHFixture,
  type OpenSSHFixture,
} from '../support/openssh-fixture.js';
import * as interop from '../support/interop-setup.js';

/**
 * Protocols from other packages over ssh: against a throwaway OpenSSH sshd: @tw/irc's client
 * reaches an IRC server through a relay command on the SSH host, @tw/http's Agent fetches a page
 * through the same kind of hop.
 */

const FILE = 'client-endpoint-apps.test.ts';
const present = interop.sshdWithRelayPresent(FILE);

function portOf(listening: IListeningPort): number {
  const host = listening.getHost();
  return host.family === 'IPv4' ? host.port : 0;
}

describe.skipIf(!present)('IRC and HTTP clients over ssh:', () => {
  let fx: OpenSSHFixture;
  let ircPort: IListeningPort;
  let httpServer: interop.LoopbackHTTPServer;
  let knownHostsFile: string;
  const registry = createDefaultEndpointRegistry();
  registerSSHEndpoints(registry);

  const ssh = (command: string): string =>
    `${interop.sshEndpointString(fx, knownHostsFile)}:command=${quoteStringArgument(command)}`;

  beforeAll(async () => {
    fx = await startOpenSSHFixture();
    knownHostsFile = interop.writeKnownHostsFile(fx);
    ircPort = await new TCP4ServerEndpoint(fx.reactor, 0, { interface: '127.0.0.1' }).listen(
      new IRCServerFactory(fx.reactor, { serverName: 'irc.test' }),
    );
    httpServer = await interop.startLoopbackHTTPServer((request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end(`over ssh: ${request.method} ${request.url}`);
    });
  });

  afterAll(async () => {
    await ircPort?.stopListening();
    await httpServer?.close();
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
    const response = await agent.request('GET', `http://127.0.0.1:${httpServer.port}/page?x=1`);
    expect(response.code).toBe(200);
    const body = await readBody(response);
    expect(Buffer.from(body).toString()).toBe('over ssh: GET /page?x=1');
    // Closing the pooled connection ends the channel, and with it the SSH connection.
    await pool.closeCachedConnections();
  });
});
