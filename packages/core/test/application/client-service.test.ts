import { describe, expect, it } from 'vitest';

import {
  CancelledError,
  ClientService,
  Clock,
  ConnectionLost,
  ConnectionRefusedError,
  ConnectionDone,
  Deferred,
  Factory,
  Failure,
  LogPublisher,
  Logger,
  Protocol,
  backoffPolicy,
  type IProtocol,
  type IProtocolFactory,
  type IStreamClientEndpoint,
} from '../../src/index.js';
import { StringTransport } from '../../src/testing/index.js';

class Client extends Protocol {
  lostReasons: Failure[] = [];
  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lostReasons.push(reason);
  }
}

interface PendingAttempt {
  readonly factory: IProtocolFactory;
  readonly deferred: Deferred<IProtocol>;
  cancelled: boolean;
}

/** A client endpoint whose connection attempts the test completes or fails by hand. */
class FakeClientEndpoint implements IStreamClientEndpoint {
  readonly attempts: PendingAttempt[] = [];

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    const attempt: PendingAttempt = {
      factory,
      deferred: new Deferred<IProtocol>(() => {
        attempt.cancelled = true;
      }),
      cancelled: false,
    };
    this.attempts.push(attempt);
    return attempt.deferred as Deferred<P>;
  }

  get last(): PendingAttempt {
    const attempt = this.attempts.at(-1);
    if (attempt === undefined) throw new Error('no connection attempt was made');
    return attempt;
  }

  /** Complete the last attempt over a StringTransport that reports loss to the protocol. */
  succeed(options: { reportsLoss?: boolean } = {}): {
    protocol: Client;
    transport: StringTransport;
  } {
    const attempt = this.last;
    const protocol = attempt.factory.buildProtocol({
      family: 'IPv4',
      type: 'TCP',
      host: '127.0.0.1',
      port: 6667,
    }) as Client;
    const transport = new StringTransport();
    // By default loseConnection() reports the loss at once; otherwise the test does it.
    if (options.reportsLoss === false) protocol.makeConnection(transport);
    else transport.connect(protocol);
    attempt.deferred.callback(protocol);
    return { protocol, transport };
  }

  fail(error: unknown = new ConnectionRefusedError()): void {
    this.last.deferred.errback(error);
  }
}

function setUp(options: { prepareConnection?: (p: Client) => unknown } = {}) {
  const clock = new Clock();
  const endpoint = new FakeClientEndpoint();
  // A deterministic policy: 1, 2, 4, 8 … seconds, no jitter.
  const delays: number[] = [];
  const policy = backoffPolicy({ initialDelay: 0.5, factor: 2, maxDelay: 8, jitter: () => 0 });
  const service = new ClientService(endpoint, new Factory(Client), {
    clock,
    retryPolicy: (attempt) => {
      const delay = policy(attempt);
      delays.push(delay);
      return delay;
    },
    log: new Logger('test', new LogPublisher({ fallback: () => {} })),
    ...options,
  });
  return { clock, endpoint, service, delays };
}

function track<T>(d: Deferred<T>): {
  value: T | undefined;
  failure: Failure | null;
  done: boolean;
} {
  const state: { value: T | undefined; failure: Failure | null; done: boolean } = {
    value: undefined,
    failure: null,
    done: false,
  };
  d.addCallbacks(
    (value: T) => {
      state.value = value;
      state.done = true;
    },
    (failure: Failure) => {
      state.failure = failure;
      state.done = true;
    },
  );
  return state;
}

describe('backoffPolicy', () => {
  it('grows by factor up to maxDelay, plus jitter', () => {
    const policy = backoffPolicy({
      initialDelay: 1,
      factor: 1.5,
      maxDelay: 60,
      jitter: () => 0.25,
    });
    expect([1, 2, 3].map(policy)).toEqual([1.75, 2.5, 3.625]);
    expect(policy(50)).toBe(60.25);
    expect(policy(1e9)).toBe(60.25);
  });

  it('defaults to Twisted’s: initial 1, factor 1.5, max 60, jitter in [0, 1)', () => {
    const policy = backoffPolicy();
    for (const attempt of [1, 5, 100]) {
      const delay = policy(attempt);
      const base = Math.min(1.5 ** attempt, 60);
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThan(base + 1);
    }
  });
});

describe('ClientService', () => {
  it('connects when started; whenConnected fires with the protocol', () => {
    const { endpoint, service } = setUp();
    const connected = track(service.whenConnected());
    service.startService();
    expect(endpoint.attempts).toHaveLength(1);
    const { protocol } = endpoint.succeed();
    expect(connected.value).toBe(protocol);
    // Once connected, whenConnected() answers at once.
    expect(track(service.whenConnected()).value).toBe(protocol);
  });

  it('retries failed attempts with backoff, then resets the count once connected', () => {
    const { clock, endpoint, service, delays } = setUp();
    service.startService();
    endpoint.fail();
    expect(delays).toEqual([1]);
    clock.advance(0.999);
    expect(endpoint.attempts).toHaveLength(1);
    clock.advance(0.001);
    expect(endpoint.attempts).toHaveLength(2);
    endpoint.fail();
    clock.advance(2);
    endpoint.fail();
    clock.advance(4);
    endpoint.fail();
    clock.advance(8);
    endpoint.fail();
    expect(delays).toEqual([1, 2, 4, 8, 8]);
    clock.advance(8);
    const { transport } = endpoint.succeed();
    // A lost connection counts as one failed attempt: the first delay again.
    transport.reportDisconnect(new ConnectionLost());
    expect(delays.at(-1)).toBe(1);
    clock.advance(1);
    expect(endpoint.attempts).toHaveLength(7);
  });

  it('reconnects after the connection is lost, and whenConnected gives the new one', () => {
    const { clock, endpoint, service } = setUp();
    service.startService();
    const first = endpoint.succeed();
    first.transport.reportDisconnect(new ConnectionLost());
    expect(first.protocol.lostReasons).toHaveLength(1);
    const next = track(service.whenConnected());
    expect(next.value).toBeUndefined();
    clock.advance(1);
    const second = endpoint.succeed();
    expect(next.value).toBe(second.protocol);
    expect(second.protocol).not.toBe(first.protocol);
  });

  it('whenConnected(failAfterFailures) fails after that many failed attempts in a row', () => {
    const { clock, endpoint, service } = setUp();
    service.startService();
    const patient = track(service.whenConnected());
    const impatient = track(service.whenConnected(2));
    endpoint.fail(new ConnectionRefusedError('first'));
    expect(impatient.failure).toBeNull();
    clock.advance(1);
    endpoint.fail(new ConnectionRefusedError('second'));
    expect(impatient.failure?.getErrorMessage()).toBe('second');
    expect(patient.failure).toBeNull();
    clock.advance(2);
    const { protocol } = endpoint.succeed();
    expect(patient.value).toBe(protocol);
  });

  it('rejects a failAfterFailures below 1', () => {
    expect(() => setUp().service.whenConnected(0)).toThrow(RangeError);
  });

  it('stopService while connected drops the connection and stops retrying', () => {
    const { clock, endpoint, service } = setUp();
    service.startService();
    const { protocol, transport } = endpoint.succeed();
    const stopped = track(service.stopService());
    expect(transport.disconnecting).toBe(true);
    expect(protocol.lostReasons).toHaveLength(1);
    expect(stopped).toMatchObject({ done: true, failure: null });
    expect(service.running).toBe(false);
    clock.advance(3600);
    expect(endpoint.attempts).toHaveLength(1);
    expect(track(service.whenConnected()).failure?.value).toBeInstanceOf(CancelledError);
  });

  it('stopService while waiting to retry cancels the retry and fails waiters', () => {
    const { clock, endpoint, service } = setUp();
    service.startService();
    const waiting = track(service.whenConnected());
    endpoint.fail();
    expect(clock.getDelayedCalls()).toHaveLength(1);
    const stopped = track(service.stopService());
    expect(stopped).toMatchObject({ done: true, failure: null });
    expect(clock.getDelayedCalls()).toHaveLength(0);
    expect(waiting.failure?.value).toBeInstanceOf(CancelledError);
  });

  it('stopService while connecting cancels the attempt', () => {
    const { clock, endpoint, service } = setUp();
    service.startService();
    const stopped = track(service.stopService());
    expect(endpoint.last.cancelled).toBe(true);
    expect(stopped).toMatchObject({ done: true, failure: null });
    clock.advance(3600);
    expect(endpoint.attempts).toHaveLength(1);
  });

  it('does not fire stopService before a lingering connection has closed', () => {
    const { endpoint, service } = setUp();
    service.startService();
    const { protocol, transport } = endpoint.succeed({ reportsLoss: false });
    const stopped = track(service.stopService());
    expect(transport.disconnecting).toBe(true);
    expect(stopped.value).toBeUndefined();
    // A start meanwhile reconnects once the old connection has gone.
    service.startService();
    expect(endpoint.attempts).toHaveLength(1);
    protocol.connectionLost(Failure.from(new ConnectionDone()));
    expect(stopped).toMatchObject({ done: true, failure: null });
    expect(endpoint.attempts).toHaveLength(2);
  });

  it('waits for a start before connecting; stopping a never-started service fails the waiters', () => {
    const { endpoint, service } = setUp();
    const early = track(service.whenConnected());
    expect(endpoint.attempts).toHaveLength(0);
    expect(track(service.stopService())).toMatchObject({ done: true, failure: null });
    expect(early.failure?.value).toBeInstanceOf(CancelledError);
  });

  it('can be restarted after stopping', () => {
    const { endpoint, service } = setUp();
    service.startService();
    endpoint.succeed();
    void service.stopService();
    service.startService();
    expect(endpoint.attempts).toHaveLength(2);
    const connected = track(service.whenConnected());
    const { protocol } = endpoint.succeed();
    expect(connected.value).toBe(protocol);
  });

  it('runs prepareConnection before whenConnected fires; a failure drops the connection and retries', () => {
    let fail = true;
    const prepared: Client[] = [];
    const { clock, endpoint, service } = setUp({
      prepareConnection: (protocol) => {
        prepared.push(protocol);
        if (fail) throw new Error('login refused');
        return Deferred.succeed(undefined);
      },
    });
    service.startService();
    const connected = track(service.whenConnected());
    const first = endpoint.succeed();
    expect(prepared).toEqual([first.protocol]);
    expect(first.transport.disconnecting).toBe(true);
    expect(connected.value).toBeUndefined();
    fail = false;
    clock.advance(1);
    const second = endpoint.succeed();
    expect(connected.value).toBe(second.protocol);
  });

  it('waits for a prepareConnection Deferred, and treats a loss meanwhile as a failed attempt', () => {
    const preparing: Deferred<void>[] = [];
    const { clock, endpoint, service, delays } = setUp({
      prepareConnection: () => {
        const d = new Deferred<void>();
        preparing.push(d);
        return d;
      },
    });
    service.startService();
    const connected = track(service.whenConnected(1));
    const first = endpoint.succeed();
    expect(connected.value).toBeUndefined();
    first.transport.reportDisconnect(new ConnectionLost('dropped during login'));
    expect(connected.failure?.getErrorMessage()).toBe('dropped during login');
    expect(delays).toEqual([1]);
    clock.advance(1);
    const second = track(service.whenConnected());
    const { protocol } = endpoint.succeed();
    preparing[1]!.callback(undefined);
    expect(second.value).toBe(protocol);
  });
});
