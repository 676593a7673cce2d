import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

import { IterateReentryError } from '../../src/reactor/stepped/errors.js';
import { isTwError } from '../../src/errors/tw-error.js';
import {
  EchoRecorder,
  closeReactors,
  drive,
  makeReactor,
  portOf,
  serverFactory,
  turnNodeLoop,
} from './harness.js';

afterEach(closeReactors);

/** A clock the test moves by hand, so due times are exact. */
function manualClock(start = 1000): { now: () => number; advance: (s: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (seconds) => {
      time += seconds;
    },
  };
}

describe('SteppedReactor: nothing happens between iterate() calls', () => {
  it('holds timers, callFromThread and callWhenRunning until iterate()', async () => {
    const reactor = makeReactor();
    const calls: string[] = [];
    reactor.callLater(0, () => calls.push('timer'));
    reactor.callFromThread(() => calls.push('fromThread'));
    void reactor.run();
    reactor.callWhenRunning(() => calls.push('whenRunning'));
    await turnNodeLoop(30);
    expect(calls).toEqual([]);
    reactor.iterate();
    expect(calls).toEqual(['timer', 'fromThread', 'whenRunning']);
  });

  it('queues a real connection, its data and its loss for iterate()', async () => {
    const reactor = makeReactor();
    const servers: EchoRecorder[] = [];
    const listening = reactor.listenTCP(
      0,
      serverFactory(() => {
        const protocol = new EchoRecorder(reactor);
        servers.push(protocol);
        return protocol;
      }),
      { interface: '127.0.0.1' },
    );
    let port = 0;
    listening.addCallback((p) => {
      port = portOf(p.getHost());
    });
    await turnNodeLoop(30);
    expect(port).toBe(0); // even the listen Deferred waits for iterate()
    await drive(reactor, () => port !== 0, 'the port');

    const socket = net.connect(port, '127.0.0.1');
    let echoed = '';
    socket.on('data', (chunk: Buffer) => (echoed += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.end('hello');
    // Wait until Node has certainly read the data and the EOF (work is queued), then longer.
    await reactor.waitForWork(5);
    await turnNodeLoop(50);
    expect(servers).toEqual([]); // not even buildProtocol ran
    expect(echoed).toBe('');

    await drive(reactor, () => servers[0]?.events.includes('lost') === true, 'connectionLost');
    const server = servers[0]!;
    expect(server.events).toEqual(['made', 'data', 'lost']);
    expect(server.text()).toBe('hello');
    expect(server.outsideIterate).toBe(0);
    await closed;
    expect(echoed).toBe('hello');
  });

  it('tells the host through onWorkQueued when work arrives, and waitForWork resolves', async () => {
    let woken = 0;
    const reactor = makeReactor({ onWorkQueued: () => woken++ });
    const waiting = reactor.waitForWork(10);
    setTimeout(() => reactor.callFromThread(() => {}), 5);
    await waiting; // resolves on the callFromThread, long before 10 s
    expect(woken).toBe(1);
    reactor.callFromThread(() => {}); // already pending: no second wake-up
    expect(woken).toBe(1);
    reactor.iterate();
    reactor.callFromThread(() => {});
    expect(woken).toBe(2);
  });
});

describe('SteppedReactor: Deferreds from the Node machinery fire inside iterate()', () => {
  it('the resolver answers inside iterate()', async () => {
    const reactor = makeReactor();
    let answeredInside: boolean | null = null;
    reactor.resolver.resolveHostName('localhost', 80).addBoth(() => {
      answeredInside = reactor.iterating;
    });
    await reactor.waitForWork(5);
    await turnNodeLoop(20);
    expect(answeredInside).toBeNull();
    await drive(reactor, () => answeredInside !== null, 'the resolver');
    expect(answeredInside).toBe(true);
  });

  it('a listen that fails (port taken) errbacks inside iterate()', async () => {
    const reactor = makeReactor();
    let port = 0;
    reactor
      .listenTCP(
        0,
        serverFactory(() => new EchoRecorder(reactor)),
        { interface: '127.0.0.1' },
      )
      .addCallback((listening) => {
        port = portOf(listening.getHost());
      });
    await drive(reactor, () => port !== 0, 'the first port');
    let failedInside: boolean | null = null;
    reactor
      .listenTCP(
        port,
        serverFactory(() => new EchoRecorder(reactor)),
        { interface: '127.0.0.1' },
      )
      .addErrback(() => {
        failedInside = reactor.iterating;
      });
    await drive(reactor, () => failedInside !== null, 'the second listen to fail');
    expect(failedInside).toBe(true);
  });
});

describe('SteppedReactor: order within one iterate()', () => {
  it('runs due timers in time order, then queued events in arrival order', () => {
    const clock = manualClock();
    const reactor = makeReactor({ seconds: clock.now });
    const order: string[] = [];
    reactor.callFromThread(() => order.push('thread 1'));
    reactor.callLater(2, () => order.push('timer at 2'));
    reactor.callLater(1, () => order.push('timer at 1'));
    reactor.callLater(1, () => order.push('timer at 1, scheduled second'));
    reactor.callLater(5, () => order.push('timer at 5'));
    reactor.callFromThread(() => order.push('thread 2'));
    clock.advance(2);
    reactor.iterate();
    expect(order).toEqual([
      'timer at 1',
      'timer at 1, scheduled second',
      'timer at 2',
      'thread 1',
      'thread 2',
    ]);
  });

  it('leaves what a callback schedules for the next iterate()', () => {
    const reactor = makeReactor({ seconds: manualClock().now });
    const order: string[] = [];
    reactor.callLater(0, () => {
      order.push('first');
      reactor.callLater(0, () => order.push('scheduled by a timer'));
      reactor.callFromThread(() => order.push('posted by a timer'));
    });
    expect(reactor.iterate()).toBe(0); // more work is waiting
    expect(order).toEqual(['first']);
    reactor.iterate();
    expect(order).toEqual(['first', 'scheduled by a timer', 'posted by a timer']);
  });

  it('honours cancel, delay and reset', () => {
    const clock = manualClock();
    const reactor = makeReactor({ seconds: clock.now });
    const ran: string[] = [];
    const cancelled = reactor.callLater(1, () => ran.push('cancelled'));
    const delayed = reactor.callLater(1, () => ran.push('delayed'));
    const reset = reactor.callLater(10, () => ran.push('reset'));
    cancelled.cancel();
    delayed.delay(2);
    reset.reset(0.5);
    expect(reactor.getDelayedCalls()).toHaveLength(2);
    clock.advance(1);
    reactor.iterate();
    expect(ran).toEqual(['reset']);
    clock.advance(2);
    reactor.iterate();
    expect(ran).toEqual(['reset', 'delayed']);
    expect(reactor.getDelayedCalls()).toEqual([]);
    expect(cancelled.active() || delayed.active() || reset.active()).toBe(false);
  });
});

describe('SteppedReactor: what iterate() returns', () => {
  it('is the time until the next timer, 0 when work waits, Infinity when idle', () => {
    const clock = manualClock();
    const reactor = makeReactor({ seconds: clock.now });
    expect(reactor.iterate()).toBe(Infinity);
    reactor.callLater(5, () => {});
    expect(reactor.iterate()).toBe(5);
    clock.advance(1.5);
    expect(reactor.iterate()).toBe(3.5);
    reactor.callFromThread(() => {});
    expect(reactor.nextWorkIn()).toBe(0);
    expect(reactor.iterate()).toBe(3.5);
    clock.advance(3.5);
    expect(reactor.nextWorkIn()).toBe(0);
    expect(reactor.iterate()).toBe(Infinity);
  });

  it('is capped by a positive maxDelay', () => {
    const clock = manualClock();
    const reactor = makeReactor({ seconds: clock.now });
    expect(reactor.iterate(0.25)).toBe(0.25);
    reactor.callLater(0.1, () => {});
    expect(reactor.iterate(0.25)).toBeCloseTo(0.1, 9);
    expect(() => reactor.iterate(-1)).toThrow(RangeError);
  });
});

describe('SteppedReactor: reentrancy', () => {
  it('refuses iterate() from inside a callback, and the outer iterate() carries on', () => {
    const reactor = makeReactor();
    const seen: unknown[] = [];
    const ran: string[] = [];
    reactor.callLater(0, () => {
      try {
        reactor.iterate();
      } catch (error) {
        seen.push(error);
      }
    });
    reactor.callLater(0, () => ran.push('second timer'));
    reactor.callFromThread(() => {
      expect(reactor.iterating).toBe(true);
      ran.push('thread');
    });
    reactor.iterate();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(IterateReentryError);
    expect(isTwError(seen[0], 'TW_REACTOR_ITERATE_REENTERED')).toBe(true);
    expect(ran).toEqual(['second timer', 'thread']);
    expect(reactor.iterating).toBe(false);
    reactor.iterate(); // usable again afterwards
  });
});
