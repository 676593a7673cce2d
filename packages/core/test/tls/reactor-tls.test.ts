/**
 * TLS on real sockets through the NodeReactor: the generic layer (TLSWrappingFactory over
 * listenTCP/connectTCP) talking to node:tls's own (listenTLS/connectTLS) in both directions, SNI
 * and the TLS 1.2 floor on listenTLS, and STARTTLS refusing an untrusted client certificate.
 */
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';

import { ConnectionDone, ConnectionLost } from '../../src/errors/connection.js';
import type { IProtocol } from '../../src/interfaces/protocol.js';
import type { ISSLTransport, ITLSTransport } from '../../src/interfaces/transport.js';
import { ClientFactory, Factory } from '../../src/protocol/factory.js';
import {
  generateCertificateAuthority,
  generateSelfSignedCertificate,
  issueCertificate,
} from '../../src/tls/certificates.js';
import { TLSWrappingFactory } from '../../src/tls/tls-wrapping-factory.js';
import { isSSLTransport } from '../../src/transport/capabilities.js';
import { portOf, startReactor, stopReactors } from '../reactor/harness.js';
import { EchoProtocol, RecordingProtocol } from './layer-fixtures.js';
import { LEGACY_TLS_CLIENT } from './tls-fixtures.js';

afterEach(stopReactors);

const ca = generateCertificateAuthority({ commonName: 'socket test CA' });
const serverCert = issueCertificate(ca, { commonName: 'localhost' });
const alice = issueCertificate(ca, { commonName: 'alice', client: true });

/** A server factory remembering what it built; `first` resolves with the first protocol. */
function recordingServer<P extends IProtocol>(
  build: () => P,
): Factory<P> & { built: P[]; first: Promise<P> } {
  const built: P[] = [];
  let resolveFirst!: (protocol: P) => void;
  const first = new Promise<P>((resolve) => (resolveFirst = resolve));
  const factory = Factory.forProtocol(() => {
    const protocol = build();
    built.push(protocol);
    resolveFirst(protocol);
    return protocol;
  });
  return Object.assign(factory, { built, first });
}

function clientFactoryFor(protocol: IProtocol): ClientFactory {
  const factory = new ClientFactory();
  factory.buildProtocol = () => protocol;
  return factory;
}

function sslOf(protocol: RecordingProtocol): ISSLTransport {
  expect(isSSLTransport(protocol.transport)).toBe(true);
  return protocol.transport as ISSLTransport;
}

describe('TLS on sockets', () => {
  it('a client on the generic layer (connectTCP + TLSWrappingFactory) talks to listenTLS', async () => {
    const reactor = startReactor();
    const server = recordingServer(() => new EchoProtocol());
    const port = await reactor.listenTLS(
      0,
      server,
      { credentials: serverCert, ca: ca.cert, requestCert: true, alpnProtocols: ['tw/1'] },
      { interface: '127.0.0.1' },
    );
    const client = new RecordingProtocol((self) => self.send('over the layer'));
    const wrapped = new TLSWrappingFactory(
      clientFactoryFor(client),
      { ca: ca.cert, serverName: 'localhost', credentials: alice, alpnProtocols: ['tw/1'] },
      'client',
    );
    reactor.connectTCP('127.0.0.1', portOf(port.getHost()), wrapped);
    await client.waitFor('over the layer');
    expect(sslOf(client).getPeerCertificate()?.subject['CN']).toBe('localhost');
    expect(sslOf(client).getNegotiatedProtocol()).toBe('tw/1');
    const serverSide = server.built[0]!;
    expect(sslOf(serverSide).getPeerCertificate()?.subject['CN']).toBe('alice');
    client.transport.loseConnection();
    expect((await client.lost).check(ConnectionDone)).toBe(ConnectionDone);
    expect((await serverSide.lost).check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('a server on the generic layer (listenTCP + TLSWrappingFactory) serves connectTLS', async () => {
    const reactor = startReactor();
    const server = recordingServer(() => new EchoProtocol());
    const port = await reactor.listenTCP(
      0,
      new TLSWrappingFactory(
        server,
        { credentials: serverCert, ca: ca.cert, requestCert: true },
        'server',
      ),
      { interface: '127.0.0.1' },
    );
    const client = new RecordingProtocol((self) => self.send('to the layer'));
    reactor.connectTLS('127.0.0.1', portOf(port.getHost()), clientFactoryFor(client), {
      ca: ca.cert,
      credentials: alice,
    });
    await client.waitFor('to the layer');
    const serverSide = server.built[0]!;
    await serverSide.handshakeDone;
    expect(sslOf(serverSide).getPeerCertificate()?.subject['CN']).toBe('alice');
    serverSide.transport.loseConnection();
    expect((await client.lost).check(ConnectionDone)).toBe(ConnectionDone);
    expect((await serverSide.lost).check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('listenTLS picks the certificate by SNI', async () => {
    const reactor = startReactor();
    const mail = generateSelfSignedCertificate({
      commonName: 'mail.example.org',
      altNames: ['mail.example.org'],
    });
    const port = await reactor.listenTLS(
      0,
      recordingServer(() => new RecordingProtocol()),
      { credentials: serverCert, sniCredentials: { '*.example.org': mail } },
      { interface: '127.0.0.1' },
    );
    const client = new RecordingProtocol();
    reactor.connectTLS('127.0.0.1', portOf(port.getHost()), clientFactoryFor(client), {
      ca: mail.cert,
      serverName: 'mail.example.org',
    });
    await client.made; // connectTLS connects the protocol after the handshake
    expect(sslOf(client).getPeerCertificate()?.subject['CN']).toBe('mail.example.org');
    client.transport.loseConnection();
    await client.lost;
  });

  it('listenTLS refuses a TLS 1.1 client', async () => {
    const reactor = startReactor();
    const server = recordingServer(() => new RecordingProtocol());
    const port = await reactor.listenTLS(
      0,
      server,
      { credentials: serverCert },
      { interface: '127.0.0.1' },
    );
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = tls.connect({
        ...LEGACY_TLS_CLIENT,
        host: '127.0.0.1',
        port: portOf(port.getHost()),
      });
      socket.on('error', resolve);
      socket.on('secureConnect', () =>
        resolve(new Error(`unexpectedly connected with ${String(socket.getProtocol())}`)),
      );
    });
    expect(error.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(server.built).toEqual([]);
  });

  it('STARTTLS on a TCP connection: a server requiring client certificates drops an untrusted one', async () => {
    const reactor = startReactor();
    class StartTLSServer extends RecordingProtocol {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        if (this.text() === 'STARTTLS\n') {
          this.send('GO\n');
          (this.transport as ITLSTransport).startTLS({
            credentials: serverCert,
            ca: ca.cert,
            requestCert: true,
          });
        }
      }
    }
    const server = recordingServer(() => new StartTLSServer());
    const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
    const mallory = generateSelfSignedCertificate({ commonName: 'mallory' });
    class StartTLSClient extends RecordingProtocol {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        if (this.text() === 'GO\n') {
          (this.transport as ITLSTransport).startTLS({
            ca: ca.cert,
            serverName: 'localhost',
            credentials: mallory,
          });
          this.send('let me in');
        }
      }
    }
    const client = new StartTLSClient((self) => self.send('STARTTLS\n'));
    reactor.connectTCP('127.0.0.1', portOf(port.getHost()), clientFactoryFor(client));
    const serverSide = await server.first;
    expect((await serverSide.lost).check(ConnectionLost)).toBe(ConnectionLost);
    expect(serverSide.text()).toBe('STARTTLS\n');
    expect((await client.lost).check(ConnectionLost, ConnectionDone)).not.toBeNull();
  });
});
