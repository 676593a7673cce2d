import * as tls from 'node:tls';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ConnectionDone, ConnectionLost } from '../../src/errors/connection.js';
import { isTwError } from '../../src/errors/tw-error.js';
import type { IPushProducer } from '../../src/interfaces/producer.js';
import type { IProtocol } from '../../src/interfaces/protocol.js';
import type { TLSOptions } from '../../src/interfaces/tls.js';
import { Protocol } from '../../src/protocol/protocol.js';
import { isSSLTransport } from '../../src/transport/capabilities.js';
import {
  generateCertificateAuthority,
  generateSelfSignedCertificate,
  issueCertificate,
} from '../../src/tls/certificates.js';
import { PlainTransportDuplex } from '../../src/tls/plain-transport-duplex.js';
import { TLSProtocolWrapper } from '../../src/tls/tls-layer.js';
import { TLSPeerVerificationError } from '../../src/tls/tls-errors.js';
import { TLSTransport } from '../../src/tls/tls-transport.js';
import { EchoProtocol, RecordingProtocol, wireText } from './layer-fixtures.js';
import { connectedPipe, type MemoryPipeOptions } from './memory-pipe.js';
import { LEGACY_TLS_CLIENT } from './tls-fixtures.js';

const selfSigned = generateSelfSignedCertificate();
const ca = generateCertificateAuthority();
const caServer = issueCertificate(ca);
const alice = issueCertificate(ca, { commonName: 'alice', client: true });
const trustingClient: TLSOptions = { ca: selfSigned.cert, serverName: 'localhost' };

function tlsPipe(
  serverApp: IProtocol,
  serverOptions: TLSOptions,
  clientApp: IProtocol,
  clientOptions: TLSOptions,
  pipeOptions: MemoryPipeOptions = {},
) {
  const server = new TLSProtocolWrapper(serverApp, serverOptions, 'server');
  const client = new TLSProtocolWrapper(clientApp, clientOptions, 'client');
  return { server, client, ...{ pipe: connectedPipe(server, client, pipeOptions) } };
}

describe('TLS over a memory pipe', () => {
  it('echoes both ways, with only ciphertext on the wire, and closes cleanly', async () => {
    const serverApp = new EchoProtocol();
    const clientApp = new RecordingProtocol((self) => self.send('hello through TLS'));
    const { pipe } = tlsPipe(serverApp, { credentials: selfSigned }, clientApp, trustingClient);

    await clientApp.waitFor('hello through TLS');
    expect(serverApp.text()).toBe('hello through TLS');
    expect(wireText(pipe.client.wire)).not.toContain('hello through TLS');
    expect(wireText(pipe.server.wire)).not.toContain('hello through TLS');

    clientApp.transport.loseConnection();
    const [clientReason, serverReason] = await Promise.all([clientApp.lost, serverApp.lost]);
    expect(clientReason.check(ConnectionDone)).toBe(ConnectionDone);
    expect(serverReason.check(ConnectionDone)).toBe(ConnectionDone);
    expect(pipe.client.lost?.check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('gives the application an SSL transport that reports the session after handshakeCompleted', async () => {
    const serverApp = new RecordingProtocol();
    const clientApp = new RecordingProtocol();
    tlsPipe(serverApp, { credentials: selfSigned }, clientApp, trustingClient);
    // Not TLS yet: the handshake has not completed.
    expect(isSSLTransport(clientApp.transport)).toBe(false);
    const clientTransport = clientApp.transport as TLSTransport;
    expect(clientTransport.tlsEstablished).toBe(false);
    expect(clientTransport.getPeerCertificate()).toBeNull();
    await Promise.all([clientApp.handshakeDone, serverApp.handshakeDone]);
    expect(isSSLTransport(clientApp.transport)).toBe(true);
    expect(clientTransport.tlsEstablished).toBe(true);
    expect(clientTransport.getPeerCertificate()?.subject).toEqual({ CN: 'localhost' });
    expect((serverApp.transport as TLSTransport).getPeerCertificate()).toBeNull();
    expect(clientTransport.getPeer()).toEqual({ family: 'memory', name: 'server' });
    expect(clientTransport.getHost()).toEqual({ family: 'memory', name: 'client' });
    clientTransport.loseConnection();
    await Promise.all([clientApp.lost, serverApp.lost]);
    expect(clientApp.handshakes).toBe(1);
  });

  it('negotiates ALPN', async () => {
    const serverApp = new RecordingProtocol();
    const clientApp = new RecordingProtocol();
    tlsPipe(serverApp, { credentials: selfSigned, alpnProtocols: ['imap', 'pop3'] }, clientApp, {
      ...trustingClient,
      alpnProtocols: ['pop3', 'smtp'],
    });
    await Promise.all([clientApp.handshakeDone, serverApp.handshakeDone]);
    expect((clientApp.transport as TLSTransport).getNegotiatedProtocol()).toBe('pop3');
    expect((serverApp.transport as TLSTransport).getNegotiatedProtocol()).toBe('pop3');
    clientApp.transport.abortConnection();
  });

  it('lets the server pick its certificate by SNI', async () => {
    const mail = generateSelfSignedCertificate({
      commonName: 'mail.example.org',
      altNames: ['mail.example.org'],
    });
    const serverOptions: TLSOptions = {
      credentials: selfSigned,
      sniCredentials: { 'mail.example.org': mail },
    };
    for (const [serverName, ca_, expected] of [
      ['mail.example.org', mail.cert, 'mail.example.org'],
      ['localhost', selfSigned.cert, 'localhost'],
    ] as const) {
      const clientApp = new RecordingProtocol();
      tlsPipe(new RecordingProtocol(), serverOptions, clientApp, { ca: ca_, serverName });
      await clientApp.handshakeDone;
      expect(
        clientApp.transport instanceof TLSTransport &&
          clientApp.transport.getPeerCertificate()?.subject['CN'],
      ).toBe(expected);
      clientApp.transport.loseConnection();
      await clientApp.lost;
    }
  });

  it('shows the server the client certificate', async () => {
    const serverApp = new RecordingProtocol();
    const clientApp = new RecordingProtocol();
    tlsPipe(serverApp, { credentials: caServer, ca: ca.cert, requestCert: true }, clientApp, {
      ca: ca.cert,
      serverName: 'localhost',
      credentials: alice,
    });
    await serverApp.handshakeDone;
    const certificate = (serverApp.transport as TLSTransport).getPeerCertificate();
    expect(certificate?.subject).toEqual({ CN: 'alice' });
    expect(certificate?.issuer).toEqual({ CN: '@tw test CA' });
    serverApp.transport.loseConnection();
    expect((await clientApp.lost).check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('a verifying client refuses an untrusted self-signed certificate: both sides see ConnectionLost', async () => {
    const serverApp = new RecordingProtocol();
    const clientApp = new RecordingProtocol((self) => self.send('never delivered'));
    tlsPipe(serverApp, { credentials: selfSigned }, clientApp, { serverName: 'localhost' });
    const [clientReason, serverReason] = await Promise.all([clientApp.lost, serverApp.lost]);
    expect(clientReason.check(ConnectionLost)).toBe(ConnectionLost);
    expect(((clientReason.value as Error).cause as NodeJS.ErrnoException).code).toBe(
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    );
    expect(serverReason.check(ConnectionLost)).toBe(ConnectionLost);
    expect(clientApp.handshakes).toBe(0);
    expect(serverApp.text()).toBe('');
  });

  it('a server requiring client certificates refuses one its CA did not issue', async () => {
    const serverApp = new RecordingProtocol();
    const clientApp = new RecordingProtocol();
    const mallory = generateSelfSignedCertificate({ commonName: 'mallory' });
    tlsPipe(serverApp, { credentials: caServer, ca: ca.cert, requestCert: true }, clientApp, {
      ca: ca.cert,
      serverName: 'localhost',
      credentials: mallory,
    });
    const serverReason = await serverApp.lost;
    expect((serverReason.value as Error).cause).toBeInstanceOf(TLSPeerVerificationError);
    expect(serverApp.handshakes).toBe(0);
    expect((await clientApp.lost).check(ConnectionLost)).toBe(ConnectionLost);
  });

  it('refuses a TLS 1.1 client', async () => {
    const serverApp = new RecordingProtocol();
    let clientError: NodeJS.ErrnoException | undefined;
    // A raw node:tls client over the pipe, allowed to speak TLS 1.1.
    const legacyClient = new (class extends Protocol {
      override connectionMade(): void {
        const duplex = new PlainTransportDuplex({
          write: (data) => this.transport.write(data),
          close: () => this.transport.loseConnection(),
          readWanted: () => {},
        });
        this.duplex = duplex;
        tls
          .connect({ ...LEGACY_TLS_CLIENT, socket: duplex })
          .on('error', (error) => (clientError = error));
      }
      duplex: PlainTransportDuplex | null = null;
      override dataReceived(data: Uint8Array): void {
        this.duplex?.receive(data);
      }
    })();
    const server = new TLSProtocolWrapper(serverApp, { credentials: selfSigned }, 'server');
    connectedPipe(server, legacyClient);
    const reason = await serverApp.lost;
    expect(((reason.value as Error).cause as NodeJS.ErrnoException).code).toBe(
      'ERR_SSL_UNSUPPORTED_PROTOCOL',
    );
    expect(clientError?.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  it('delivers the same bytes whatever pieces the TLS records arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 2000 }), { maxLength: 4 }),
        async (cuts) => {
          const message = 'x'.repeat(3000) + 'end';
          const serverApp = new EchoProtocol();
          const clientApp = new RecordingProtocol((self) => self.send(message));
          tlsPipe(serverApp, { credentials: selfSigned }, clientApp, trustingClient, {
            split: () => cuts,
          });
          await clientApp.waitFor('end');
          expect(clientApp.text()).toBe(message);
          clientApp.transport.loseConnection();
          await Promise.all([clientApp.lost, serverApp.lost]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('propagates an abort from either side as ConnectionLost', async () => {
    const serverApp = new RecordingProtocol();
    const clientApp = new RecordingProtocol();
    const { pipe } = tlsPipe(serverApp, { credentials: selfSigned }, clientApp, trustingClient);
    await clientApp.handshakeDone;
    clientApp.transport.abortConnection();
    const [clientReason, serverReason] = await Promise.all([clientApp.lost, serverApp.lost]);
    expect(clientReason.check(ConnectionLost)).toBe(ConnectionLost);
    expect(serverReason.check(ConnectionLost)).toBe(ConnectionLost);
    expect(pipe.server.lost?.check(ConnectionLost)).toBe(ConnectionLost);

    const serverApp2 = new RecordingProtocol();
    const clientApp2 = new RecordingProtocol();
    const second = tlsPipe(serverApp2, { credentials: selfSigned }, clientApp2, trustingClient);
    await clientApp2.handshakeDone;
    second.pipe.server.abortConnection(); // the plain transport under the server drops
    expect((await clientApp2.lost).check(ConnectionLost)).toBe(ConnectionLost);
    expect((await serverApp2.lost).check(ConnectionLost)).toBe(ConnectionLost);
  });

  it('drops the connection when the application throws, with the error as the cause', async () => {
    const failure = new Error('application bug');
    const serverApp = new (class extends RecordingProtocol {
      override dataReceived(): void {
        throw failure;
      }
    })();
    const clientApp = new RecordingProtocol((self) => self.send('boom'));
    tlsPipe(serverApp, { credentials: selfSigned }, clientApp, trustingClient);
    const reason = await serverApp.lost;
    expect((reason.value as Error).cause).toBe(failure);
    expect((await clientApp.lost).check(ConnectionLost, ConnectionDone)).not.toBeNull();
  });

  it('holds decrypted data while the application has paused reading, pausing the plain transport when full', async () => {
    const serverApp = new RecordingProtocol((self) => self.transport.pauseProducing());
    const clientApp = new RecordingProtocol();
    // Deliver in 8 KiB pieces, as a socket would: ciphertext already handed to node:tls is all
    // decrypted, so back-pressure shows on the pieces after it.
    const everyEightKiB = (length: number) =>
      Array.from({ length: Math.floor(length / 8192) }, (_, i) => (i + 1) * 8192);
    const { pipe } = tlsPipe(serverApp, { credentials: selfSigned }, clientApp, trustingClient, {
      split: everyEightKiB,
    });
    await clientApp.handshakeDone;
    const payload = 'y'.repeat(256 * 1024);
    clientApp.send(payload + 'done');
    // Back-pressure reaches the plain transport: bounded memory while the application waits.
    for (let turn = 0; turn < 10_000 && !pipe.server.readingPaused; turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(pipe.server.readingPaused).toBe(true);
    expect(serverApp.text()).toBe('');
    serverApp.transport.resumeProducing();
    await serverApp.waitFor('done');
    expect(serverApp.text()).toBe(payload + 'done');
    expect(pipe.server.readingPaused).toBe(false);
    clientApp.transport.loseConnection();
    await serverApp.lost;
  });

  it('pauses a streaming producer when the plain transport is full and resumes it when it drains', async () => {
    const chunk = new Uint8Array(4096).fill(65);
    const total = 64;
    const events: string[] = [];
    const serverApp = new RecordingProtocol();
    const clientApp = new RecordingProtocol();
    tlsPipe(serverApp, { credentials: selfSigned }, clientApp, trustingClient, {
      highWaterMark: 16_384,
    });
    await clientApp.handshakeDone;
    let sent = 0;
    let paused = false;
    const producer: IPushProducer = {
      pauseProducing: () => {
        paused = true;
        events.push('pause');
      },
      resumeProducing: () => {
        paused = false;
        events.push('resume');
        pump();
      },
      stopProducing: () => events.push('stop'),
    };
    const pump = (): void => {
      while (!paused && sent < total) {
        sent += 1;
        clientApp.transport.write(chunk);
      }
      if (sent === total) {
        clientApp.transport.unregisterProducer();
        clientApp.transport.loseConnection();
      }
    };
    clientApp.transport.registerProducer(producer, true);
    pump();
    await serverApp.lost;
    expect(serverApp.received.reduce((n, c) => n + c.byteLength, 0)).toBe(total * chunk.byteLength);
    expect(events[0]).toBe('pause');
    expect(events).toContain('resume');
    expect(events).not.toContain('stop');
  });
});

describe('startTLSOn: STARTTLS over a transport without TLS of its own', () => {
  class StartTLSServer extends RecordingProtocol {
    override dataReceived(data: Uint8Array): void {
      super.dataReceived(data);
      if (this.text() === 'STARTTLS\n') {
        this.send('GO\n');
        (this.transport as unknown as { startTLS(o: TLSOptions): void }).startTLS({
          credentials: selfSigned,
        });
      } else if (this.text().endsWith('\n')) {
        this.send(`secure:${isSSLTransport(this.transport)}\n`);
      }
    }
  }

  it('switches both sides to TLS mid-stream; later bytes travel encrypted', async () => {
    const serverApp = new StartTLSServer();
    const clientApp = new RecordingProtocol((self) => self.send('STARTTLS\n'));
    const pipe = connectedPipe(serverApp, clientApp);
    await clientApp.waitFor('GO\n');
    pipe.client.startTLS(trustingClient);
    clientApp.send('secret\n');
    await clientApp.waitFor('secure:true\n');
    expect(isSSLTransport(clientApp.transport)).toBe(true);
    expect(serverApp.text()).toBe('STARTTLS\nsecret\n');
    expect(wireText(pipe.client.wire)).toContain('STARTTLS\n');
    expect(wireText(pipe.client.wire)).not.toContain('secret');
    expect(wireText(pipe.server.wire)).not.toContain('secure:true');
    expect((clientApp.transport as TLSTransport).getPeerCertificate()?.subject['CN']).toBe(
      'localhost',
    );
    clientApp.transport.loseConnection();
    expect((await serverApp.lost).check(ConnectionDone)).toBe(ConnectionDone);
    expect((await clientApp.lost).check(ConnectionDone)).toBe(ConnectionDone);
  });

  it('refuses options below TLS 1.2 before touching the connection', () => {
    const clientApp = new RecordingProtocol();
    const pipe = connectedPipe(new RecordingProtocol(), clientApp);
    let caught: unknown;
    try {
      pipe.client.startTLS({ minVersion: 'TLSv1.1' } as unknown as TLSOptions);
    } catch (error) {
      caught = error;
    }
    expect(isTwError(caught, 'TW_TLS_INVALID_OPTIONS')).toBe(true);
    expect(pipe.client.protocol).toBe(clientApp);
    pipe.client.abortConnection();
  });
});
