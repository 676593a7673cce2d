import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { clientFromString } from '../../src/endpoints/default-registry.js';
import { ConnectionDone } from '../../src/errors/connection.js';
import { LineReceiver } from '../../src/framing/line-receiver.js';
import type { ISSLTransport } from '../../src/interfaces/transport.js';
import type { SteppedReactor } from '../../src/reactor/stepped/stepped-reactor.js';
import {
  generateCertificateAuthority,
  issueCertificate,
  type CertificateAndKey,
} from '../../src/tls/certificates.js';
import {
  RecordingClientFactory,
  Recorder,
  closeReactors,
  decode,
  drive,
  makeReactor,
  portOf,
  serverFactory,
} from './harness.js';

afterEach(closeReactors);

/** Echoes each line back in upper case. */
class ShoutingServer extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(decode(line).toUpperCase());
  }
}

/** Sends its lines one at a time, each after the previous reply; records what came back. */
class LineClient extends LineReceiver {
  readonly replies: string[] = [];
  insideIterate = true;
  lost = false;

  constructor(
    private readonly reactor: SteppedReactor,
    private readonly lines: readonly string[],
  ) {
    super();
  }

  override connectionMade(): void {
    this.check();
    this.sendLine(this.lines[0]!);
  }

  override lineReceived(line: Uint8Array): void {
    this.check();
    this.replies.push(decode(line));
    const next = this.lines[this.replies.length];
    if (next === undefined) this.transport.loseConnection();
    else this.sendLine(next);
  }

  override connectionLost(): void {
    this.check();
    this.lost = true;
  }

  private check(): void {
    if (!this.reactor.iterating) this.insideIterate = false;
  }
}

const LINES = ['hello', 'stepped', 'world'];

describe('SteppedReactor round trips driven only by iterate()', () => {
  let ca: CertificateAndKey;
  let serverCert: CertificateAndKey;

  beforeAll(() => {
    ca = generateCertificateAuthority({ commonName: 'stepped test CA' });
    serverCert = issueCertificate(ca, {
      commonName: 'localhost',
      altNames: ['localhost', '127.0.0.1'],
    });
  }, 60_000);

  it('TCP: a line client and server on the same stepped reactor', async () => {
    const reactor = makeReactor();
    let port = 0;
    reactor
      .listenTCP(
        0,
        serverFactory(() => new ShoutingServer()),
        { interface: '127.0.0.1' },
      )
      .addCallback((listening) => {
        port = portOf(listening.getHost());
      });
    await drive(reactor, () => port !== 0, 'the listening port');
    const client = new LineClient(reactor, LINES);
    const factory = new RecordingClientFactory(() => client);
    reactor.connectTCP('127.0.0.1', port, factory);
    expect(factory.notes).toEqual([]); // even startedConnecting waits for iterate()
    await drive(reactor, () => factory.notes.includes('clientLost'), 'the client to finish');
    expect(client.replies).toEqual(['HELLO', 'STEPPED', 'WORLD']);
    expect(client.lost).toBe(true);
    expect(client.insideIterate).toBe(true);
    expect(factory.notes).toEqual(['started', 'build', 'clientLost']);
  });

  it('TLS: the protocol sees the verified peer in connectionMade, all inside iterate()', async () => {
    const reactor = makeReactor();
    let port = 0;
    reactor
      .listenTLS(
        0,
        serverFactory(() => new ShoutingServer()),
        { credentials: serverCert },
        { interface: '127.0.0.1' },
      )
      .addCallback((listening) => {
        port = portOf(listening.getHost());
      });
    await drive(reactor, () => port !== 0, 'the listening port');
    let peerName: unknown = null;
    class TLSLineClient extends LineClient {
      override connectionMade(): void {
        const ssl = this.transport as ISSLTransport;
        peerName = ssl.tlsEstablished ? ssl.getPeerCertificate()?.subject['CN'] : 'not secure';
        super.connectionMade();
      }
    }
    const client = new TLSLineClient(reactor, LINES);
    const factory = new RecordingClientFactory(() => client);
    reactor.connectTLS('127.0.0.1', port, factory, { ca: ca.cert });
    await drive(reactor, () => client.lost, 'the TLS client to finish');
    expect(peerName).toBe('localhost');
    expect(client.replies).toEqual(['HELLO', 'STEPPED', 'WORLD']);
    expect(client.insideIterate).toBe(true);
  });

  it('Unix socket, connected through a client endpoint string', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-stepped-'));
    try {
      const path = join(dir, 'shout.sock');
      const reactor = makeReactor();
      let listening = false;
      reactor
        .listenUNIX(
          path,
          serverFactory(() => new ShoutingServer()),
        )
        .addCallback(() => {
          listening = true;
        });
      await drive(reactor, () => listening, 'the Unix port');
      const client = new LineClient(reactor, LINES);
      let connected = false;
      clientFromString(reactor, `unix:path=${path}`)
        .connect(serverFactory(() => client))
        .addCallback(() => {
          connected = reactor.iterating;
        });
      await drive(reactor, () => client.lost, 'the Unix client to finish');
      expect(connected).toBe(true); // the endpoint's Deferred fired inside iterate()
      expect(client.replies).toEqual(['HELLO', 'STEPPED', 'WORLD']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a host name endpoint (resolver + happy eyeballs timers) connects, all inside iterate()', async () => {
    const reactor = makeReactor();
    let port = 0;
    reactor
      .listenTCP(
        0,
        serverFactory(() => new ShoutingServer()),
        { interface: '127.0.0.1' },
      )
      .addCallback((listening) => {
        port = portOf(listening.getHost());
      });
    await drive(reactor, () => port !== 0, 'the listening port');
    const client = new LineClient(reactor, LINES);
    let connectedInside: boolean | null = null;
    clientFromString(reactor, `tcp:host=localhost:port=${port}`)
      .connect(serverFactory(() => client))
      .addCallback(() => {
        connectedInside = reactor.iterating;
      });
    await drive(reactor, () => client.lost, 'the client to finish');
    expect(connectedInside).toBe(true);
    expect(client.replies).toEqual(['HELLO', 'STEPPED', 'WORLD']);
    expect(client.insideIterate).toBe(true);
  });

  it('a refused connection reaches clientConnectionFailed inside iterate()', async () => {
    const reactor = makeReactor();
    // Find a port nobody listens on: listen, note it, stop.
    let port = 0;
    let stopped = false;
    reactor
      .listenTCP(
        0,
        serverFactory(() => new Recorder(reactor)),
        { interface: '127.0.0.1' },
      )
      .addCallback((listening) => {
        port = portOf(listening.getHost());
        return listening.stopListening().addCallback(() => {
          stopped = reactor.iterating;
        });
      });
    await drive(reactor, () => stopped, 'the port to close');
    const factory = new RecordingClientFactory(() => new Recorder(reactor));
    let failedInside = false;
    const original = factory.clientConnectionFailed.bind(factory);
    factory.clientConnectionFailed = (connector, reason) => {
      failedInside = reactor.iterating;
      original(connector, reason);
    };
    reactor.connectTCP('127.0.0.1', port, factory);
    await drive(reactor, () => factory.failure !== null, 'the failure');
    expect(failedInside).toBe(true);
    expect(factory.notes).toEqual(['started', 'failed']);
  });

  it('a connection closed from inside dataReceived gets connectionLost(ConnectionDone)', async () => {
    const reactor = makeReactor();
    const server = new Recorder(reactor);
    let port = 0;
    reactor
      .listenTCP(
        0,
        serverFactory(() => server),
        { interface: '127.0.0.1' },
      )
      .addCallback((listening) => {
        port = portOf(listening.getHost());
      });
    await drive(reactor, () => port !== 0, 'the port');
    class Closer extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        this.transport.write(new TextEncoder().encode('bye'));
        this.transport.loseConnection();
      }
    }
    const client = new Closer(reactor);
    reactor.connectTCP('127.0.0.1', port, new RecordingClientFactory(() => client));
    await drive(
      reactor,
      () => client.lostReason !== null && server.lostReason !== null,
      'both sides to close',
    );
    expect(server.text()).toBe('bye');
    expect(server.events).toEqual(['made', 'data', 'lost']);
    expect(client.lostReason!.check(ConnectionDone)).toBe(ConnectionDone);
    expect(server.outsideIterate + client.outsideIterate).toBe(0);
  });
});
