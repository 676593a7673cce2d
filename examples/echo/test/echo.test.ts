import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { StringTransport, TRANSPORT_KINDS, connectOver } from '@tw/core/testing';
import { Echo } from '../src/echo.js';
import { EchoClient } from '../src/echo-client.js';
import { startExample, stopExample } from './run-example.js';

describe('Echo', () => {
  it('writes back exactly what it receives', () => {
    const transport = new StringTransport();
    const echo = new Echo();
    transport.connect(echo);
    echo.dataReceived(new TextEncoder().encode('hello'));
    echo.dataReceived(new Uint8Array([0, 255, 13, 10]));
    expect([...transport.value()]).toEqual([...new TextEncoder().encode('hello'), 0, 255, 13, 10]);
  });

  // The same Echo class, unchanged, over every transport the core offers.
  for (const kind of TRANSPORT_KINDS) {
    it(`echoes 256 KiB intact over ${kind}`, async () => {
      const message = new Uint8Array(256 * 1024).map((_, i) => (i * 7) % 256);
      const connection = await connectOver(kind, {
        server: () => new Echo(),
        client: () => new EchoClient(message),
      });
      try {
        const echoed = await connection.client.done;
        expect(echoed.byteLength).toBe(message.byteLength);
        expect(Buffer.compare(Buffer.from(echoed), Buffer.from(message))).toBe(0);
      } finally {
        await connection.close();
      }
    });
  }
});

describe('the echo example programs', () => {
  it('`start` serves on the endpoint given and stops cleanly on SIGTERM', async () => {
    const { child, match } = await startExample(
      'echo',
      'server',
      ['tcp:0:interface=127.0.0.1'],
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    try {
      const port = Number(match[1]);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end('ping over TCP\n'));
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(reply).toBe('ping over TCP\n');
    } finally {
      expect(await stopExample(child)).toBe(0);
    }
  });

  it('`client` prints what the server echoed', async () => {
    const server = await startExample(
      'echo',
      'server',
      ['tcp:0:interface=127.0.0.1'],
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    try {
      const client = await startExample(
        'echo',
        'client',
        ['hello from the client', `tcp:host=127.0.0.1:port=${server.match[1]}`],
        /hello from the client/,
      );
      await new Promise((resolve) => client.child.once('exit', resolve));
      expect(client.child.exitCode).toBe(0);
    } finally {
      await stopExample(server.child);
    }
  });
});
