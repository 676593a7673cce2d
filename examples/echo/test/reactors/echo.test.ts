import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionDone, Factory, Protocol, type Failure } from '@tw/core';
import { forEachReactor } from '@tw/core/testing';
import { Echo } from '../../src/echo.js';
import { EchoClient } from '../../src/echo-client.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Collects what comes back and how the connection ended. */
class Collector extends Protocol {
  text = '';
  lost: Failure | null = null;
  override dataReceived(data: Uint8Array): void {
    this.text += new TextDecoder().decode(data);
  }
  override connectionLost(reason: Failure): void {
    this.lost = reason;
  }
}

// One suite, every reactor: the same Echo and the same test code on the Node reactor (loopback
// sockets) and on the virtual-time reactor (a simulated network).
forEachReactor(
  'echo',
  (harness) => {
    it('echoes 256 KiB intact', async () => {
      const port = await harness.listen(Factory.forProtocol(() => new Echo()));
      const message = new Uint8Array(256 * 1024).map((_, i) => (i * 7) % 256);
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new EchoClient(message)),
      );
      const echoed = await harness.wait(client.done);
      expect(echoed.byteLength).toBe(message.byteLength);
      expect(Buffer.compare(Buffer.from(echoed), Buffer.from(message))).toBe(0);
    });

    it('keeps twenty concurrent connections apart', async () => {
      const port = await harness.listen(Factory.forProtocol(() => new Echo()));
      const clients = await Promise.all(
        Array.from({ length: 20 }, () =>
          harness.connect(
            port,
            Factory.forProtocol(() => new Collector()),
          ),
        ),
      );
      clients.forEach((client, index) => client.transport.write(encode(`client ${index};`)));
      await harness.until(() =>
        clients.every((client, index) => client.text === `client ${index};`),
      );
    });

    it('each side sees the other as its peer', async () => {
      let serverSide: Echo | null = null;
      const port = await harness.listen(
        Factory.forProtocol(() => {
          serverSide = new Echo();
          return serverSide;
        }),
      );
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new Collector()),
      );
      await harness.until(() => serverSide !== null && serverSide.connected);
      expect(serverSide!.transport.getPeer()).toEqual(client.transport.getHost());
      expect(client.transport.getPeer()).toMatchObject({ port });
    });

    it('closes cleanly: data written before loseConnection() arrives, then ConnectionDone', async () => {
      const port = await harness.listen(Factory.forProtocol(() => new Echo()));
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new Collector()),
      );
      client.transport.write(encode('last words'));
      await harness.until(() => client.text === 'last words');
      client.transport.loseConnection();
      await harness.until(() => client.lost !== null);
      expect(client.lost!.value).toBeInstanceOf(ConnectionDone);
    });
  },
  { describe, beforeEach, afterEach },
);
