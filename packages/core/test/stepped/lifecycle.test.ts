import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import { Deferred } from '../../src/defer/deferred.js';
import { ReactorNotRunning } from '../../src/errors/reactor.js';
import {
  Recorder,
  closeReactors,
  drive,
  makeReactor,
  portOf,
  serverFactory,
  turnNodeLoop,
} from './harness.js';

afterEach(closeReactors);

describe('SteppedReactor run / stop / system event triggers', () => {
  it('runs startup triggers at run(), as Twisted does; later callWhenRunning in iterate()', () => {
    const reactor = makeReactor();
    const order: string[] = [];
    reactor.addSystemEventTrigger('before', 'startup', () => order.push('before startup'));
    reactor.addSystemEventTrigger('after', 'startup', () => order.push('after startup'));
    reactor.callWhenRunning(() => order.push('queued before run()'));
    expect(reactor.running).toBe(false);
    void reactor.run();
    expect(reactor.running).toBe(true);
    expect(order).toEqual(['before startup', 'after startup', 'queued before run()']);
    reactor.callWhenRunning(() => order.push('queued while running'));
    expect(order).toHaveLength(3);
    reactor.iterate();
    expect(order.at(-1)).toBe('queued while running');
  });

  it('stop(): shutdown triggers, closing connections and run() all happen inside iterate()', async () => {
    const reactor = makeReactor();
    const order: string[] = [];
    const inside: boolean[] = [];
    const note = (what: string) => (): void => {
      order.push(what);
      inside.push(reactor.iterating);
    };
    const slowBefore = new Deferred<void>();
    reactor.addSystemEventTrigger('before', 'shutdown', () => {
      note('before')();
      return slowBefore;
    });
    reactor.addSystemEventTrigger('during', 'shutdown', note('during'));
    reactor.addSystemEventTrigger('after', 'shutdown', note('after'));
    const server = new Recorder(reactor);
    let port = 0;
    reactor
      .listenTCP(
        0,
        serverFactory(() => server),
        { interface: '127.0.0.1' },
      )
      .addCallback((listening) => {
        port = portOf(listening.getHost());
      });
    let stopped = false;
    reactor.run().addCallback(() => {
      note('run() fired')();
      stopped = true;
    });
    await drive(reactor, () => port !== 0, 'the port');
    const socket = net.connect(port, '127.0.0.1');
    const peerClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await drive(reactor, () => server.events.includes('made'), 'the connection');

    reactor.stop();
    expect(() => reactor.stop()).toThrow(ReactorNotRunning);
    await turnNodeLoop(30);
    expect(order).toEqual([]); // shutdown waits for iterate()
    reactor.iterate();
    expect(order).toEqual(['before']);
    reactor.iterate();
    expect(order).toEqual(['before']); // the 'before' trigger's Deferred holds the rest back
    slowBefore.callback(undefined);
    expect(order).toEqual(['before', 'during']);
    await drive(reactor, () => stopped, 'run() to fire');
    expect(order).toEqual(['before', 'during', 'after', 'run() fired']);
    expect(inside).toEqual([true, false, true, true]);
    expect(server.events).toEqual(['made', 'lost']);
    expect(reactor.running).toBe(false);
    await peerClosed;
  });
});
