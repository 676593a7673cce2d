/**
 * "One suite, every reactor": run the same test body on the Node reactor (real loopback
 * sockets, real time) and on the virtual-time reactor (a simulated network, virtual time).
 *
 * ```ts
 * import { afterEach, beforeEach, describe, expect, it } from 'vitest';
 * import { forEachReactor } from '@tw/core/testing';
 *
 * forEachReactor('echo', (harness) => {
 *   it('echoes', async () => {
 *     const port = await harness.listen(Factory.forProtocol(() => new Echo()));
 *     const client = await harness.connect(port, Factory.forProtocol(() => new Recorder()));
 *     client.transport.write(bytes);
 *     await harness.until(() => client.received === 'hello');
 *   });
 * }, { describe, beforeEach, afterEach });
 * ```
 *
 * Framework-neutral: the test framework's describe/beforeEach/afterEach are passed in. Each
 * test gets a fresh harness (a new NodeReactor, or a new SimulatedNetwork with hosts "server"
 * and "client"), cleaned up after it. Write timeouts the protocol under test uses small
 * (fractions of a second) so the Node run stays quick; on the virtual reactor they pass in
 * virtual time.
 */
import type { Deferred } from '../defer/deferred.js';
import { watchOutcome } from '../defer/outcome.js';
import { clientFromString, serverFromString } from '../endpoints/default-registry.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { IReactor } from '../interfaces/reactor.js';
import { NodeReactor } from '../reactor/node/node-reactor.js';
import type { SimulatedNetworkOptions } from '../reactor/virtual/network-options.js';
import { SimulatedNetwork } from '../reactor/virtual/simulated-network.js';

export type ReactorKind = 'node' | 'virtual';

/** Every kind, in the order forEachReactor() runs them. */
export const REACTOR_KINDS: readonly ReactorKind[] = ['node', 'virtual'];

/** One reactor (or pair of simulated hosts) for one test. */
export interface ReactorHarness {
  readonly kind: ReactorKind;
  /** The reactor servers run on (the NodeReactor, or the simulated host "server"). */
  readonly reactor: IReactor;
  /** The reactor clients run on (the same NodeReactor, or the simulated host "client"). */
  readonly clientReactor: IReactor;
  /** The simulated network, for 'virtual'; null for 'node'. */
  readonly network: SimulatedNetwork | null;
  /**
   * A server endpoint description for a fresh port: `tcp:0:interface=127.0.0.1` on Node
   * (loopback only), `tcp:0` on the simulated host "server" (reachable from "client").
   */
  readonly serverEndpoint: string;
  /** The server's host as clients name it: `127.0.0.1`, or `server` on the simulated network. */
  readonly serverHost: string;
  /** Listen with `factory` on serverEndpoint; returns the port (stopped at cleanup). */
  listen(factory: IProtocolFactory): Promise<number>;
  /** The client endpoint description for a port listen() returned. */
  clientEndpoint(port: number): string;
  /** Connect a protocol built by `factory` to `port` from the client reactor. */
  connect<P extends IProtocol>(port: number, factory: IProtocolFactory<P>): Promise<P>;
  /**
   * Until `condition()` holds: polled in real time on Node, run in virtual time on the
   * simulated network. Rejects after `timeoutSeconds` (default 10) of the reactor's time.
   */
  until(condition: () => boolean, timeoutSeconds?: number): Promise<void>;
  /** Wait for a Deferred or promise, with the same timeout rule as until(). */
  wait<T>(awaitable: Deferred<T> | PromiseLike<T>, timeoutSeconds?: number): Promise<T>;
  /** Let `seconds` of reactor time pass (real time on Node: keep it small). */
  sleep(seconds: number): Promise<void>;
  /** Run `fn` at cleanup (in reverse order of registration). */
  addCleanup(fn: () => unknown): void;
  /** Run the cleanups, close what the harness opened; safe to call twice. */
  cleanup(): Promise<void>;
}

/** What forEachReactor needs from the test framework. */
export interface ReactorMatrixHooks {
  describe(name: string, body: () => void): unknown;
  beforeEach(fn: () => unknown): unknown;
  afterEach(fn: () => unknown): unknown;
}

export interface ReactorMatrixOptions {
  /** The kinds to run (default REACTOR_KINDS). */
  readonly kinds?: readonly ReactorKind[];
  /** Options of the simulated network (default: 1 ms latency, seed 1). */
  readonly network?: SimulatedNetworkOptions;
}

const DEFAULT_TIMEOUT_SECONDS = 10;

function nextTick(): Promise<void> {
  // A millisecond, not setImmediate: waiting on real sockets should not spin the CPU.
  return new Promise((resolve) => setTimeout(resolve, 1));
}

abstract class BaseHarness implements ReactorHarness {
  abstract readonly kind: ReactorKind;
  abstract readonly reactor: IReactor;
  abstract readonly clientReactor: IReactor;
  abstract readonly network: SimulatedNetwork | null;
  abstract readonly serverEndpoint: string;
  abstract readonly serverHost: string;
  private readonly cleanups: Array<() => unknown> = [];
  private cleaned = false;

  abstract clientEndpoint(port: number): string;
  abstract until(condition: () => boolean, timeoutSeconds?: number): Promise<void>;
  abstract sleep(seconds: number): Promise<void>;

  async listen(factory: IProtocolFactory): Promise<number> {
    const port = await this.wait(
      serverFromString(this.reactor, this.serverEndpoint).listen(factory),
    );
    this.addCleanup(() => port.stopListening());
    const address = port.getHost();
    if (address.family !== 'IPv4' && address.family !== 'IPv6') {
      throw new Error(`listen() expected a TCP port, got a ${address.family} address.`);
    }
    return address.port;
  }

  async connect<P extends IProtocol>(port: number, factory: IProtocolFactory<P>): Promise<P> {
    const protocol = await this.wait(
      clientFromString(this.clientReactor, this.clientEndpoint(port)).connect(factory),
    );
    this.addCleanup(() => {
      (protocol as { transport?: { abortConnection(): void } | null }).transport?.abortConnection();
    });
    return protocol;
  }

  async wait<T>(
    awaitable: Deferred<T> | PromiseLike<T>,
    timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
  ): Promise<T> {
    const outcome = watchOutcome(awaitable);
    await this.until(outcome.settled, timeoutSeconds);
    return outcome.take();
  }

  addCleanup(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // Cleanup goes on: one failing step must not leave the rest open.
      }
    }
    await this.afterCleanup();
  }

  protected async afterCleanup(): Promise<void> {}
}

class NodeHarness extends BaseHarness {
  readonly kind = 'node';
  readonly serverEndpoint = 'tcp:0:interface=127.0.0.1';
  readonly serverHost = '127.0.0.1';
  readonly reactor: NodeReactor;
  readonly network = null;

  constructor() {
    super();
    this.reactor = new NodeReactor({ installSignalHandlers: false });
  }

  get clientReactor(): IReactor {
    return this.reactor;
  }

  clientEndpoint(port: number): string {
    return `tcp:host=${this.serverHost}:port=${port}`;
  }

  async until(condition: () => boolean, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (!condition()) {
      if (Date.now() >= deadline) {
        throw new Error(`[node] Timed out after ${timeoutSeconds} s waiting for a condition.`);
      }
      await nextTick();
    }
  }

  sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }

  protected override async afterCleanup(): Promise<void> {
    // Let the closes reach the sockets before the next test.
    const deadline = Date.now() + 2000;
    while (this.reactor.openConnectionCount > 0 && Date.now() < deadline) await nextTick();
  }
}

class VirtualHarness extends BaseHarness {
  readonly kind = 'virtual';
  readonly serverEndpoint = 'tcp:0';
  readonly serverHost = 'server';
  readonly network: SimulatedNetwork;
  readonly reactor: IReactor;
  readonly clientReactor: IReactor;

  constructor(options: SimulatedNetworkOptions) {
    super();
    this.network = new SimulatedNetwork(options);
    this.reactor = this.network.addHost('server');
    this.clientReactor = this.network.addHost('client');
  }

  clientEndpoint(port: number): string {
    return `tcp:host=${this.serverHost}:port=${port}`;
  }

  async until(condition: () => boolean, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS): Promise<void> {
    try {
      await this.network.runUntil(condition, { timeout: timeoutSeconds });
    } catch (error) {
      if (error instanceof Error) error.message = `[virtual] ${error.message}`;
      throw error;
    }
  }

  sleep(seconds: number): Promise<void> {
    return this.network.advance(seconds);
  }

  protected override async afterCleanup(): Promise<void> {
    this.network.shutdown();
    return Promise.resolve();
  }
}

/** A fresh harness of `kind`; call cleanup() when done. */
export function createReactorHarness(
  kind: ReactorKind,
  options: ReactorMatrixOptions = {},
): ReactorHarness {
  return kind === 'node' ? new NodeHarness() : new VirtualHarness(options.network ?? {});
}

/**
 * Declare `body`'s tests once per reactor kind, each kind in its own describe block named
 * `${name} [kind]`. The harness handed to `body` stands for the current test's harness: it is
 * created before each test and cleaned up after it (read its members inside tests only).
 */
export function forEachReactor(
  name: string,
  body: (harness: ReactorHarness) => void,
  hooks: ReactorMatrixHooks,
  options: ReactorMatrixOptions = {},
): void {
  for (const kind of options.kinds ?? REACTOR_KINDS) {
    hooks.describe(`${name} [${kind}]`, () => {
      let current: ReactorHarness | null = null;
      const harness = currentHarnessProxy(kind, () => current);
      hooks.beforeEach(() => {
        current = createReactorHarness(kind, options);
      });
      hooks.afterEach(async () => {
        const finished = current;
        current = null;
        await finished?.cleanup();
      });
      body(harness);
    });
  }
}

/** A harness whose members are those of the current test's harness. */
function currentHarnessProxy(
  kind: ReactorKind,
  current: () => ReactorHarness | null,
): ReactorHarness {
  const target = (): ReactorHarness => {
    const harness = current();
    if (harness === null) {
      throw new Error(
        `The ${kind} reactor harness is only available inside a test (it is created before each one).`,
      );
    }
    return harness;
  };
  return new Proxy({ kind } as ReactorHarness, {
    get(_target, property) {
      if (property === 'kind') return kind;
      const harness = target();
      const value: unknown = Reflect.get(harness, property, harness);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(harness)
        : value;
    },
  });
}
