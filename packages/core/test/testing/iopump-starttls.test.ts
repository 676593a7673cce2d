import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import { ConnectionDone, Protocol, isSSLTransport } from '../../src/index.js';
import { concatBytes, connectedPair, type IOPump } from '../../src/testing/index.js';
import { generateSelfSignedCertificate } from '../../src/tls/certificates.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

class Recorder extends Protocol {
  readonly chunks: Uint8Array[] = [];
  lostReason: Failure | null = null;
  override dataReceived(data: Uint8Array): void {
    this.chunks.push(data.slice());
  }
  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lostReason = reason;
  }
  received(): string {
    return decode(concatBytes(this.chunks));
  }
}

/**
 * node:tls works on later turns of the event loop, so a TLS conversation over the pump needs
 * flushing between turns. Bounded: fails the test rather than spinning.
 */
async function pumpUntil(pump: IOPump, done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 500 && !done(); turn++) {
    pump.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  pump.flush();
  expect(done()).toBe(true);
}

describe('FakeTransport.startTLS', () => {
  it('switches both ends to TLS mid-stream, after the bytes written in clear', async () => {
    const certificate = generateSelfSignedCertificate();
    const { server, client, serverTransport, clientTransport, pump } = connectedPair(
      new Recorder(),
      new Recorder(),
    );
    client.transport.write(encode('STARTTLS\r\n'));
    pump.flush();
    expect(server.received()).toBe('STARTTLS\r\n');
    serverTransport.startTLS({ credentials: certificate });
    clientTransport.startTLS({ ca: certificate.cert, serverName: 'localhost' });
    client.transport.write(encode('secret'));
    await pumpUntil(pump, () => server.received().endsWith('secret'));
    expect(server.received()).toBe('STARTTLS\r\nsecret');
    expect(isSSLTransport(server.transport)).toBe(true);
    // What went over the pipe after STARTTLS was not the plaintext.
    expect(serverTransport.bytesWritten + clientTransport.bytesWritten).toBeGreaterThan(1000);

    client.transport.loseConnection();
    await pumpUntil(pump, () => server.lostReason !== null && client.lostReason !== null);
    expect(server.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
  });
});
