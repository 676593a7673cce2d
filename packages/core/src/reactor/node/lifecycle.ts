import { Deferred } from '../../defer/deferred.js';
import type { Failure } from '../../defer/failure.js';
import { ReactorAlreadyRunning, ReactorNotRunning } from '../../errors/reactor.js';
import type { ITriggerHandle, SystemEvent, SystemEventPhase } from '../../interfaces/reactor.js';

/** What the lifecycle needs from the reactor that owns it. */
export interface LifecycleHost {
  /** Run `fn` on a later turn. */
  later(fn: () => void): void;
  /** Close every port, connector and connection the reactor owns; fires when all are closed. */
  disconnectAll(): Deferred<void>;
  /** Report an error a trigger threw or failed with; shutdown goes on regardless. */
  onError(error: unknown): void;
}

export interface LifecycleOptions {
  /** Map SIGINT and SIGTERM to stop() while running (default true). Tests pass false. */
  readonly installSignalHandlers?: boolean;
}

class Trigger implements ITriggerHandle {
  constructor(
    readonly phase: SystemEventPhase,
    readonly event: SystemEvent,
    readonly fn: () => unknown,
  ) {}
}

const PHASES: readonly SystemEventPhase[] = ['before', 'during', 'after'];
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/** The longest interval Node accepts; the keep-alive timer never actually needs to fire. */
const KEEP_ALIVE_MS = 2_147_483_647;

/**
 * run / stop / system event triggers / signals for the Node reactor.
 *
 * Node's loop is always turning, so "running" here means: startup triggers have fired, the
 * process is kept alive (a ref'd idle timer) until stop(), and SIGINT/SIGTERM stop gracefully.
 * Shutdown is Twisted's three phases: every 'before' trigger runs; those returning a Deferred
 * or Promise are waited for (together); then 'during' triggers, then the reactor closes what it
 * still owns, then 'after' triggers, and finally the Deferred returned by run() fires.
 */
export class ReactorLifecycle {
  running = false;
  private stopping = false;
  /** True once the startup triggers have all run, until stop completes. */
  private startedUp = false;
  private readonly triggers = new Map<string, Trigger[]>();
  private whenRunning: Array<() => unknown> = [];
  private runDeferred: Deferred<void> | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private readonly installSignals: boolean;
  private readonly onSignal = (): void => {
    // Our handlers go at the first signal, so a second Ctrl-C gets Node's default: exit now.
    this.removeSignalHandlers();
    if (this.running && !this.stopping) this.stop();
  };
  private signalsInstalled = false;

  constructor(
    private readonly host: LifecycleHost,
    options: LifecycleOptions = {},
  ) {
    this.installSignals = options.installSignalHandlers ?? true;
  }

  run(): Deferred<void> {
    if (this.running) throw new ReactorAlreadyRunning();
    this.running = true;
    const done = new Deferred<void>();
    this.runDeferred = done;
    this.keepAlive = setInterval(() => {}, KEEP_ALIVE_MS);
    if (this.installSignals) this.installSignalHandlers();
    this.fireSystemEvent('startup').addCallback(() => {
      this.startedUp = true;
      const queued = this.whenRunning;
      this.whenRunning = [];
      for (const fn of queued) this.callSafely(fn);
    });
    return done;
  }

  stop(): void {
    if (!this.running || this.stopping) throw new ReactorNotRunning();
    this.stopping = true;
    // Like Twisted, shutdown starts on a later turn: the caller's stack unwinds first.
    this.host.later(() => {
      this.fireSystemEvent('shutdown').addCallback(() => this.finishStop());
    });
  }

  /** True from stop() until shutdown completes. */
  get isStopping(): boolean {
    return this.stopping;
  }

  callWhenRunning(fn: () => unknown): void {
    if (this.startedUp) this.host.later(() => this.callSafely(fn));
    else this.whenRunning.push(fn);
  }

  addSystemEventTrigger(
    phase: SystemEventPhase,
    event: SystemEvent,
    fn: () => unknown,
  ): ITriggerHandle {
    if (!PHASES.includes(phase)) throw new TypeError(`Unknown trigger phase "${String(phase)}".`);
    if (event !== 'startup' && event !== 'shutdown') {
      throw new TypeError(`Unknown system event "${String(event)}": use 'startup' or 'shutdown'.`);
    }
    const trigger = new Trigger(phase, event, fn);
    const key = `${phase}:${event}`;
    const list = this.triggers.get(key);
    if (list === undefined) this.triggers.set(key, [trigger]);
    else list.push(trigger);
    return trigger;
  }

  removeSystemEventTrigger(handle: ITriggerHandle): void {
    const list = this.triggers.get(`${handle.phase}:${handle.event}`);
    const index = list === undefined ? -1 : list.indexOf(handle as Trigger);
    if (index < 0)
      throw new TypeError(
        'That trigger is not registered (already removed, or from another reactor).',
      );
    list!.splice(index, 1);
  }

  private fireSystemEvent(event: SystemEvent): Deferred<void> {
    const before = this.runPhase('before', event);
    return waitForAll(before, this.host.onError)
      .addCallback(() => {
        this.runPhase('during', event);
        if (event === 'shutdown') return this.host.disconnectAll();
        return undefined;
      })
      .addErrback((failure: Failure) => {
        this.host.onError(failure.value);
      })
      .addCallback(() => {
        this.runPhase('after', event);
      });
  }

  /** Run one phase's triggers in order; return what they returned (some may be Deferreds). */
  private runPhase(phase: SystemEventPhase, event: SystemEvent): unknown[] {
    const list = this.triggers.get(`${phase}:${event}`);
    if (list === undefined) return [];
    const results: unknown[] = [];
    for (const trigger of list.slice()) results.push(this.callSafely(trigger.fn));
    return results;
  }

  private callSafely(fn: () => unknown): unknown {
    try {
      return fn();
    } catch (error) {
      this.host.onError(error);
      return undefined;
    }
  }

  private finishStop(): void {
    this.removeSignalHandlers();
    if (this.keepAlive !== null) clearInterval(this.keepAlive);
    this.keepAlive = null;
    this.running = false;
    this.stopping = false;
    this.startedUp = false;
    const done = this.runDeferred;
    this.runDeferred = null;
    done?.callback(undefined);
  }

  private installSignalHandlers(): void {
    if (this.signalsInstalled) return;
    this.signalsInstalled = true;
    for (const signal of STOP_SIGNALS) process.on(signal, this.onSignal);
  }

  private removeSignalHandlers(): void {
    if (!this.signalsInstalled) return;
    this.signalsInstalled = false;
    for (const signal of STOP_SIGNALS) process.removeListener(signal, this.onSignal);
  }
}

/**
 * A Deferred that fires once every Deferred or thenable among `results` has settled. Failures
 * are reported, never propagated: one failing trigger must not block shutdown.
 */
function waitForAll(
  results: readonly unknown[],
  onError: (error: unknown) => void,
): Deferred<void> {
  const pending = results.filter(isWaitable);
  const all = new Deferred<void>();
  let remaining = pending.length;
  if (remaining === 0) {
    all.callback(undefined);
    return all;
  }
  const settle = (): void => {
    if (--remaining === 0) all.callback(undefined);
  };
  for (const result of pending) {
    const deferred = result instanceof Deferred ? result : Deferred.fromPromise(result);
    deferred.addCallbacks(
      () => settle(),
      (failure: Failure) => {
        onError(failure.value);
        settle();
      },
    );
  }
  return all;
}

function isWaitable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
