import { afterEach, describe, expect, it } from 'vitest';

import {
  ConnectError,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  UserError,
} from '../../src/errors/connection.js';
import { CannotListenError } from '../../src/errors/connection.js';
import { Protocol } from '../../src/protocol/protocol.js';
import {
  Echo,
  RecordingClientFactory,
  Recorder,
  encode,
  listenAndConnectTCP,
  portOf,
  sendToExplodingServer,
  serverFactory,
  startReactor,
  stopReactors,
} from './harness.js';

afterEach(stopReactors);

describe('NodeReactor TCP', () => {
  for (const [family, host] of [
    ['IPv4', '127.0.0.1'],
    ['IPv6', '::1'],
  ] as const) {
    it(`echoes over ${family} loopback with typed addresses on both ends`, async () => {
      const reactor = startReactor();
      const server = serverFactory(() => new Echo());
      const port = await reactor.listenTCP(0, server, { interface: host });
      const bound = port.getHost();
      expect(bound).toMatchObject({ family, type: 'TCP', host });
      const client = new RecordingClientFactory(() => new Recorder());
      const connector = reactor.connectTCP(host, portOf(bound), client);
      expect(connector.getDestination()).toEqual({
        family,
        type: 'TCP',
        host,
        port: portOf(bound),
      });
      await client.firstBuilt.promise;
      const protocol = client.built[0]!;
      await protocol.made.promise;
      expect(protocol.transport.getPeer()).toEqual(bound);
      expect(protocol.transport.getHost()).toMatchObject({ family, type: 'TCP', host });
      const enough = protocol.waitForBytes(11);
      protocol.transport.writeSequence([encode('hello '), encode('world')]);
      await enough;
      expect(protocol.text()).toBe('hello world');
      const serverSide = server.built[0]!;
      expect(serverSide.transport.getPeer()).toEqual(protocol.transport.getHost());
      protocol.transport.loseConnection();
      expect((await protocol.lost.promise).check(ConnectionDone)).toBe(ConnectionDone);
      expect((await serverSide.lost.promise).check(ConnectionDone)).toBe(ConnectionDone);
      expect((await client.lostConnection.promise).check(ConnectionDone)).toBe(ConnectionDone);
      expect(client.events).toEqual([
        'startFactory',
        'startedConnecting',
        'clientConnectionLost',
        'stopFactory',
      ]);
    });
  }

  it('starts the server factory on listen and stops it on stopListening', async () => {
    const reactor = startReactor();
    const events: string[] = [];
    const server = serverFactory(() => new Echo());
    server.startFactory = () => events.push('start');
    server.stopFactory = () => events.push('stop');
    const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
    expect(events).toEqual(['start']);
    await port.stopListening();
    expect(events).toEqual(['start', 'stop']);
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    expect((await client.failed.promise).check(ConnectionRefusedError)).toBe(
      ConnectionRefusedError,
    );
  });

  it('fails to listen on a port in use with CannotListenError', async () => {
    const reactor = startReactor();
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => new Echo()),
      { interface: '127.0.0.1' },
    );
    await expect(
      reactor.listenTCP(
        portOf(port.getHost()),
        serverFactory(() => new Echo()),
        { interface: '127.0.0.1' },
      ),
    ).rejects.toBeInstanceOf(CannotListenError);
  });

  it('reports a refused connection with ConnectionRefusedError and stops the factory', async () => {
    const reactor = startReactor();
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => new Echo()),
      { interface: '127.0.0.1' },
    );
    const free = portOf(port.getHost());
    await port.stopListening();
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectTCP('127.0.0.1', free, client);
    const reason = await client.failed.promise;
    expect(reason.value).toBeInstanceOf(ConnectionRefusedError);
    expect(reason.value).toBeInstanceOf(ConnectError);
    expect(client.events).toEqual([
      'startFactory',
      'startedConnecting',
      'clientConnectionFailed',
      'stopFactory',
    ]);
  });

  it('stopConnecting() fails the attempt with UserError', async () => {
    const reactor = startReactor();
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => new Echo()),
      { interface: '127.0.0.1' },
    );
    const client = new RecordingClientFactory(() => new Recorder());
    const connector = reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    connector.stopConnecting();
    expect((await client.failed.promise).value).toBeInstanceOf(UserError);
    expect(client.built).toEqual([]);
  });

  it('a factory may reconnect from clientConnectionFailed without being stopped', async () => {
    const reactor = startReactor();
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => new Echo()),
      { interface: '127.0.0.1' },
    );
    const client = new RecordingClientFactory(() => new Recorder());
    let attempts = 0;
    client.clientConnectionFailed = (connector) => {
      client.events.push('clientConnectionFailed');
      if (++attempts === 1) connector.connect();
    };
    const connector = reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    connector.stopConnecting();
    await client.firstBuilt.promise;
    await client.built[0]!.made.promise;
    expect(client.events).toEqual([
      'startFactory',
      'startedConnecting',
      'clientConnectionFailed',
      'startedConnecting',
    ]);
  });

  it('a server buildProtocol returning null closes the connection', async () => {
    const reactor = startReactor();
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => null),
      { interface: '127.0.0.1' },
    );
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    await client.lostConnection.promise;
    expect(client.built[0]!.received).toBe(0);
  });

  it('a client buildProtocol returning null closes the connection and reports it lost', async () => {
    const reactor = startReactor();
    const { server, client } = await listenAndConnectTCP(
      reactor,
      () => new Recorder(),
      () => null,
    );
    expect((await client.lostConnection.promise).check(ConnectionDone)).toBe(ConnectionDone);
    await server.built[0]!.lost.promise;
  });

  it('a protocol whose dataReceived throws is aborted and the process goes on', async () => {
    const reactor = startReactor();
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      const { serverReason, client } = await sendToExplodingServer(reactor);
      expect(serverReason.value).toBeInstanceOf(ConnectionLost);
      await client.lost.promise;
      expect(logged.join('\n')).toContain('parser exploded');
    } finally {
      console.error = original;
    }
  });

  it('writes after loseConnection() are dropped and data is Uint8Array', async () => {
    const reactor = startReactor();
    class Greeter extends Protocol {
      override connectionMade(): void {
        this.transport.write(encode('bye'));
        this.transport.loseConnection();
        this.transport.write(encode(' and more'));
        expect(this.transport.disconnecting).toBe(true);
      }
    }
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => new Greeter()),
      { interface: '127.0.0.1' },
    );
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    await client.firstBuilt.promise;
    const protocol = client.built[0]!;
    await protocol.lost.promise;
    expect(protocol.text()).toBe('bye');
    expect(protocol.chunks[0]).toBeInstanceOf(Uint8Array);
  });
});
