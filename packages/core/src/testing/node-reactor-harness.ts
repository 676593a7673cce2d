/**
 * Real NodeReactors for tests: started quiet (no signal handlers, a short shutdown grace) and
 * stopped after the test, with the test's own cleanups run first.
 *
 * ```ts
 * const reactors = new NodeReactorHarness();
 * afterEach(() => reactors.stopAll());
 *
 * it('echoes', async () => {
 *   const reactor = reactors.start();
 *   const port = await reactor.listenTCP(0, Factory.forProtocol(() => new Echo()), {
 *     interface: '127.0.0.1',
 *   });
 *   reactors.addCleanup(() => port.stopListening());
 * });
 * ```
 */
import { NodeReactor, type NodeReactorOptions } from '../reactor/node/node-reactor.js';

/** The options a test reactor starts with unless told otherwise. */
export const QUIET_REACTOR_OPTIONS: NodeReactorOptions = {
  // A test must not take over the runner's SIGINT/SIGTERM.
  installSignalHandlers: false,
  shutdownGracePeriod: 1,
};

/** A running NodeReactor with {@link QUIET_REACTOR_OPTIONS} (plus `options`); stop it yourself. */
export function startNodeReactor(options: NodeReactorOptions = {}): NodeReactor {
  const reactor = new NodeReactor({ ...QUIET_REACTOR_OPTIONS, ...options });
  void reactor.run();
  return reactor;
}

/**
 * Stop `reactor` and resolve once its shutdown has finished (the 'after shutdown' triggers
 * ran). Resolves at once if it is not running; safe while it is already stopping.
 */
export async function stopNodeReactor(reactor: NodeReactor): Promise<void> {
  if (!reactor.running) return;
  const stopped = new Promise<void>((resolve) =>
    reactor.addSystemEventTrigger('after', 'shutdown', () => resolve()),
  );
  try {
    reactor.stop();
  } catch {
    // Already stopping: the trigger fires all the same.
  }
  await stopped;
}

/** The reactors (and cleanups) of one test file; call {@link stopAll} in afterEach/afterAll. */
export class NodeReactorHarness {
  private readonly reactors: NodeReactor[] = [];
  private readonly cleanups: (() => unknown)[] = [];

  /** @param defaults options every {@link start} gets, over {@link QUIET_REACTOR_OPTIONS}. */
  constructor(private readonly defaults: NodeReactorOptions = {}) {}

  /** A running reactor, stopped by the next {@link stopAll}. */
  start(options: NodeReactorOptions = {}): NodeReactor {
    const reactor = startNodeReactor({ ...this.defaults, ...options });
    this.reactors.push(reactor);
    return reactor;
  }

  /** Run `fn` at the next {@link stopAll}, before the reactors stop (last added runs first). */
  addCleanup(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  /**
   * Run the cleanups (all of them, even if one throws), then stop every reactor started since
   * the last call. Rethrows the first cleanup error once everything is stopped.
   */
  async stopAll(): Promise<void> {
    let firstError: unknown = null;
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        firstError ??= error;
      }
    }
    for (const reactor of this.reactors.splice(0)) await stopNodeReactor(reactor);
    if (firstError !== null) throw firstError;
  }
}
