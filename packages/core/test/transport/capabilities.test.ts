import { afterEach, describe, expect, it } from 'vitest';
import {
  ClientFactory,
  Factory,
  NodeReactor,
  Protocol,
  UnsupportedTransportFeature,
  generateSelfSignedCertificate,
  isSSLTransport,
  requireCapability,
  type IListeningPort,
  type ITransport,
} from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';

/** Resolves with the server side's transport once a connection is made. */
class Capture extends Protocol {
  static seen: ((transport: ITransport) => void) | null = null;
  override connectionMade(): void {
    Capture.seen?.(this.transport);
  }
}

describe('transport capabilities', () => {
  const ports: IListeningPort[] = [];
  const reactor = new NodeReactor({ installSignalHandlers: false });
  afterEach(async () => {
    for (const port of ports.splice(0)) await port.stopListening();
  });

  async function serverTransport(tls: boolean): Promise<ITransport> {
    const seen = new Promise<ITransport>((resolve) => (Capture.seen = resolve));
    const certificate = generateSelfSignedCertificate();
    const port = tls
      ? await reactor.listenTLS(
          0,
          new Factory(Capture),
          { credentials: certificate },
          { interface: '127.0.0.1' },
        )
      : await reactor.listenTCP(0, new Factory(Capture), { interface: '127.0.0.1' });
    ports.push(port);
    const address = port.getHost();
    if (address.family !== 'IPv4') throw new Error('expected an IPv4 port');
    const client = new Protocol();
    const factory = new ClientFactory();
    factory.buildProtocol = () => client;
    if (tls)
      reactor.connectTLS('127.0.0.1', address.port, factory, {
        ca: certificate.cert,
        serverName: 'localhost',
      });
    else reactor.connectTCP('127.0.0.1', address.port, factory);
    const transport = await seen;
    transport.loseConnection();
    return transport;
  }

  it('isSSLTransport is false for a plain TCP connection, though it could startTLS', async () => {
    const transport = await serverTransport(false);
    expect(isSSLTransport(transport)).toBe(false);
    expect(() => requireCapability(transport, 'startTLS')).not.toThrow();
  });

  it('isSSLTransport is true once a TLS connection completed its handshake', async () => {
    expect(isSSLTransport(await serverTransport(true))).toBe(true);
  });

  it('requireCapability names the missing feature and the transport', () => {
    const bare = new StringTransport();
    const noEOF = Object.assign(
      Object.create(Object.getPrototypeOf(bare) as object) as StringTransport,
      bare,
      {
        writeEOF: undefined,
      },
    );
    expect(() => requireCapability(noEOF, 'writeEOF')).toThrow(UnsupportedTransportFeature);
    expect(() => requireCapability(noEOF, 'writeEOF')).toThrow(/does not support "writeEOF"/);
  });
});
