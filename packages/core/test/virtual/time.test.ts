import { describe, expect, it } from 'vitest';
import { AlreadyCalled, AlreadyCancelled, Deferred, deferLater } from '@tw/core';
import { SimulatedNetwork, VirtualTimeoutError } from '@tw/core/virtual';

describe('virtual time', () => {
  it('runs calls in time order, ties in scheduling order, and only when time is advanced', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const host = network.addHost('a');
    const order: string[] = [];
    host.callLater(2, () => order.push('two'));
    host.callLater(1, () => order.push('one-a'));
    host.callLater(1, () => order.push('one-b'));
    const cancelled = host.callLater(1.5, () => order.push('cancelled'));
    cancelled.cancel();
    expect(() => cancelled.cancel()).toThrow(AlreadyCancelled);
    expect(host.getDelayedCalls()).toHaveLength(3);
    await network.advance(1);
    expect(order).toEqual(['one-a', 'one-b']);
    expect(network.seconds()).toBe(1);
    await network.advance(5);
    expect(order).toEqual(['one-a', 'one-b', 'two']);
    expect(network.seconds()).toBe(6);
    network.shutdown();
  });

  it('reset() and delay() move a call; a call that ran cannot be cancelled', () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const host = network.addHost('a');
    const ran: number[] = [];
    const call = host.callLater(1, () => ran.push(host.seconds()));
    call.delay(2);
    expect(call.getTime()).toBe(3);
    network.advanceSync(2);
    call.reset(4);
    expect(call.getTime()).toBe(6);
    network.advanceSync(10);
    expect(ran).toEqual([6]);
    expect(() => call.cancel()).toThrow(AlreadyCalled);
    network.shutdown();
  });

  it('timeResolution puts calls on a grid: those in one slot run in one instant, in scheduling order', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false, timeResolution: 0.001 });
    const host = network.addHost('a');
    const ran: Array<[string, number]> = [];
    const record = (name: string) => () => ran.push([name, host.seconds()]);
    host.callLater(0.0014, record('first'));
    host.callLater(0.0011, record('second')); // earlier, but the same slot: scheduled later
    host.callLater(0.002, record('on the grid'));
    host.callLater(0.0021, record('next slot'));
    expect(host.getDelayedCalls().map((call) => call.getTime())).toEqual(
      expect.arrayContaining([0.002, 0.003]),
    );
    const instants = new Set<number>();
    await network.runUntil(() => {
      instants.add(host.seconds());
      return ran.length === 4;
    });
    expect(ran).toEqual([
      ['first', 0.002],
      ['second', 0.002],
      ['on the grid', 0.002],
      ['next slot', 0.003],
    ]);
    // Any delay > 0 still moves time forward, at least to the next slot.
    const tiny = host.callLater(1e-12, record('tiny'));
    expect(tiny.getTime()).toBe(0.004);
    tiny.reset(0);
    expect(tiny.getTime()).toBe(0.003);
    expect([...instants].filter((time) => time > 0)).toEqual([0.002, 0.003]);
    network.shutdown();
  });

  it('timeResolution must be a finite number of seconds >= 0', () => {
    expect(() => new SimulatedNetwork({ timeResolution: -1 })).toThrow(RangeError);
    expect(() => new SimulatedNetwork({ timeResolution: Number.NaN })).toThrow(RangeError);
    expect(() => new SimulatedNetwork({ timeResolution: Infinity })).toThrow(RangeError);
  });

  it('hosts share one clock', () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const a = network.addHost('a');
    const b = network.addHost('b');
    network.advanceSync(3);
    expect(a.seconds()).toBe(3);
    expect(b.seconds()).toBe(3);
    network.shutdown();
  });

  it('auto-advance lets a 60 s timeout pass at once under a plain await', async () => {
    const network = new SimulatedNetwork();
    const host = network.addHost('a');
    const value = await deferLater(host, 60, () => 'late');
    expect(value).toBe('late');
    expect(network.seconds()).toBe(60);
    network.shutdown();
  });

  it('auto-advance does not overtake promise code: an awaited chain finishes before time moves', async () => {
    const network = new SimulatedNetwork();
    const host = network.addHost('a');
    const seen: number[] = [];
    host.callLater(1, async () => {
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(host.seconds());
    });
    await deferLater(host, 5, () => undefined);
    expect(seen).toEqual([1]);
    network.shutdown();
  });

  it('settleTurns 0: deep promise chains still finish before time moves (microtasks only)', async () => {
    for (const autoAdvance of [false, true]) {
      const network = new SimulatedNetwork({ settleTurns: 0, autoAdvance });
      const host = network.addHost('a');
      const seen: number[] = [];
      host.callLater(1, async () => {
        for (let i = 0; i < 50; i++) await Promise.resolve();
        await new Promise<void>((resolve) => process.nextTick(resolve));
        seen.push(host.seconds());
      });
      const late = deferLater(host, 2, () => 'done');
      expect(await network.runUntil(late)).toBe('done');
      expect(seen).toEqual([1]);
      network.shutdown();
    }
  });

  it('runUntil() returns the result, in virtual time, and fails past its timeout', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const host = network.addHost('a');
    const result = await network.runUntil(deferLater(host, 30, () => 42));
    expect(result).toBe(42);
    expect(network.seconds()).toBe(30);
    host.callLater(100, () => undefined);
    const never = new Deferred<void>();
    await expect(network.runUntil(never, { timeout: 10 })).rejects.toBeInstanceOf(
      VirtualTimeoutError,
    );
    expect(network.seconds()).toBe(40);
    network.shutdown();
  });

  it('runUntil() fails at once when nothing is scheduled that could settle it', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    await expect(network.runUntil(new Deferred<void>())).rejects.toThrow(/nothing is scheduled/);
    network.shutdown();
  });

  it('runUntil() rethrows the failure of what it waits for', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const host = network.addHost('a');
    const failing = deferLater(host, 1, () => {
      throw new Error('boom');
    });
    await expect(network.runUntil(failing)).rejects.toThrow('boom');
    network.shutdown();
  });

  it('runUntilIdle() stops when nothing is scheduled, or at maxSeconds', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false });
    const host = network.addHost('a');
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      if (ticks < 3) host.callLater(10, tick);
    };
    host.callLater(10, tick);
    await network.runUntilIdle();
    expect(ticks).toBe(3);
    expect(network.seconds()).toBe(30);
    const forever = (): void => {
      host.callLater(1, forever);
    };
    forever();
    await network.runUntilIdle({ maxSeconds: 5.5 });
    expect(network.seconds()).toBe(35.5);
    network.shutdown();
  });

  it('run() fires startup triggers and callWhenRunning; stop() the shutdown triggers', async () => {
    const network = new SimulatedNetwork();
    const host = network.addHost('a');
    const events: string[] = [];
    host.addSystemEventTrigger('before', 'startup', () => events.push('before startup'));
    host.callWhenRunning(() => events.push('running'));
    host.addSystemEventTrigger('before', 'shutdown', () =>
      deferLater(host, 5, () => events.push('slow before shutdown')),
    );
    host.addSystemEventTrigger('after', 'shutdown', () => events.push('after shutdown'));
    const done = host.run();
    expect(host.running).toBe(true);
    host.callLater(10, () => host.stop());
    await done;
    expect(events).toEqual(['before startup', 'running', 'slow before shutdown', 'after shutdown']);
    expect(host.running).toBe(false);
    expect(network.seconds()).toBe(15);
    network.shutdown();
  });

  it('a call that throws is reported and the others still run', async () => {
    const errors: unknown[] = [];
    const network = new SimulatedNetwork({
      autoAdvance: false,
      onError: (_message, error) => errors.push(error),
    });
    const host = network.addHost('a');
    const ran: string[] = [];
    host.callLater(1, () => {
      throw new Error('oops');
    });
    host.callLater(1, () => ran.push('next'));
    await network.advance(1);
    expect(ran).toEqual(['next']);
    expect(errors).toHaveLength(1);
    network.shutdown();
  });
});
