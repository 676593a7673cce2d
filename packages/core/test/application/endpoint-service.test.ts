import { afterEach, describe, expect, it } from 'vitest';

import {
  CancelledError,
  CannotListenError,
  Deferred,
  Factory,
  LogPublisher,
  Logger,
  MultiService,
  type NodeReactor,
  StreamServerEndpointService,
  clientFromString,
  fail,
  serverFromString,
  type Failure,
  type IListeningPort,
  type IStreamServerEndpoint,
  type LogEvent,
} from '../../src/index.js';
import { Echo, NodeReactorHarness, Recorder } from '../../src/testing/index.js';

const reactors = new NodeReactorHarness();
const services: StreamServerEndpointService[] = [];

const startReactor = (): NodeReactor => reactors.start();

afterEach(async () => {
  for (const service of services.splice(0)) if (service.running) await service.stopService();
  await reactors.stopAll();
});

function capturingLogger(): { log: Logger; events: LogEvent[] } {
  const publisher = new LogPublisher();
  const events: LogEvent[] = [];
  publisher.addObserver((event) => events.push(event));
  return { log: new Logger('test', publisher), events };
}

function portOf(port: IListeningPort | null): number {
  const host = port?.getHost();
  if (host === undefined || (host.family !== 'IPv4' && host.family !== 'IPv6')) {
    throw new Error('not listening on an IP port');
  }
  return host.port;
}

function serviceOn(
  reactor: NodeReactor,
  description: string,
  options: ConstructorParameters<typeof StreamServerEndpointService>[2] = {},
): StreamServerEndpointService {
  const service = new StreamServerEndpointService(
    serverFromString(reactor, description),
    new Factory(Echo),
    { description, ...options },
  );
  services.push(service);
  return service;
}

describe('StreamServerEndpointService on the NodeReactor', () => {
  it('listens when started, serves connections, and stops listening when stopped', async () => {
    const reactor = startReactor();
    const { log, events } = capturingLogger();
    const service = serviceOn(reactor, 'tcp:0:interface=127.0.0.1', { log });
    await service.startService();
    expect(service.running).toBe(true);
    const port = portOf(service.listeningPort);
    expect(events.some((e) => e.format.startsWith('Listening on') && e.level === 'info')).toBe(
      true,
    );

    const client = await clientFromString(reactor, `tcp:host=127.0.0.1:port=${port}`).connect(
      new Factory(Recorder),
    );
    client.transport.write(new TextEncoder().encode('hello'));
    await client.waitForBytes(5);
    expect(client.text()).toBe('hello');
    client.transport.loseConnection();

    await service.stopService();
    expect(service.running).toBe(false);
    expect(service.listeningPort).toBeNull();
    await expect(
      clientFromString(reactor, `tcp:host=127.0.0.1:port=${port}`).connect(new Factory(Recorder)),
    ).rejects.toThrow();
  });

  it('reports a listen failure through startService and logs it', async () => {
    const reactor = startReactor();
    const first = serviceOn(reactor, 'tcp:0:interface=127.0.0.1');
    await first.startService();
    const taken = `tcp:${portOf(first.listeningPort)}:interface=127.0.0.1`;
    const { log, events } = capturingLogger();
    const second = serviceOn(reactor, taken, { log });

    await expect(second.startService()).rejects.toBeInstanceOf(CannotListenError);
    const logged = events.filter((e) => e.level === 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields['endpoint']).toBe(taken);
    expect(logged[0]?.failure?.value).toBeInstanceOf(CannotListenError);
    // Stopping a service whose listen failed is fine and leaves it stopped.
    await second.stopService();
    expect(second.running).toBe(false);
  });

  it('a MultiService fails to start when one of its ports cannot be bound', async () => {
    const reactor = startReactor();
    const first = serviceOn(reactor, 'tcp:0:interface=127.0.0.1');
    await first.startService();
    const root = new MultiService();
    const { log } = capturingLogger();
    serviceOn(reactor, 'tcp:0:interface=127.0.0.1', { log }).setServiceParent(root);
    serviceOn(reactor, `tcp:${portOf(first.listeningPort)}:interface=127.0.0.1`, {
      log,
    }).setServiceParent(root);
    await expect(root.startService()).rejects.toBeInstanceOf(CannotListenError);
    await root.stopService();
  });

  it('can be started again after being stopped', async () => {
    const reactor = startReactor();
    const service = serviceOn(reactor, 'tcp:0:interface=127.0.0.1');
    await service.startService();
    await service.stopService();
    await service.startService();
    expect(portOf(service.listeningPort)).toBeGreaterThan(0);
  });
});

/** An endpoint whose listen() returns the Deferred the test controls. */
class ControlledEndpoint implements IStreamServerEndpoint {
  listens = 0;
  constructor(private readonly next: () => Deferred<IListeningPort>) {}
  listen(): Deferred<IListeningPort> {
    this.listens++;
    return this.next();
  }
}

describe('StreamServerEndpointService with a controlled endpoint', () => {
  it('with raiseSynchronously, a listen that fails at once throws from startService', () => {
    const { log, events } = capturingLogger();
    const endpoint = new ControlledEndpoint(() => fail(new CannotListenError('port 80 is taken')));
    const service = new StreamServerEndpointService(endpoint, new Factory(Echo), {
      log,
      raiseSynchronously: true,
    });
    expect(() => service.privilegedStartService()).toThrow(CannotListenError);
    // Thrown instead of logged.
    expect(events.filter((e) => e.level === 'error')).toHaveLength(0);
    expect(service.raiseSynchronously).toBe(false);
  });

  it('without raiseSynchronously the same failure is logged and returned, not thrown', () => {
    const { log, events } = capturingLogger();
    const endpoint = new ControlledEndpoint(() => fail(new CannotListenError('port 80 is taken')));
    const service = new StreamServerEndpointService(endpoint, new Factory(Echo), { log });
    let failure: Failure | null = null;
    service.startService().addErrback((f: Failure) => {
      failure = f;
    });
    expect((failure as Failure | null)?.value).toBeInstanceOf(CannotListenError);
    expect(events.filter((e) => e.level === 'error')).toHaveLength(1);
  });

  it('stopping before the port is bound cancels the listen, quietly', () => {
    const { log, events } = capturingLogger();
    let cancelled = false;
    const endpoint = new ControlledEndpoint(
      () =>
        new Deferred<IListeningPort>(() => {
          cancelled = true;
        }),
    );
    const service = new StreamServerEndpointService(endpoint, new Factory(Echo), { log });
    let startFailure: Failure | null = null;
    service.startService().addErrback((f: Failure) => {
      startFailure = f;
    });
    let stopped = false;
    service.stopService().addCallback(() => {
      stopped = true;
    });
    expect(cancelled).toBe(true);
    expect(stopped).toBe(true);
    expect((startFailure as Failure | null)?.value).toBeInstanceOf(CancelledError);
    expect(events.filter((e) => e.level === 'error')).toHaveLength(0);
  });

  it('waits for the port to close before stopService fires', () => {
    const closing = new Deferred<void>();
    const port: IListeningPort = {
      getHost: () => ({ family: 'IPv4', type: 'TCP', host: '127.0.0.1', port: 8080 }),
      stopListening: () => closing,
    };
    const endpoint = new ControlledEndpoint(() => Deferred.succeed(port));
    const service = new StreamServerEndpointService(endpoint, new Factory(Echo), {
      log: capturingLogger().log,
    });
    void service.startService();
    expect(service.listeningPort).toBe(port);
    let stopped = false;
    service.stopService().addCallback(() => {
      stopped = true;
    });
    expect(stopped).toBe(false);
    expect(service.running).toBe(true);
    closing.callback(undefined);
    expect(stopped).toBe(true);
    expect(service.running).toBe(false);
    expect(endpoint.listens).toBe(1);
  });
});
