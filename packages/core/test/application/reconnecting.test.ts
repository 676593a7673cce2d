import { describe, expect, it } from 'vitest';

import {
  ConnectionLost,
  LogPublisher,
  Logger,
  NoClockError,
  Protocol,
  ReconnectingClientFactory,
  type ReconnectingClientFactoryOptions,
} from '../../src/index.js';
import { MemoryReactor } from '../../src/testing/index.js';

class Client extends Protocol {}

const quiet = new Logger('test', new LogPublisher({ fallback: () => {} }));

/** Random draws that make the Box–Muller normal variate exactly z = 1 (u1 = e^-0.5, u2 = 0). */
function oneSigmaRandom(): () => number {
  const draws = [1 - Math.exp(-0.5), 0];
  let index = 0;
  return () => draws[index++ % 2]!;
}

function setUp(options: Partial<ReconnectingClientFactoryOptions> = {}) {
  const reactor = new MemoryReactor();
  const factory = new ReconnectingClientFactory(Client, { clock: reactor, log: quiet, ...options });
  const connector = reactor.connectTCP('127.0.0.1', 6667, factory);
  /** Seconds from now until the scheduled retry. */
  const scheduledDelay = (): number => {
    const calls = reactor.getDelayedCalls();
    expect(calls).toHaveLength(1);
    return calls[0]!.getTime() - reactor.seconds();
  };
  return { reactor, factory, connector, scheduledDelay };
}

describe('ReconnectingClientFactory', () => {
  it('has Twisted’s defaults', () => {
    const factory = new ReconnectingClientFactory();
    expect(factory.initialDelay).toBe(1);
    expect(factory.factor).toBe(2.7182818284590451);
    expect(factory.jitter).toBe(0.11962656472);
    expect(factory.maxDelay).toBe(3600);
    expect(factory.maxRetries).toBeNull();
  });

  it('without jitter, waits e, e², e³ … seconds, up to maxDelay', () => {
    const { reactor, factory, connector, scheduledDelay } = setUp();
    factory.jitter = 0;
    factory.maxDelay = 100;
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      connector.fail();
      delays.push(scheduledDelay());
      reactor.advance(delays.at(-1)!);
      expect(connector.connectCalls).toBe(attempt + 1);
    }
    const e = Math.E;
    [e, e ** 2, e ** 3, e ** 4, 100, 100].forEach((expected, i) =>
      expect(delays[i]).toBeCloseTo(expected, 9),
    );
  });

  it('draws the delay from a normal distribution around it (injectable random)', () => {
    const { connector, scheduledDelay } = setUp({ random: oneSigmaRandom() });
    connector.fail();
    // One standard deviation above: e × (1 + jitter).
    expect(scheduledDelay()).toBeCloseTo(Math.E * (1 + 0.11962656472), 9);
  });

  it('retries from the initial delay once a connection was made and then lost', () => {
    const { reactor, factory, connector, scheduledDelay } = setUp();
    factory.jitter = 0;
    connector.fail();
    reactor.advance(scheduledDelay());
    connector.fail();
    expect(scheduledDelay()).toBeCloseTo(Math.E ** 2, 9);
    reactor.advance(scheduledDelay());
    const connection = connector.succeed();
    expect(connection?.protocol).toBeInstanceOf(Client);
    expect(factory.retries).toBe(0);
    connection?.transport.reportDisconnect(new ConnectionLost());
    expect(scheduledDelay()).toBeCloseTo(Math.E, 9);
  });

  it('gives up after maxRetries retries in a row', () => {
    const { reactor, factory, connector } = setUp();
    factory.maxRetries = 2;
    connector.fail();
    reactor.advance(10);
    connector.fail();
    reactor.advance(100);
    expect(connector.connectCalls).toBe(2);
    connector.fail();
    expect(reactor.getDelayedCalls()).toHaveLength(0);
    reactor.advance(10_000);
    expect(connector.connectCalls).toBe(2);
  });

  it('stopTrying cancels a scheduled retry', () => {
    const { reactor, factory, connector } = setUp();
    connector.fail();
    factory.stopTrying();
    expect(reactor.getDelayedCalls()).toHaveLength(0);
    reactor.advance(10_000);
    expect(connector.connectCalls).toBe(0);
  });

  it('stopTrying aborts an attempt in progress and does not retry it', () => {
    const { reactor, factory, connector } = setUp();
    connector.fail();
    reactor.advance(10);
    expect(connector.state).toBe('connecting');
    factory.stopTrying();
    expect(connector.stoppedConnecting).toBe(true);
    expect(reactor.getDelayedCalls()).toHaveLength(0);
  });

  it('stopTrying while connected leaves the connection, but does not reconnect after it ends', () => {
    const { reactor, factory, connector } = setUp();
    const connection = connector.succeed();
    factory.connector = connector;
    factory.stopTrying();
    expect(connection?.transport.disconnecting).toBe(false);
    connection?.transport.loseConnection();
    expect(reactor.getDelayedCalls()).toHaveLength(0);
  });

  it('needs a clock to retry', () => {
    const reactor = new MemoryReactor();
    const factory = new ReconnectingClientFactory(Client, { log: quiet });
    const connector = reactor.connectTCP('127.0.0.1', 6667, factory);
    expect(() => connector.fail()).toThrow(NoClockError);
    factory.clock = reactor;
    factory.resetDelay();
    connector.connect();
    connector.fail();
    expect(reactor.getDelayedCalls()).toHaveLength(1);
  });
});
