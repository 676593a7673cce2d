import { describe, expect, it } from 'vitest';

import {
  CannotListenError,
  ConnectionRefusedError,
  Deferred,
  Factory,
  LogPublisher,
  Logger,
  MultiService,
  NodeReactor,
  Protocol,
  Service,
  StreamServerEndpointService,
  clientFromString,
  runService,
  serverFromString,
  type Failure,
} from '../../src/index.js';
import { MemoryReactor } from '../../src/testing/index.js';

/** A service whose stop takes until the test fires `stopping`. */
class SlowStoppingService extends Service {
  readonly stopping = new Deferred<void>();
  constructor(private readonly log: string[]) {
    super();
  }
  override startService(): void {
    super.startService();
    this.log.push('started');
  }
  override stopService(): Deferred<void> {
    super.stopService();
    this.log.push('stopping');
    return this.stopping.addCallback(() => {
      this.log.push('stopped');
    });
  }
}

const quiet = new Logger('test', new LogPublisher({ fallback: () => {} }));

describe('runService', () => {
  it('starts the service once the reactor runs, and fires when it has started', () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    let started = false;
    runService(reactor, new SlowStoppingService(log)).addCallback(() => {
      started = true;
    });
    expect(log).toEqual([]);
    void reactor.run();
    expect(log).toEqual(['started']);
    expect(started).toBe(true);
  });

  it('calls privilegedStartService before startService', () => {
    const reactor = new MemoryReactor();
    const calls: string[] = [];
    const service = new (class extends Service {
      override privilegedStartService(): void {
        calls.push('privileged');
      }
      override startService(): void {
        super.startService();
        calls.push('start');
      }
    })();
    runService(reactor, service);
    void reactor.run();
    expect(calls).toEqual(['privileged', 'start']);
  });

  it('holds the reactor’s shutdown until stopService’s Deferred fires', () => {
    const reactor = new MemoryReactor();
    const log: string[] = [];
    const service = new SlowStoppingService(log);
    runService(reactor, service);
    reactor.addSystemEventTrigger('during', 'shutdown', () => log.push('reactor shutting down'));
    let reactorDone = false;
    reactor.run().addCallback(() => {
      reactorDone = true;
    });
    reactor.stop();
    expect(log).toEqual(['started', 'stopping']);
    expect(reactorDone).toBe(false);
    service.stopping.callback(undefined);
    expect(log).toEqual(['started', 'stopping', 'stopped', 'reactor shutting down']);
    expect(reactorDone).toBe(true);
  });

  it('reports a failed start through its Deferred', () => {
    const reactor = new MemoryReactor();
    reactor.listenError = new CannotListenError('port 80 is taken');
    const service = new StreamServerEndpointService(
      serverFromString(reactor, 'tcp:80'),
      new Factory(Protocol),
      { log: quiet },
    );
    let failure: Failure | null = null;
    runService(reactor, service).addErrback((f: Failure) => {
      failure = f;
    });
    void reactor.run();
    expect((failure as Failure | null)?.value).toBeInstanceOf(CannotListenError);
  });

  it('on the NodeReactor: stop() closes the service’s ports before run() completes', async () => {
    const reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    const root = new MultiService();
    const server = new StreamServerEndpointService(
      serverFromString(reactor, 'tcp:0:interface=127.0.0.1'),
      new Factory(Protocol),
      { log: quiet },
    );
    server.setServiceParent(root);
    const started = runService(reactor, root);
    const finished = reactor.run();
    await started;
    const address = server.listeningPort?.getHost();
    if (address?.family !== 'IPv4') throw new Error('expected an IPv4 port');
    expect(root.running).toBe(true);

    reactor.stop();
    await finished;
    expect(root.running).toBe(false);
    expect(server.running).toBe(false);
    // The port is closed: connecting is refused. A second reactor does the connecting.
    const other = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    const otherDone = other.run();
    try {
      await expect(
        clientFromString(other, `tcp:host=127.0.0.1:port=${address.port}`).connect(
          new Factory(Protocol),
        ),
      ).rejects.toBeInstanceOf(ConnectionRefusedError);
    } finally {
      other.stop();
      await otherDone;
    }
  });
});
