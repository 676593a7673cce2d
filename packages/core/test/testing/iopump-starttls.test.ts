import { describe, expect, it } from 'vitest';
import { ConnectionDone, isSSLTransport } from '../../src/index.js';
import { Recorder, connectedPair, type IOPump } from '../../src/testing/index.js';
import { generateSelfSignedCertificate } from '../../src/tls/certificates.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

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
    expect(server.text()).toBe('STARTTLS\r\n');
    serverTransport.startTLS({ credentials: certificate });
    clientTransport.startTLS({ ca: certificate.cert, serverName: 'localhost' });
    client.transport.write(encode('secret'));
    await pumpUntil(pump, () => server.text().endsWith('secret'));
    expect(server.text()).toBe('STARTTLS\r\nsecret');
    expect(isSSLTransport(server.transport)).toBe(true);
    // What went over the pipe after STARTTLS was not the plaintext.
    expect(serverTransport.bytesWritten + clientTransport.bytesWritten).toBeGreaterThan(1000);

    client.transport.loseConnection();
    await pumpUntil(pump, () => server.lostReason !== null && client.lostReason !== null);
    expect(server.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    expect(client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
  });
});
