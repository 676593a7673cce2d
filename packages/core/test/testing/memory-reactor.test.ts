import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import {
  ClientFactory,
  ConnectionDone,
  DNSLookupError,
  Deferred,
  Factory,
  Protocol,
  ReactorNotRunning,
  UserError,
  ipv4Address,
  type IConnector,
  type IDatagramProtocol,
  type IUDPTransport,
  type Address,
} from '../../src/index.js';
import { MemoryReactor, MemoryReactorClock, type FakeConnector } from '../../src/testing/index.js';

class Greeter extends Protocol {
  override connectionMade(): void {
    this.transport.write(new TextEncoder().encode('hello\r\n'));
  }
}

class RecordingClientFactory extends ClientFactory<Greeter> {
  readonly events: string[] = [];
  constructor() {
    super(Greeter);
  }
  override startedConnecting(_connector: IConnector): void {
    this.events.push('started');
  }
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    this.events.push(`failed:${reason.type?.name ?? '?'}`);
  }
  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    this.events.push(`lost:${reason.type?.name ?? '?'}`);
  }
}

function valueOf<T>(d: Deferred<T>): T {
  let result: T | undefined;
  let failure: Failure | undefined;
  d.addCallbacks(
    (value) => {
      result = value;
    },
    (f) => {
      failure = f;
    },
  );
  if (failure !== undefined) throw failure.value;
  return result as T;
}

describe('MemoryReactor', () => {
  it('records listenTCP calls with their arguments and hands back an inspectable port', () => {
    const reactor = new MemoryReactor();
    const factory = new Factory(Greeter);
    const port = valueOf(reactor.listenTCP(8080, factory, { interface: '127.0.0.1', backlog: 5 }));
    expect(reactor.tcpServers).toHaveLength(1);
    expect(reactor.tcpServers[0]).toMatchObject({
      port: 8080,
      factory,
      options: { interface: '127.0.0.1', backlog: 5 },
    });
    expect(port.getHost()).toEqual(ipv4Address('TCP', '127.0.0.1', 8080));
    expect(reactor.tcpServers[0]!.listeningPort.listening).toBe(true);
    valueOf(port.stopListening());
    expect(reactor.tcpServers[0]!.listeningPort.listening).toBe(false);
  });

  it('gives port 0 a fake port number, as binding would', () => {
    const reactor = new MemoryReactor();
    const port = valueOf(reactor.listenTCP(0, new Factory(Greeter)));
    const host = port.getHost() as { port: number; host: string };
    expect(host.port).toBeGreaterThan(0);
    expect(host.host).toBe('0.0.0.0');
  });

  it('plays an incoming connection through the factory with acceptConnection()', () => {
    const reactor = new MemoryReactor();
    valueOf(reactor.listenUNIX('/tmp/x.sock', new Factory(Greeter), { mode: 0o600 }));
    const record = reactor.unixServers[0]!;
    expect(record).toMatchObject({ path: '/tmp/x.sock', options: { mode: 0o600 } });
    const accepted = record.listeningPort.acceptConnection({ family: 'UNIX', path: null });
    expect(accepted?.transport.text()).toBe('hello\r\n');
  });

  it('records listenTLS/connectTLS with their TLS options', () => {
    const reactor = new MemoryReactor();
    const tls = { serverName: 'example.org', alpnProtocols: ['h2'] };
    valueOf(
      reactor.listenTLS(8443, new Factory(Greeter), { credentials: { key: 'k', cert: 'c' } }),
    );
    reactor.connectTLS('example.org', 443, new RecordingClientFactory(), tls, { timeout: 5 });
    expect(reactor.tlsServers[0]).toMatchObject({
      port: 8443,
      tls: { credentials: { key: 'k', cert: 'c' } },
    });
    expect(reactor.tlsClients[0]).toMatchObject({
      host: 'example.org',
      port: 443,
      tls,
      options: { timeout: 5 },
    });
    expect(reactor.tcpServers).toEqual([]);
  });

  it('records connectTCP, tells the factory it started, and lets the test complete or fail it', () => {
    const reactor = new MemoryReactor();
    const factory = new RecordingClientFactory();
    const connector = reactor.connectTCP('192.0.2.7', 6667, factory, { timeout: 10 });
    expect(reactor.tcpClients[0]).toMatchObject({
      host: '192.0.2.7',
      port: 6667,
      factory,
      options: { timeout: 10 },
    });
    expect(reactor.connectors).toEqual([connector]);
    expect(connector.getDestination()).toEqual(ipv4Address('TCP', '192.0.2.7', 6667));
    expect(factory.events).toEqual(['started']);

    const connection = connector.succeed();
    expect(connection?.transport.text()).toBe('hello\r\n');
    connection!.transport.loseConnection();
    expect(factory.events).toEqual(['started', 'lost:ConnectionDone']);

    connector.connect();
    connector.fail();
    expect(factory.events.slice(2)).toEqual(['started', 'failed:ConnectionRefusedError']);
  });

  it('reports stopConnecting() as a UserError failure', () => {
    const reactor = new MemoryReactor();
    const factory = new RecordingClientFactory();
    const connector = reactor.connectUNIX('/run/app.sock', factory) as FakeConnector;
    connector.stopConnecting();
    expect(connector.stoppedConnecting).toBe(true);
    expect(factory.events).toEqual(['started', `failed:${UserError.name}`]);
    expect(reactor.unixClients[0]!.path).toBe('/run/app.sock');
  });

  it('fails listen calls with listenError while still recording them', () => {
    const reactor = new MemoryReactor();
    reactor.listenError = new Error('address in use');
    expect(() => valueOf(reactor.listenTCP(80, new Factory(Greeter)))).toThrow('address in use');
    expect(reactor.tcpServers).toHaveLength(1);
  });

  it('starts a datagram protocol on listenUDP and records what it sends', () => {
    const reactor = new MemoryReactor();
    const received: string[] = [];
    const protocol: IDatagramProtocol & { transport?: IUDPTransport } = {
      makeConnection(transport) {
        this.transport = transport;
        this.startProtocol();
      },
      startProtocol() {
        received.push('started');
      },
      stopProtocol() {
        received.push('stopped');
      },
      datagramReceived(data: Uint8Array, addr: Address) {
        received.push(`${new TextDecoder().decode(data)} from ${(addr as { port: number }).port}`);
        this.transport!.write(data, { host: '192.0.2.1', port: 53 });
      },
      connectionRefused() {},
    };
    const transport = valueOf(reactor.listenUDP(5353, protocol, { interface: '127.0.0.1' }));
    expect(reactor.udpPorts[0]).toMatchObject({
      port: 5353,
      protocol,
      options: { interface: '127.0.0.1' },
    });
    transport.receive(new TextEncoder().encode('ping'), ipv4Address('UDP', '192.0.2.1', 53));
    expect(transport.sent.map((d) => d.addr)).toEqual([{ host: '192.0.2.1', port: 53 }]);
    valueOf(transport.stopListening());
    expect(received).toEqual(['started', 'ping from 53', 'stopped']);
  });

  it('runs startup triggers and callWhenRunning hooks on run()', () => {
    const reactor = new MemoryReactorClock();
    const events: string[] = [];
    reactor.addSystemEventTrigger('after', 'startup', () => events.push('after startup'));
    reactor.addSystemEventTrigger('before', 'startup', () => events.push('before startup'));
    reactor.callWhenRunning(() => events.push('when running'));
    expect(events).toEqual([]);
    reactor.run();
    expect(reactor.running).toBe(true);
    expect(events).toEqual(['before startup', 'after startup', 'when running']);
    reactor.callWhenRunning(() => events.push('now'));
    expect(events.at(-1)).toBe('now');
  });

  it("delays shutdown until a before-shutdown Deferred fires, then fires run()'s Deferred", () => {
    const reactor = new MemoryReactor();
    const events: string[] = [];
    const gate = new Deferred<void>();
    reactor.addSystemEventTrigger('before', 'shutdown', () => {
      events.push('before');
      return gate;
    });
    reactor.addSystemEventTrigger('during', 'shutdown', () => events.push('during'));
    reactor.addSystemEventTrigger('after', 'shutdown', () => events.push('after'));
    let stopped = false;
    reactor.run().addCallback(() => {
      stopped = true;
    });
    reactor.stop();
    expect(events).toEqual(['before']);
    expect(reactor.running).toBe(true);
    expect(() => reactor.stop()).toThrow(ReactorNotRunning);
    gate.callback(undefined);
    expect(events).toEqual(['before', 'during', 'after']);
    expect(reactor.running).toBe(false);
    expect(reactor.hasStopped).toBe(true);
    expect(stopped).toBe(true);
    expect(() => reactor.stop()).toThrow(ReactorNotRunning);
  });

  it('keeps shutting down when a trigger throws or its Deferred fails, recording the failure', () => {
    const reactor = new MemoryReactor();
    const events: string[] = [];
    reactor.addSystemEventTrigger('before', 'shutdown', () => {
      throw new RangeError('trigger broke');
    });
    reactor.addSystemEventTrigger('before', 'shutdown', () => Deferred.fail(new ConnectionDone()));
    const removed = reactor.addSystemEventTrigger('during', 'shutdown', () =>
      events.push('removed'),
    );
    reactor.addSystemEventTrigger('during', 'shutdown', () => events.push('during'));
    reactor.removeSystemEventTrigger(removed);
    reactor.run();
    reactor.stop();
    expect(events).toEqual(['during']);
    expect(reactor.triggerFailures.map((f) => f.type)).toEqual([RangeError, ConnectionDone]);
  });

  it('keeps time with the Clock it extends', () => {
    const reactor = new MemoryReactor();
    const seen: number[] = [];
    reactor.callLater(2, () => seen.push(reactor.seconds()));
    reactor.callFromThread(() => seen.push(-1));
    reactor.advance(0);
    expect(seen).toEqual([-1]);
    reactor.advance(2);
    expect(seen).toEqual([-1, 2]);
  });

  it('resolves names from its table and IP literals as themselves', () => {
    const reactor = new MemoryReactor();
    reactor.resolver.addHost('irc.example.org', ['192.0.2.10', '2001:db8::10']);
    expect(valueOf(reactor.resolver.resolveHostName('irc.example.org', 6667))).toEqual([
      ipv4Address('TCP', '192.0.2.10', 6667),
      { family: 'IPv6', type: 'TCP', host: '2001:db8::10', port: 6667 },
    ]);
    expect(valueOf(reactor.resolver.resolveHostName('10.1.2.3', 1))).toEqual([
      ipv4Address('TCP', '10.1.2.3', 1),
    ]);
    expect(() => valueOf(reactor.resolver.resolveHostName('nowhere.invalid', 1))).toThrow(
      DNSLookupError,
    );
    expect(reactor.resolver.lookups.map((l) => l.host)).toEqual([
      'irc.example.org',
      '10.1.2.3',
      'nowhere.invalid',
    ]);
  });
});
