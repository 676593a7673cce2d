import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ConnectError, ConnectTimeoutError, ConnectionDone } from '../../src/errors/connection.js';
import type { ISSLTransport, ITLSTransport } from '../../src/interfaces/transport.js';
import type { CertificateAndKey } from '../../src/tls/certificates.js';
import { generateCertificateAuthority, issueCertificate } from '../../src/tls/certificates.js';
import { Protocol } from '../../src/protocol/protocol.js';
import type { PeerCertificate } from '../../src/interfaces/tls.js';
import {
  Echo,
  RecordingClientFactory,
  Recorder,
  encode,
  portOf,
  serverFactory,
  signal,
  startReactor,
  stopReactors,
} from './harness.js';

afterEach(stopReactors);

let ca: CertificateAndKey;
let serverCert: CertificateAndKey;
let clientCert: CertificateAndKey;

beforeAll(() => {
  ca = generateCertificateAuthority({ commonName: 'reactor test CA' });
  serverCert = issueCertificate(ca, {
    commonName: 'localhost',
    altNames: ['localhost', '127.0.0.1'],
  });
  clientCert = issueCertificate(ca, { commonName: 'alice', client: true });
}, 60_000);

/** Records the TLS facts a protocol sees in connectionMade. */
class TLSRecorder extends Recorder {
  peerCertificate: PeerCertificate | null = null;
  alpn: string | null = null;
  override connectionMade(): void {
    const ssl = this.transport as ISSLTransport;
    expect(ssl.tlsEstablished).toBe(true);
    this.peerCertificate = ssl.getPeerCertificate();
    this.alpn = ssl.getNegotiatedProtocol();
    super.connectionMade();
  }
}

describe('NodeReactor TLS', () => {
  it('listenTLS/connectTLS: echo, client certificate and ALPN visible in connectionMade', async () => {
    const reactor = startReactor();
    class SecureEcho extends TLSRecorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        this.transport.write(data);
      }
    }
    const server = serverFactory(() => new SecureEcho());
    const port = await reactor.listenTLS(
      0,
      server,
      { credentials: serverCert, ca: ca.cert, requestCert: true, alpnProtocols: ['tw/1', 'h2'] },
      { interface: '127.0.0.1' },
    );
    const built = signal<TLSRecorder>();
    const client = new RecordingClientFactory(() => {
      const protocol = new TLSRecorder();
      built.resolve(protocol);
      return protocol;
    });
    reactor.connectTLS('127.0.0.1', portOf(port.getHost()), client, {
      ca: ca.cert,
      credentials: clientCert,
      alpnProtocols: ['tw/1'],
    });
    const protocol = await built.promise;
    await protocol.made.promise;
    expect(protocol.peerCertificate?.subject['CN']).toBe('localhost');
    expect(protocol.alpn).toBe('tw/1');
    const enough = protocol.waitForBytes(6);
    protocol.transport.write(encode('secret'));
    await enough;
    expect(protocol.text()).toBe('secret');
    const serverSide = server.built[0]!;
    expect(serverSide.peerCertificate?.subject['CN']).toBe('alice');
    expect(serverSide.alpn).toBe('tw/1');
    protocol.transport.loseConnection();
    expect((await serverSide.lost.promise).check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('a server certificate the client cannot verify fails the attempt with ConnectError', async () => {
    const reactor = startReactor();
    const port = await reactor.listenTLS(
      0,
      serverFactory(() => new Echo()),
      { credentials: serverCert },
      {
        interface: '127.0.0.1',
      },
    );
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectTLS('127.0.0.1', portOf(port.getHost()), client, {}); // system roots: not our CA
    const reason = await client.failed.promise;
    expect(reason.value).toBeInstanceOf(ConnectError);
    expect(client.built).toEqual([]);
  });

  it('the connect timeout covers a handshake that never completes', async () => {
    const reactor = startReactor();
    // A plain TCP server that accepts and says nothing: the TLS client waits for a ServerHello.
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => new Recorder()),
      { interface: '127.0.0.1' },
    );
    const client = new RecordingClientFactory(() => new Recorder());
    reactor.connectTLS(
      '127.0.0.1',
      portOf(port.getHost()),
      client,
      { ca: ca.cert },
      { timeout: 0.1 },
    );
    expect((await client.failed.promise).value).toBeInstanceOf(ConnectTimeoutError);
  });

  it('startTLS() upgrades an open TCP connection; earlier bytes go in clear, later ones encrypted', async () => {
    const reactor = startReactor();
    const serverSecure = signal<PeerCertificate | null>();
    class StartTLSServer extends Recorder {
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        if (this.text() === 'STARTTLS\n') {
          this.transport.write(encode('GO\n'));
          (this.transport as ITLSTransport).startTLS({
            credentials: serverCert,
            ca: ca.cert,
            requestCert: true,
          });
        } else if (this.text() === 'STARTTLS\nhello over tls') {
          const ssl = this.transport as unknown as ISSLTransport;
          expect(ssl.tlsEstablished).toBe(true);
          serverSecure.resolve(ssl.getPeerCertificate());
          this.transport.write(encode('welcome'));
        }
      }
    }
    class StartTLSClient extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        this.transport.write(encode('STARTTLS\n'));
      }
      override dataReceived(data: Uint8Array): void {
        super.dataReceived(data);
        if (this.text() === 'GO\n') {
          (this.transport as ITLSTransport).startTLS({
            ca: ca.cert,
            credentials: clientCert,
            serverName: 'localhost',
          });
          this.transport.write(encode('hello over tls'));
        }
      }
    }
    const server = serverFactory(() => new StartTLSServer());
    const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
    const built = signal<StartTLSClient>();
    const client = new RecordingClientFactory(() => {
      const protocol = new StartTLSClient();
      built.resolve(protocol);
      return protocol;
    });
    reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    const protocol = await built.promise;
    await protocol.waitForBytes('GO\nwelcome'.length);
    expect(protocol.text()).toBe('GO\nwelcome');
    expect((await serverSecure.promise)?.subject['CN']).toBe('alice');
    const ssl = protocol.transport as unknown as ISSLTransport;
    expect(ssl.tlsEstablished).toBe(true);
    expect(ssl.getPeerCertificate()?.subject['CN']).toBe('localhost');
    expect(() => (protocol.transport as ITLSTransport).startTLS({})).toThrow(/already runs TLS/);
    protocol.transport.loseConnection();
    expect((await protocol.lost.promise).check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('a plain connection reports no TLS session', async () => {
    const reactor = startReactor();
    const port = await reactor.listenTCP(
      0,
      serverFactory(() => new Protocol()),
      { interface: '127.0.0.1' },
    );
    const built = signal<Recorder>();
    const client = new RecordingClientFactory(() => {
      const protocol = new Recorder();
      built.resolve(protocol);
      return protocol;
    });
    reactor.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    const protocol = await built.promise;
    await protocol.made.promise;
    const ssl = protocol.transport as unknown as ISSLTransport;
    expect(ssl.tlsEstablished).toBe(false);
    expect(ssl.getPeerCertificate()).toBeNull();
    expect(ssl.getNegotiatedProtocol()).toBeNull();
  });
});
