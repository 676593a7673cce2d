import { describe, expect, it } from 'vitest';
import { ConnectionDone, isSSLTransport } from '../../src/index.js';
import {
  Recorder,
  TRANSPORT_KINDS,
  connectOver,
  forEachTransport,
} from '../../src/testing/index.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Upper-cases each line it receives and writes it back. */
class Shouter extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    this.transport.write(encode(decode(data).toUpperCase()));
  }
}

describe('transport matrix', () => {
  for (const kind of TRANSPORT_KINDS) {
    it(`runs the same conversation over ${kind}`, async () => {
      const connection = await connectOver(kind, {
        server: () => new Shouter(),
        client: () => new Recorder(),
      });
      try {
        expect(connection.kind).toBe(kind);
        connection.client.transport.write(encode('hello over '));
        connection.client.transport.write(encode(kind));
        await connection.until(
          () => connection.client.text() === `HELLO OVER ${kind.toUpperCase()}`,
        );
        expect(connection.server.text()).toBe(`hello over ${kind}`);
        const transport = connection.client.transport;
        const peerCertificate = isSSLTransport(transport) ? transport.getPeerCertificate() : null;
        expect(peerCertificate !== null).toBe(kind === 'tls');
        expect(connection.pump !== null).toBe(kind === 'memory');
      } finally {
        await connection.close();
      }
      expect(connection.client.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
      expect(connection.server.lostReason?.check(ConnectionDone)).toBe(ConnectionDone);
    });
  }

  it('forEachTransport runs the body once per kind and names the kind in a failure', async () => {
    const seen: string[] = [];
    await forEachTransport(
      { server: () => new Shouter(), client: () => new Recorder(), kinds: ['memory', 'tcp'] },
      async ({ kind, client, until }) => {
        seen.push(kind);
        client.transport.write(encode('x'));
        await until(() => client.text() === 'X');
      },
    );
    expect(seen).toEqual(['memory', 'tcp']);

    await expect(
      forEachTransport(
        { server: () => new Recorder(), client: () => new Recorder(), kinds: ['unix'] },
        () => {
          throw new Error('body failed');
        },
      ),
    ).rejects.toThrow('[unix] body failed');
  });

  it('until() gives up after its timeout, naming the transport', async () => {
    const connection = await connectOver('memory', {
      server: () => new Recorder(),
      client: () => new Recorder(),
    });
    try {
      await expect(connection.until(() => false, 0.01)).rejects.toThrow(/memory transport/);
    } finally {
      await connection.close();
    }
  });
});
