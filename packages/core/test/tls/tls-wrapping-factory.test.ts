import { describe, expect, it } from 'vitest';

import { ConnectionDone } from '../../src/errors/connection.js';
import { isTwError } from '../../src/errors/tw-error.js';
import { Failure } from '../../src/defer/failure.js';
import type { IConnector } from '../../src/interfaces/protocol.js';
import type { TLSOptions } from '../../src/interfaces/tls.js';
import { ClientFactory, Factory } from '../../src/protocol/factory.js';
import { connectedServerAndClient, type IOPump } from '../../src/testing/index.js';
import { generateSelfSignedCertificate } from '../../src/tls/certificates.js';
import { TLSProtocolWrapper } from '../../src/tls/tls-layer.js';
import { TLSWrappingFactory } from '../../src/tls/tls-wrapping-factory.js';
import { EchoProtocol, RecordingProtocol } from './layer-fixtures.js';

const certificate = generateSelfSignedCertificate();
const peer = { family: 'IPv4', type: 'TCP', host: '127.0.0.1', port: 1 } as const;

/** node:tls works on later event-loop turns: flush the pump between turns, bounded. */
async function pumpUntil(pump: IOPump, done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500 && !done(); turn++) {
    pump.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(done()).toBe(true);
}

describe('TLSWrappingFactory', () => {
  it('wraps each protocol the factory builds in the TLS layer', () => {
    const inner = Factory.forProtocol(() => new RecordingProtocol());
    const factory = new TLSWrappingFactory(inner, { credentials: certificate }, 'server');
    const built = factory.buildProtocol(peer);
    expect(built).toBeInstanceOf(TLSProtocolWrapper);
    expect(built?.factory).toBe(factory);
    expect(built?.wrappedProtocol).toBeInstanceOf(RecordingProtocol);
    expect(built?.side).toBe('server');
  });

  it('passes a refusal (null) through', () => {
    const factory = new TLSWrappingFactory(
      Factory.forProtocol(() => null),
      { credentials: certificate },
      'server',
    );
    expect(factory.buildProtocol(peer)).toBeNull();
  });

  it('passes start/stop and the client notifications to the wrapped factory', () => {
    const events: string[] = [];
    const inner = new (class extends ClientFactory {
      override startFactory(): void {
        events.push('start');
      }
      override stopFactory(): void {
        events.push('stop');
      }
      override startedConnecting(): void {
        events.push('connecting');
      }
      override clientConnectionFailed(_c: IConnector, reason: Failure): void {
        events.push(`failed:${reason.getErrorMessage()}`);
      }
      override clientConnectionLost(): void {
        events.push('lost');
      }
    })();
    const factory = new TLSWrappingFactory(inner, { verifyPeer: false }, 'client');
    const connector = {} as IConnector;
    factory.doStart();
    factory.startedConnecting(connector);
    factory.clientConnectionFailed(connector, new Failure(new Error('refused')));
    factory.clientConnectionLost(connector, new Failure(new ConnectionDone()));
    factory.doStop();
    expect(events).toEqual(['start', 'connecting', 'failed:refused', 'lost', 'stop']);
    // A plain Factory has no client notifications: they are simply not passed on.
    expect(() =>
      new TLSWrappingFactory(new Factory(), {}, 'client').startedConnecting(connector),
    ).not.toThrow();
  });

  it('refuses options below TLS 1.2 when built, not at the first connection', () => {
    let caught: unknown;
    try {
      new TLSWrappingFactory(
        new Factory(),
        { minVersion: 'TLSv1' } as unknown as TLSOptions,
        'server',
      );
    } catch (error) {
      caught = error;
    }
    expect(isTwError(caught, 'TW_TLS_INVALID_OPTIONS')).toBe(true);
  });

  it('runs a TLS conversation over the @tw/core/testing IOPump', async () => {
    const server = new TLSWrappingFactory(
      Factory.forProtocol(() => new EchoProtocol()),
      { credentials: certificate },
      'server',
    );
    const client = new TLSWrappingFactory(
      Factory.forProtocol(() => new RecordingProtocol((self) => self.send('pumped'))),
      // The pump's peer is 127.0.0.1, which the certificate names: no serverName needed.
      { ca: certificate.cert },
      'client',
    );
    const pair = connectedServerAndClient(server, client);
    const clientApp = pair.client.wrappedProtocol as RecordingProtocol;
    const serverApp = pair.server.wrappedProtocol as RecordingProtocol;
    await pumpUntil(pair.pump, () => clientApp.text() === 'pumped');
    expect(serverApp.text()).toBe('pumped');
    clientApp.transport.loseConnection();
    await pumpUntil(pair.pump, () => clientApp.reason !== null && serverApp.reason !== null);
    expect(clientApp.reason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect(serverApp.reason?.check(ConnectionDone)).toBe(ConnectionDone);
  });
});
