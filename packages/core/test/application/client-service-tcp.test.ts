import { afterEach, describe, expect, it } from 'vitest';

import {
  ClientService,
  Factory,
  LogPublisher,
  Logger,
  Protocol,
  StreamServerEndpointService,
  clientFromString,
  serverFromString,
  type Failure,
} from '../../src/index.js';
import { NodeReactorHarness } from '../../src/testing/index.js';

const quiet = new Logger('test', new LogPublisher({ fallback: () => {} }));

/** Hangs up on the first connection it gets, keeps the later ones. */
class HangUpOnce extends Protocol {
  static connections = 0;
  override connectionMade(): void {
    if (++HangUpOnce.connections === 1) this.transport.loseConnection();
  }
}

class Client extends Protocol {
  lost: Failure | null = null;
  private notifyLost: (reason: Failure) => void = () => {};
  readonly whenLost = new Promise<Failure>((resolve) => {
    this.notifyLost = resolve;
  });

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lost = reason;
    this.notifyLost(reason);
  }
}

const reactors = new NodeReactorHarness();
afterEach(() => reactors.stopAll());

describe('ClientService over TCP on the NodeReactor', () => {
  it('reconnects after the server hangs up, and stops cleanly', async () => {
    const reactor = reactors.start();
    const server = new StreamServerEndpointService(
      serverFromString(reactor, 'tcp:0:interface=127.0.0.1'),
      new Factory(HangUpOnce),
      { log: quiet },
    );
    await server.startService();
    const address = server.listeningPort?.getHost();
    if (address?.family !== 'IPv4') throw new Error('expected an IPv4 port');

    const service = new ClientService(
      clientFromString(reactor, `tcp:host=127.0.0.1:port=${address.port}`),
      new Factory(Client),
      { clock: reactor, retryPolicy: () => 0.01, log: quiet },
    );
    service.startService();
    const first = await service.whenConnected();
    await first.whenLost;
    const second = await service.whenConnected();
    expect(second).not.toBe(first);
    expect(second.lost).toBeNull();
    expect(HangUpOnce.connections).toBe(2);

    await service.stopService();
    expect(second.lost).not.toBeNull();
    await server.stopService();
  });
});
