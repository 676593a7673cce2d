import { describe, expect, it } from 'vitest';

import type { Failure } from '../../src/index.js';
import {
  CancelledError,
  CannotListenError,
  ConnectingCancelledError,
  ConnectionRefusedError,
  Factory,
  NoProtocolError,
  Protocol,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ClientEndpoint,
  TLSClientEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  connectProtocol,
  type IProtocol,
} from '../../src/index.js';
import { FakeReactor, outcome } from './fake-reactor.js';

class RecordingProtocol extends Protocol {
  events: string[] = [];

  override connectionMade(): void {
    this.events.push('connectionMade');
  }

  override dataReceived(data: Uint8Array): void {
    this.events.push(`data:${new TextDecoder().decode(data)}`);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.events.push('connectionLost');
  }
}

describe('client endpoints', () => {
  it('fire with the protocol only after its connectionMade() ran', () => {
    const reactor = new FakeReactor();
    const factory = new Factory(RecordingProtocol);
    const result = outcome(new TCP4ClientEndpoint(reactor, '127.0.0.1', 80).connect(factory));
    expect(result).toEqual({});
    const [connector] = reactor.connects;
    connector!.succeed();
    expect(result.value).toBeInstanceOf(RecordingProtocol);
    expect(result.value!.events).toEqual(['connectionMade']);
    // The user's protocol talks to the real transport; data passes through.
    expect(result.value!.transport).toBe(connector!.transport);
    connector!.protocol!.dataReceived(new TextEncoder().encode('hi'));
    connector!.transport!.loseConnection();
    expect(result.value!.events).toEqual(['connectionMade', 'data:hi', 'connectionLost']);
  });

  it('errback with the connector failure', () => {
    const reactor = new FakeReactor();
    const result = outcome(
      new UNIXClientEndpoint(reactor, '/tmp/none.sock').connect(new Factory(RecordingProtocol)),
    );
    reactor.connects[0]!.fail(new ConnectionRefusedError());
    expect(result.error).toBeInstanceOf(ConnectionRefusedError);
  });

  it('cancel() stops connecting and errbacks with ConnectingCancelledError (a CancelledError)', () => {
    const reactor = new FakeReactor();
    let built = 0;
    const factory = Factory.forProtocol(() => {
      built++;
      return new RecordingProtocol();
    });
    const d = new TCP4ClientEndpoint(reactor, '192.0.2.1', 80).connect(factory);
    const result = outcome(d);
    d.cancel();
    expect(reactor.connects[0]!.state).toBe('failed');
    expect(result.error).toBeInstanceOf(ConnectingCancelledError);
    expect(result.error).toBeInstanceOf(CancelledError);
    expect(String(result.error)).toContain('192.0.2.1:80');
    expect(built).toBe(0);
  });

  it('a factory that returns null or throws fails the connect', () => {
    const reactor = new FakeReactor();
    const none = outcome(
      new TCP4ClientEndpoint(reactor, '127.0.0.1', 1).connect(Factory.forProtocol(() => null)),
    );
    reactor.connects[0]!.succeed();
    expect(none.error).toBeInstanceOf(NoProtocolError);
    const boom = new Error('boom');
    const thrown = outcome(
      new TCP4ClientEndpoint(reactor, '127.0.0.1', 1).connect(
        Factory.forProtocol(() => {
          throw boom;
        }),
      ),
    );
    reactor.connects[1]!.succeed();
    expect(thrown.error).toBe(boom);
  });

  it('a reactor that throws synchronously fails the Deferred instead of throwing', () => {
    const reactor = new FakeReactor();
    reactor.connectTCP = () => {
      throw new Error('no sockets today');
    };
    expect(
      outcome(
        new TCP4ClientEndpoint(reactor, '127.0.0.1', 1).connect(new Factory(RecordingProtocol)),
      ).error,
    ).toMatchObject({
      message: 'no sockets today',
    });
  });

  it('half-close notifications reach the protocol only if it implements them', () => {
    const reactor = new FakeReactor();
    class HalfCloseable extends RecordingProtocol {
      readConnectionLost(): void {
        this.events.push('readConnectionLost');
      }
    }
    const result = outcome(
      new TCP4ClientEndpoint(reactor, '127.0.0.1', 1).connect(new Factory(HalfCloseable)),
    );
    const wrapper = reactor.connects[0]!.succeed() as IProtocol & {
      readConnectionLost?: () => void;
      writeConnectionLost?: () => void;
    };
    expect(typeof wrapper.writeConnectionLost).toBe('undefined');
    wrapper.readConnectionLost!();
    expect(result.value!.events).toEqual(['connectionMade', 'readConnectionLost']);
  });

  it('TCP6ClientEndpoint resolves a name to its first IPv6 address', () => {
    const reactor = new FakeReactor();
    reactor.resolver.table.set('v6.example', ['192.0.2.1', '2001:db8::1', '2001:db8::2']);
    void new TCP6ClientEndpoint(reactor, 'v6.example', 80).connect(new Factory(RecordingProtocol));
    expect(reactor.connects.map((c) => c.host)).toEqual(['2001:db8::1']);
    reactor.resolver.table.set('v4only.example', ['192.0.2.1']);
    const result = outcome(
      new TCP6ClientEndpoint(reactor, 'v4only.example', 80).connect(new Factory(RecordingProtocol)),
    );
    expect(String(result.error)).toMatch(/has no IPv6 address/);
  });

  it('TLSClientEndpoint passes its TLS options to connectTLS', () => {
    const reactor = new FakeReactor();
    void new TLSClientEndpoint(
      reactor,
      '127.0.0.1',
      443,
      { serverName: 'example.org' },
      { timeout: 5 },
    ).connect(new Factory(RecordingProtocol));
    expect(reactor.connects[0]).toMatchObject({
      kind: 'tls',
      tls: { serverName: 'example.org' },
      options: { timeout: 5 },
    });
  });
});

describe('connectProtocol', () => {
  it('attaches the given protocol and fires with it', () => {
    const reactor = new FakeReactor();
    const protocol = new RecordingProtocol();
    const result = outcome(
      connectProtocol(new TCP4ClientEndpoint(reactor, '127.0.0.1', 1), protocol),
    );
    reactor.connects[0]!.succeed();
    expect(result.value).toBe(protocol);
    expect(protocol.events).toEqual(['connectionMade']);
  });
});

describe('server endpoints', () => {
  it('listen() fires with the reactor port', () => {
    const reactor = new FakeReactor();
    const result = outcome(
      new TCP4ServerEndpoint(reactor, 0, { interface: '127.0.0.1' }).listen(
        new Factory(RecordingProtocol),
      ),
    );
    expect(result.value?.getHost()).toEqual({
      family: 'IPv4',
      type: 'TCP',
      host: '127.0.0.1',
      port: 0,
    });
  });

  it('any listen failure becomes CannotListenError with the cause kept', () => {
    const reactor = new FakeReactor();
    const cause = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    reactor.listenFailure = cause;
    const result = outcome(
      new TCP4ServerEndpoint(reactor, 80).listen(new Factory(RecordingProtocol)),
    );
    expect(result.error).toBeInstanceOf(CannotListenError);
    expect((result.error as CannotListenError).cause).toBe(cause);
    expect(String(result.error)).toMatch(
      /Could not listen on TCP port 80 on 0\.0\.0\.0: listen EADDRINUSE/,
    );

    const already = new CannotListenError('already typed');
    reactor.listenFailure = already;
    expect(
      outcome(new UNIXServerEndpoint(reactor, '/x').listen(new Factory(RecordingProtocol))).error,
    ).toBe(already);

    reactor.listenUNIX = () => {
      throw new Error('sync');
    };
    expect(
      outcome(new UNIXServerEndpoint(reactor, '/x').listen(new Factory(RecordingProtocol))).error,
    ).toBeInstanceOf(CannotListenError);
  });
});
