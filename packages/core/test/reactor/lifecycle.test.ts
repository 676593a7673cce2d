import { afterEach, describe, expect, it } from 'vitest';

import { Deferred } from '../../src/defer/deferred.js';
import { ConnectionDone } from '../../src/errors/connection.js';
import { ReactorAlreadyRunning, ReactorNotRunning } from '../../src/errors/reactor.js';
import { NodeReactor } from '../../src/reactor/node/node-reactor.js';
import { react } from '../../src/reactor/node/react.js';
import {
  Echo,
  RecordingClientFactory,
  Recorder,
  encode,
  portOf,
  serverFactory,
  signal,
  startReactor,
  stopReactors,
} from './harness.js';

afterEach(stopReactors);

function quietReactor(): NodeReactor {
  return new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
}

describe('NodeReactor lifecycle', () => {
  it('runs startup triggers in phase order, then callWhenRunning calls', async () => {
    const reactor = quietReactor();
    const order: string[] = [];
    const done = signal();
    reactor.callWhenRunning(() => {
      order.push('whenRunning');
      done.resolve();
    });
    reactor.addSystemEventTrigger('after', 'startup', () => order.push('after'));
    reactor.addSystemEventTrigger('during', 'startup', () => order.push('during'));
    reactor.addSystemEventTrigger('before', 'startup', () => order.push('before'));
    expect(reactor.running).toBe(false);
    const stopped = reactor.run();
    expect(reactor.running).toBe(true);
    expect(() => reactor.run()).toThrow(ReactorAlreadyRunning);
    await done.promise;
    expect(order).toEqual(['before', 'during', 'after', 'whenRunning']);
    reactor.stop();
    await stopped;
    expect(reactor.running).toBe(false);
  });

  it('callWhenRunning on a running reactor calls on a later turn', async () => {
    const reactor = startReactor();
    const started = signal();
    reactor.callWhenRunning(() => started.resolve());
    await started.promise;
    let called = false;
    const done = signal();
    reactor.callWhenRunning(() => {
      called = true;
      done.resolve();
    });
    expect(called).toBe(false);
    await done.promise;
  });

  it('stop() throws ReactorNotRunning when not running or already stopping', async () => {
    const reactor = quietReactor();
    expect(() => reactor.stop()).toThrow(ReactorNotRunning);
    const stopped = reactor.run();
    reactor.stop();
    expect(() => reactor.stop()).toThrow(ReactorNotRunning);
    await stopped;
  });

  it('a "before shutdown" trigger returning a Deferred delays the rest of shutdown', async () => {
    const reactor = quietReactor();
    const order: string[] = [];
    const gate = new Deferred<void>();
    reactor.addSystemEventTrigger('before', 'shutdown', () => {
      order.push('before: waiting');
      return gate;
    });
    reactor.addSystemEventTrigger('before', 'shutdown', () => {
      order.push('before: promise');
      return new Promise<void>((resolve) => setImmediate(resolve));
    });
    reactor.addSystemEventTrigger('during', 'shutdown', () => order.push('during'));
    reactor.addSystemEventTrigger('after', 'shutdown', () => order.push('after'));
    const removed = reactor.addSystemEventTrigger('during', 'shutdown', () =>
      order.push('removed'),
    );
    reactor.removeSystemEventTrigger(removed);
    let finished = false;
    const stopped = reactor.run().addCallback(() => {
      finished = true;
    });
    reactor.stop();
    await new Promise((resolve) => reactor.callLater(0.02, () => resolve(undefined)));
    expect(order).toEqual(['before: waiting', 'before: promise']);
    expect(finished).toBe(false);
    expect(reactor.running).toBe(true);
    gate.callback(undefined);
    await stopped;
    expect(order).toEqual(['before: waiting', 'before: promise', 'during', 'after']);
    expect(finished).toBe(true);
  });

  it('a failing trigger is reported and shutdown still completes', async () => {
    const reactor = quietReactor();
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      reactor.addSystemEventTrigger('before', 'shutdown', () =>
        Deferred.fail(new Error('flush failed')),
      );
      reactor.addSystemEventTrigger('during', 'shutdown', () => {
        throw new Error('during threw');
      });
      const stopped = reactor.run();
      reactor.stop();
      await stopped;
      expect(logged.join('\n')).toContain('flush failed');
      expect(logged.join('\n')).toContain('during threw');
    } finally {
      console.error = original;
    }
  });

  it('stop() closes the ports and connections the reactor owns, cleanly', async () => {
    const reactor = quietReactor();
    const stopped = reactor.run();
    const other = startReactor(); // the client lives on another reactor, which keeps running
    const server = serverFactory(() => new Echo());
    const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
    const client = new RecordingClientFactory(() => new Recorder());
    other.connectTCP('127.0.0.1', portOf(port.getHost()), client);
    const made = signal();
    const original = client.buildProtocol.bind(client);
    client.buildProtocol = (addr) => {
      const protocol = original(addr)!;
      made.resolve();
      return protocol;
    };
    await made.promise;
    const protocol = client.built[0]!;
    await protocol.made.promise;
    const enough = protocol.waitForBytes(4);
    protocol.transport.write(encode('ping'));
    await enough;
    reactor.stop();
    await stopped;
    expect(reactor.openConnectionCount).toBe(0);
    expect((await server.built[0]!.lost.promise).check(ConnectionDone)).toBe(ConnectionDone);
    await protocol.lost.promise;
    const refused = new RecordingClientFactory(() => new Recorder());
    other.connectTCP('127.0.0.1', portOf(port.getHost()), refused);
    await refused.failed.promise;
  });

  it('react() runs main, stops when it settles, and sets the exit code', async () => {
    const previous = process.exitCode;
    try {
      let seen: NodeReactor | null = null;
      await react(
        async (reactor) => {
          seen = reactor;
          await new Promise((resolve) => reactor.callLater(0.001, () => resolve(undefined)));
        },
        { installSignalHandlers: false },
      );
      expect(seen).not.toBeNull();
      expect(seen!.running).toBe(false);
      expect(process.exitCode).toBe(0);

      const logged: string[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => logged.push(args.join(' '));
      try {
        await react(() => Deferred.fail(new Error('main broke')), { installSignalHandlers: false });
      } finally {
        console.error = original;
      }
      expect(process.exitCode).toBe(1);
      expect(logged.join('\n')).toContain('main broke');
    } finally {
      process.exitCode = previous;
    }
  });
});
