import { describe, expect, it } from 'vitest';
import { IdleTimeout, TimeoutFactory, TimeoutProtocol, ipv4Address } from '../../src/index.js';
import { Clock } from '../../src/testing/index.js';
import { accept, probeFactory } from './connections.js';

const peer = ipv4Address('TCP', '198.51.100.2', 5000);
const bytes = (text: string) => new TextEncoder().encode(text);

describe('IdleTimeout', () => {
  it('fires once after the period, unless reset', () => {
    const clock = new Clock();
    let fired = 0;
    const idle = new IdleTimeout(clock, 10, () => fired++);
    clock.advance(9);
    idle.resetTimeout();
    clock.advance(9);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    expect(idle.active).toBe(false);
    idle.resetTimeout();
    clock.advance(100);
    expect(fired).toBe(1);
  });

  it('setTimeout changes the period from now, null disables it, and returns the previous period', () => {
    const clock = new Clock();
    let fired = 0;
    const idle = new IdleTimeout(clock, 10, () => fired++);
    clock.advance(5);
    expect(idle.setTimeout(3)).toBe(10);
    clock.advance(2);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    expect(idle.setTimeout(4)).toBe(3);
    expect(idle.setTimeout(null)).toBe(4);
    clock.advance(10);
    expect(fired).toBe(1);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('does not count while constructed with null, and cancel() stops it', () => {
    const clock = new Clock();
    let fired = 0;
    const idle = new IdleTimeout(clock, null, () => fired++);
    expect(idle.active).toBe(false);
    idle.setTimeout(1);
    idle.cancel();
    clock.advance(5);
    expect(fired).toBe(0);
  });
});

describe('TimeoutFactory', () => {
  it('closes a connection that stays idle for the period', () => {
    const clock = new Clock();
    const inner = probeFactory();
    const { protocol, transport } = accept(
      new TimeoutFactory(inner, { clock, timeoutPeriod: 30 }),
      peer,
    );
    expect(protocol).toBeInstanceOf(TimeoutProtocol);
    clock.advance(29);
    expect(transport.disconnecting).toBe(false);
    clock.advance(1);
    expect(transport.disconnecting).toBe(true);
    expect(inner.built[0]!.lost).toBe(true);
  });

  it('counts data in either direction as activity', () => {
    const clock = new Clock();
    const inner = probeFactory();
    const { protocol, transport } = accept(
      new TimeoutFactory(inner, { clock, timeoutPeriod: 30 }),
      peer,
    );
    clock.advance(20);
    protocol!.dataReceived(bytes('hi'));
    clock.advance(20);
    inner.built[0]!.transport.write(bytes('there'));
    clock.advance(20);
    expect(transport.disconnecting).toBe(false);
    expect(inner.built[0]!.text()).toBe('hi');
    clock.advance(10);
    expect(transport.disconnecting).toBe(true);
  });

  it('defaults to 30 minutes and stops its timer when the connection is lost', () => {
    const clock = new Clock();
    const { transport } = accept(new TimeoutFactory(probeFactory(), { clock }), peer);
    expect(clock.getDelayedCalls().map((c) => c.getTime())).toEqual([1800]);
    transport.reportDisconnect();
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('never closes with a null period', () => {
    const clock = new Clock();
    const { transport } = accept(
      new TimeoutFactory(probeFactory(), { clock, timeoutPeriod: null }),
      peer,
    );
    clock.advance(1e6);
    expect(transport.disconnecting).toBe(false);
  });
});
