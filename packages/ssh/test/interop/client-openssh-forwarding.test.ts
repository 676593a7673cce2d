import { createConnection } from 'node:net';

import {
  Factory,
  Protocol,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  isTwError,
  type IListeningPort,
} from '@tw/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SSHClientConnection } from '../../src/client/connection.js';
import {
  opensshPresent,
  startOpenSSHFixture,
  type OpenSSHFixture,
} from '../support/openssh-fixture.js';

/** Local (-L) and remote (-R) port forwarding through OpenSSH's sshd. */

class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport.write(data);
  }
}

class Shout extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport.write(Buffer.from(Buffer.from(data).toString('latin1').toUpperCase(), 'latin1'));
  }
}

/** Connect with node:net, send `payload`, half-close, collect everything until the peer closes. */
function roundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let received = 0;
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= payload.length) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.setTimeout(10_000, () => socket.destroy(new Error('round trip timed out')));
  });
}

function portOf(listening: IListeningPort): number {
  const host = listening.getHost();
  return host.family === 'IPv4' || host.family === 'IPv6' ? host.port : 0;
}

describe.skipIf(!opensshPresent('client-openssh-forwarding.test.ts'))(
  'SSH port forwarding against OpenSSH',
  () => {
    let fx: OpenSSHFixture;
    let ssh: SSHClientConnection;
    let echo: IListeningPort;

    beforeAll(async () => {
      fx = await startOpenSSHFixture();
      echo = await new TCP4ServerEndpoint(fx.reactor, 0, { interface: '127.0.0.1' }).listen(
        new Factory(Echo),
      );
      ssh = await fx.connect();
    });

    afterAll(async () => {
      await ssh?.close();
      await echo?.stopListening();
      await fx?.stop();
    });

    it('forwards a local port to a TCP echo server through the server', async () => {
      const listening = await ssh.forwardLocal(
        new TCP4ServerEndpoint(fx.reactor, 0, { interface: '127.0.0.1' }),
        '127.0.0.1',
        portOf(echo),
      );
      try {
        const payload = Buffer.alloc(300_000, 'forward me ');
        const [a, b] = await Promise.all([
          roundTrip(portOf(listening), payload),
          roundTrip(portOf(listening), Buffer.from('second connection')),
        ]);
        expect(a.equals(payload)).toBe(true);
        expect(b.toString()).toBe('second connection');
      } finally {
        await listening.stopListening();
      }
    });

    it('runs a protocol over a direct-tcpip channel', async () => {
      const received: string[] = [];
      class Client extends Protocol {
        override connectionMade(): void {
          this.transport.write(Buffer.from('ping'));
        }
        override dataReceived(data: Uint8Array): void {
          received.push(Buffer.from(data).toString());
          this.transport.loseConnection();
        }
      }
      const client = await ssh.openDirectTCPIP('127.0.0.1', portOf(echo), new Client());
      expect(client).toBeInstanceOf(Client);
      for (let i = 0; i < 200 && received.length === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(received.join('')).toBe('ping');
    });

    it('forwards a server port back to a local factory', async () => {
      const forwarding = await ssh.forwardRemote('127.0.0.1', 0, new Factory(Shout));
      try {
        expect(forwarding.port).toBeGreaterThan(0);
        const reply = await roundTrip(forwarding.port, Buffer.from('remote hello'));
        expect(reply.toString()).toBe('REMOTE HELLO');
      } finally {
        await forwarding.stop();
      }
    });

    it('relays a server port to a local endpoint', async () => {
      const forwarding = await ssh.forwardRemote(
        '127.0.0.1',
        0,
        new TCP4ClientEndpoint(fx.reactor, '127.0.0.1', portOf(echo)),
      );
      try {
        const payload = Buffer.alloc(200_000, 'back again ');
        expect((await roundTrip(forwarding.port, payload)).equals(payload)).toBe(true);
      } finally {
        await forwarding.stop();
      }
      // After stop() the server no longer listens there.
      const refused = await roundTrip(forwarding.port, Buffer.from('x')).then(
        () => null,
        (error: unknown) => error,
      );
      expect((refused as NodeJS.ErrnoException | null)?.code).toBe('ECONNREFUSED');
    });

    it('errbacks when the server refuses a direct-tcpip channel', async () => {
      // Port 1 on loopback: nothing listens, so sshd answers the open with a failure.
      const failure = await ssh.openDirectChannel('127.0.0.1', 1).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isTwError(failure, 'TW_SSH_CHANNEL_FAILED')).toBe(true);
    });
  },
);
