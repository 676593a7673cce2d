import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Protocol } from '@tw/core';
import {
  ClientService,
  ConnectionDone,
  Factory,
  LineReceiver,
  NodeReactor,
  TimeoutFactory,
  backoffPolicy,
  clientFromString,
  serverFromString,
  type Failure,
} from '@tw/core';
import {
  REACTOR_KINDS,
  createReactorHarness,
  forEachReactor,
  type ReactorHarness,
} from '@tw/core/testing';
import { SimulatedNetwork, VirtualReactor } from '@tw/core/virtual';

/** Answers each line upper-cased. */
class Shout extends LineReceiver {
  override lineReceived(line: Uint8Array): void {
    this.sendLine(Buffer.from(Buffer.from(line).toString().toUpperCase()));
  }
}

class Lines extends LineReceiver {
  readonly lines: string[] = [];
  lost: Failure | null = null;
  override lineReceived(line: Uint8Array): void {
    this.lines.push(Buffer.from(line).toString());
  }
  override connectionLost(reason: Failure): void {
    this.lost = reason;
  }
}

describe('the reactor matrix', () => {
  it('offers a Node reactor and a virtual one', async () => {
    expect(REACTOR_KINDS).toEqual(['node', 'virtual']);
    const node = createReactorHarness('node');
    const virtual = createReactorHarness('virtual');
    try {
      expect(node.reactor).toBeInstanceOf(NodeReactor);
      expect(node.network).toBeNull();
      expect(node.clientEndpoint(80)).toBe('tcp:host=127.0.0.1:port=80');
      expect(virtual.network).toBeInstanceOf(SimulatedNetwork);
      expect(virtual.reactor).toBeInstanceOf(VirtualReactor);
      expect(virtual.clientReactor).not.toBe(virtual.reactor);
      expect(virtual.clientEndpoint(80)).toBe('tcp:host=server:port=80');
    } finally {
      await node.cleanup();
      await virtual.cleanup();
    }
  });

  it('runs cleanups in reverse order, once', async () => {
    const harness = createReactorHarness('virtual');
    const order: number[] = [];
    harness.addCleanup(() => order.push(1));
    harness.addCleanup(() => order.push(2));
    await harness.cleanup();
    await harness.cleanup();
    expect(order).toEqual([2, 1]);
  });

  it('the virtual harness fails a wait that cannot finish, naming the reactor', async () => {
    const harness = createReactorHarness('virtual');
    try {
      await expect(harness.until(() => false, 5)).rejects.toThrow(/^\[virtual\]/);
    } finally {
      await harness.cleanup();
    }
  });
});

// Core's own protocols and policies, unchanged, on both reactors.
forEachReactor(
  'core protocols',
  (harness: ReactorHarness) => {
    it('LineReceiver talks lines over the reactor', async () => {
      const port = await harness.listen(Factory.forProtocol(() => new Shout()));
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new Lines()),
      );
      client.sendLine(Buffer.from('hello'));
      client.sendLine(Buffer.from('world'));
      await harness.until(() => client.lines.length === 2);
      expect(client.lines).toEqual(['HELLO', 'WORLD']);
    });

    it('TimeoutFactory closes an idle connection after its period, in the reactor time', async () => {
      const port = await harness.listen(
        new TimeoutFactory(
          Factory.forProtocol(() => new Shout()),
          { clock: harness.reactor, timeoutPeriod: 0.2 },
        ),
      );
      const client = await harness.connect(
        port,
        Factory.forProtocol(() => new Lines()),
      );
      const connectedAt = harness.reactor.seconds();
      client.sendLine(Buffer.from('ping'));
      await harness.until(() => client.lost !== null);
      expect(client.lines).toEqual(['PING']);
      expect(client.lost!.value).toBeInstanceOf(ConnectionDone);
      if (harness.network !== null) {
        expect(harness.reactor.seconds() - connectedAt).toBeGreaterThanOrEqual(0.2);
      }
    });

    it('ClientService connects through an endpoint string and reconnects after a drop', async () => {
      const servers: Protocol[] = [];
      const port = await harness.listen(
        Factory.forProtocol(() => {
          const protocol = new Shout();
          servers.push(protocol);
          return protocol;
        }),
      );
      const service = new ClientService(
        clientFromString(harness.clientReactor, harness.clientEndpoint(port)),
        Factory.forProtocol(() => new Lines()),
        {
          clock: harness.clientReactor,
          retryPolicy: backoffPolicy({ initialDelay: 0.05, maxDelay: 0.05, jitter: () => 0 }),
        },
      );
      service.startService();
      harness.addCleanup(() => service.stopService());
      await harness.wait(service.whenConnected());
      await harness.until(() => servers.length === 1 && servers[0]!.connected);
      servers[0]!.transport!.abortConnection();
      await harness.until(() => servers.length === 2 && servers[1]!.connected);
      const second = await harness.wait(service.whenConnected());
      second.sendLine(Buffer.from('again'));
      await harness.until(() => second.lines.length === 1);
      expect(second.lines).toEqual(['AGAIN']);
    });

    it('serverFromString/clientFromString with tcp: work unchanged', async () => {
      const port = await harness.wait(
        serverFromString(harness.reactor, harness.serverEndpoint).listen(
          Factory.forProtocol(() => new Shout()),
        ),
      );
      harness.addCleanup(() => port.stopListening());
      const portNumber = (port.getHost() as { port: number }).port;
      const client = await harness.wait(
        clientFromString(harness.clientReactor, harness.clientEndpoint(portNumber)).connect(
          Factory.forProtocol(() => new Lines()),
        ),
      );
      harness.addCleanup(() => client.transport?.abortConnection());
      client.sendLine(Buffer.from('endpoint'));
      await harness.until(() => client.lines[0] === 'ENDPOINT');
    });
  },
  { describe, beforeEach, afterEach },
);
