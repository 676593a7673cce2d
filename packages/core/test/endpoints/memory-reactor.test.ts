import { describe, expect, it } from 'vitest';

import {
  Factory,
  Protocol,
  clientFromString,
  connectProtocol,
  serverFromString,
} from '../../src/index.js';
import { MemoryReactor } from '../../src/testing/index.js';
import { outcome as fired } from './fake-reactor.js';

describe('endpoints on the MemoryReactor test kit', () => {
  it('serverFromString records listenTCP and the port builds protocols from the factory', () => {
    const reactor = new MemoryReactor();
    const listening = fired(
      serverFromString(reactor, 'tcp:8080:interface=127.0.0.1').listen(new Factory(Protocol)),
    );
    expect(reactor.tcpServers).toHaveLength(1);
    expect(reactor.tcpServers[0]).toMatchObject({
      port: 8080,
      options: { interface: '127.0.0.1', backlog: 50 },
    });
    expect(listening.value).toBe(reactor.tcpServers[0]!.listeningPort);
  });

  it('clientFromString with a name: ::1 first, 127.0.0.1 250 ms later, the winner fires, the loser is stopped', () => {
    const reactor = new MemoryReactor();
    const protocol = new Protocol();
    const connected = fired(
      connectProtocol(clientFromString(reactor, 'tcp:host=localhost:port=6667'), protocol),
    );
    expect(reactor.resolver.lookups).toEqual([{ host: 'localhost', port: 6667 }]);
    expect(reactor.tcpClients.map((c) => c.host)).toEqual(['::1']);
    reactor.advance(0.25);
    expect(reactor.tcpClients.map((c) => c.host)).toEqual(['::1', '127.0.0.1']);
    reactor.tcpClients[1]!.connector.succeed();
    expect(connected.value).toBe(protocol);
    expect(protocol.connected).toBe(true);
    expect(reactor.tcpClients[0]!.connector.stoppedConnecting).toBe(true);
  });

  it('tls: and unix: client descriptions reach connectTLS and connectUNIX', () => {
    const reactor = new MemoryReactor();
    void clientFromString(
      reactor,
      'tls:host=127.0.0.1:port=6697:serverName=irc.example.org:timeout=4',
    ).connect(new Factory(Protocol));
    expect(reactor.tlsClients[0]).toMatchObject({
      host: '127.0.0.1',
      port: 6697,
      tls: { serverName: 'irc.example.org' },
      options: { timeout: 4 },
    });
    void clientFromString(reactor, 'unix:/run/tw.sock').connect(new Factory(Protocol));
    expect(reactor.unixClients[0]).toMatchObject({
      path: '/run/tw.sock',
      options: { timeout: 30 },
    });
  });
});
