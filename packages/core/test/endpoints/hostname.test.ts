import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Deferred } from '../../src/index.js';
import {
  AllConnectionAttemptsFailedError,
  CancelledError,
  ConnectTimeoutError,
  ConnectionRefusedError,
  DNSLookupError,
  Factory,
  HostnameEndpoint,
  Protocol,
  interleaveAddressFamilies,
  ipAddress,
  type Address,
} from '../../src/index.js';
import { FakeReactor, outcome } from './fake-reactor.js';

const factory = new Factory(Protocol);

function setUp(
  addresses: string[],
  options = {},
): { reactor: FakeReactor; result: { value?: Protocol; error?: unknown }; d: Deferred<Protocol> } {
  const reactor = new FakeReactor();
  reactor.resolver.table.set('example.org', addresses);
  const d = new HostnameEndpoint(reactor, 'example.org', 80, options).connect(factory);
  return { reactor, result: outcome(d), d };
}

describe('HostnameEndpoint (RFC 8305 happy eyeballs)', () => {
  it('v6 hangs → v4 starts after 250 ms → v4 wins → v6 is cancelled', () => {
    const { reactor, result } = setUp(['192.0.2.1', '2001:db8::1']);
    expect(reactor.connects.map((c) => c.host)).toEqual(['2001:db8::1']);
    reactor.advance(0.249);
    expect(reactor.connects).toHaveLength(1);
    reactor.advance(0.001);
    expect(reactor.connects.map((c) => c.host)).toEqual(['2001:db8::1', '192.0.2.1']);
    const [v6, v4] = reactor.connects;
    v4!.succeed();
    expect(result.value).toBeInstanceOf(Protocol);
    expect(v6!.state).toBe('failed'); // stopConnecting() was called on it
    expect(reactor.getDelayedCalls()).toEqual([]); // no timers left behind
  });

  it('orders addresses IPv6 first, alternating families, keeping the resolver order in each', () => {
    const { reactor } = setUp([
      '192.0.2.1',
      '192.0.2.2',
      '192.0.2.3',
      '2001:db8::1',
      '2001:db8::2',
    ]);
    reactor.pump([0.25, 0.25, 0.25, 0.25, 0.25]);
    expect(reactor.connects.map((c) => c.host)).toEqual([
      '2001:db8::1',
      '192.0.2.1',
      '2001:db8::2',
      '192.0.2.2',
      '192.0.2.3',
    ]);
  });

  it('a failed attempt starts the next one at once, and resets the delay', () => {
    const { reactor } = setUp(['2001:db8::1', '192.0.2.1', '2001:db8::2']);
    reactor.advance(0.1);
    reactor.connects[0]!.fail();
    expect(reactor.connects.map((c) => c.host)).toEqual(['2001:db8::1', '192.0.2.1']);
    reactor.advance(0.2);
    expect(reactor.connects).toHaveLength(2);
    reactor.advance(0.05);
    expect(reactor.connects).toHaveLength(3);
  });

  it('all attempts failing gives AllConnectionAttemptsFailedError with every failure, in order', () => {
    const { reactor, result } = setUp(['192.0.2.1', '2001:db8::1']);
    reactor.connects[0]!.fail(new ConnectionRefusedError('v6 refused'));
    expect(result.error).toBeUndefined();
    reactor.connects[1]!.fail(new ConnectionRefusedError('v4 refused'));
    const error = result.error as AllConnectionAttemptsFailedError;
    expect(error).toBeInstanceOf(AllConnectionAttemptsFailedError);
    expect(error.failures.map((f) => (f.value as Error).message)).toEqual([
      'v6 refused',
      'v4 refused',
    ]);
    expect(error.cause).toBe(error.failures[1]!.value);
    expect(error.message).toMatch(/example\.org port 80: all 2 address\(es\) failed/);
  });

  it('waits for attempts still in flight before reporting failure', () => {
    const { reactor, result } = setUp(['192.0.2.1', '2001:db8::1']);
    reactor.advance(0.25);
    reactor.connects[1]!.fail();
    expect(result.error).toBeUndefined();
    reactor.connects[0]!.succeed();
    expect(result.value).toBeInstanceOf(Protocol);
  });

  it('DNS failure and an empty answer are DNSLookupError', () => {
    const reactor = new FakeReactor();
    const missing = outcome(new HostnameEndpoint(reactor, 'nowhere.invalid', 80).connect(factory));
    expect(missing.error).toBeInstanceOf(DNSLookupError);
    expect(String(missing.error)).toMatch(/Could not resolve "nowhere\.invalid": no such host/);
    reactor.resolver.table.set('empty.example', []);
    expect(
      outcome(new HostnameEndpoint(reactor, 'empty.example', 80).connect(factory)).error,
    ).toBeInstanceOf(DNSLookupError);
    expect(reactor.connects).toEqual([]);
  });

  it('the overall timeout (covering DNS) fails with ConnectTimeoutError and cancels attempts', () => {
    const { reactor, result } = setUp(['2001:db8::1'], { timeout: 5 });
    reactor.advance(4.9);
    expect(result.error).toBeUndefined();
    reactor.advance(0.1);
    expect(result.error).toBeInstanceOf(ConnectTimeoutError);
    expect(reactor.connects[0]!.state).toBe('failed');

    reactor.resolver.holdNames.add('slow.example');
    const slow = outcome(
      new HostnameEndpoint(reactor, 'slow.example', 80, { timeout: 2 }).connect(factory),
    );
    reactor.advance(2);
    expect(slow.error).toBeInstanceOf(ConnectTimeoutError);
    expect(reactor.resolver.held.get('slow.example')!.called).toBe(true); // the lookup was cancelled
  });

  it('cancel() during resolution or attempts stops everything with a CancelledError', () => {
    const reactor = new FakeReactor();
    reactor.resolver.holdNames.add('slow.example');
    const duringDns = new HostnameEndpoint(reactor, 'slow.example', 80).connect(factory);
    const dnsResult = outcome(duringDns);
    duringDns.cancel();
    expect(dnsResult.error).toBeInstanceOf(CancelledError);
    expect(reactor.resolver.held.get('slow.example')!.called).toBe(true);

    const { reactor: r2, result, d } = setUp(['192.0.2.1', '2001:db8::1']);
    r2.advance(0.25);
    d.cancel();
    expect(result.error).toBeInstanceOf(CancelledError);
    expect(r2.connects.map((c) => c.state)).toEqual(['failed', 'failed']);
    expect(r2.getDelayedCalls()).toEqual([]);
  });

  it('an IP literal (with or without brackets) is not looked up', () => {
    const reactor = new FakeReactor();
    void new HostnameEndpoint(reactor, '[::1]', 80).connect(factory);
    void new HostnameEndpoint(reactor, '127.0.0.1', 80).connect(factory);
    expect(reactor.resolver.lookups).toEqual([]);
    expect(reactor.connects.map((c) => c.host)).toEqual(['::1', '127.0.0.1']);
  });

  it('a losing attempt is stopped, never connected: the factory builds one protocol', () => {
    let built = 0;
    const counting = Factory.forProtocol(() => {
      built++;
      return new Protocol();
    });
    const reactor = new FakeReactor();
    reactor.resolver.table.set('example.org', ['2001:db8::1', '192.0.2.1']);
    void new HostnameEndpoint(reactor, 'example.org', 80).connect(counting);
    reactor.advance(0.25);
    reactor.connects[0]!.succeed();
    expect(built).toBe(1);
    expect(() => reactor.connects[1]!.succeed()).not.toThrow(); // a late connect is refused by the factory
    expect(built).toBe(1);
  });

  it('with any mix of outcomes, at most one attempt wins and every address is tried at most once', () => {
    const hosts = fc.uniqueArray(
      fc.oneof(
        fc.integer({ min: 1, max: 254 }).map((n) => `192.0.2.${n}`),
        fc.integer({ min: 1, max: 99 }).map((n) => `2001:db8::${n}`),
      ),
      { minLength: 1, maxLength: 6 },
    );
    const step = fc.oneof(
      fc.constant('advance' as const),
      fc.constant('fail' as const),
      fc.constant('succeed' as const),
    );
    fc.assert(
      fc.property(hosts, fc.array(step, { maxLength: 20 }), (addresses, steps) => {
        const { reactor, result } = setUp(addresses);
        for (const action of steps) {
          if (action === 'advance') reactor.advance(0.25);
          const pending = reactor.connecting();
          if (pending.length === 0) continue;
          if (action === 'fail') pending[0]!.fail();
          if (action === 'succeed') pending[pending.length - 1]!.succeed();
        }
        const started = reactor.connects.map((c) => c.host);
        expect(new Set(started).size).toBe(started.length);
        expect(started).toEqual(
          interleaveAddressFamilies(addresses.map((a) => ipAddress('TCP', a, 80)))
            .slice(0, started.length)
            .map((a) => a.host),
        );
        const connected = reactor.connects.filter((c) => c.state === 'connected');
        expect(connected.length).toBeLessThanOrEqual(1);
        // The winner's protocol (inside the endpoint's wrapper) is what connect() fired with.
        if (connected.length === 1)
          expect((connected[0]!.protocol as unknown as { wrapped: Protocol }).wrapped).toBe(
            result.value,
          );
        else expect(result.value).toBeUndefined();
        if (result.value !== undefined || result.error !== undefined) {
          // Once decided, nothing is left connecting and no timer is left behind.
          expect(reactor.connecting()).toEqual([]);
          expect(reactor.getDelayedCalls()).toEqual([]);
        }
        if (result.error !== undefined)
          expect(result.error).toBeInstanceOf(AllConnectionAttemptsFailedError);
      }),
    );
  });
});

describe('interleaveAddressFamilies', () => {
  it('drops duplicates and non-IP addresses', () => {
    const addresses: Address[] = [
      ipAddress('TCP', '::1', 1),
      ipAddress('TCP', '::1', 1),
      { family: 'UNIX', path: '/x' },
      ipAddress('TCP', '127.0.0.1', 1),
    ];
    expect(interleaveAddressFamilies(addresses).map((a) => a.host)).toEqual(['::1', '127.0.0.1']);
  });
});
