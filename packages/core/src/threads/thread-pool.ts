import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';

import { Piscina } from 'piscina';

import { Deferred } from '../defer/deferred.js';
import type {
  IDelayedCall,
  IReactorCore,
  IReactorTime,
  ITriggerHandle,
} from '../interfaces/reactor.js';
import { reportError } from '../reactor/node/report-error.js';
import { rebuildError } from './error-transfer.js';
import {
  InvalidThreadPoolOptionError,
  ThreadDataCloneError,
  ThreadPoolClosedError,
} from './errors.js';
import { FromThreadCalls } from './from-thread-calls.js';
import { isFromThreadCall, type CallOutcome, type ThreadTask } from './messages.js';
import { moduleHref, ownWorkerScript, workerExecArgv, type ModuleReference } from './module-url.js';

/** What a ThreadPool needs from its reactor: time, shutdown triggers, callFromThread. */
export type ThreadPoolReactor = Pick<IReactorTime, 'callLater'> &
  Pick<IReactorCore, 'addSystemEventTrigger' | 'removeSystemEventTrigger' | 'callFromThread'> & {
    /**
     * Where a task's result is handed to its Deferred. A reactor that runs application code
     * only at chosen moments (SteppedReactor) queues it; absent, the result is delivered at once.
     */
    readonly deliverThreadResult?: (deliver: () => void) => void;
  };

export interface ThreadPoolOptions {
  /** Threads kept alive even when idle (default 0: threads start on demand). */
  readonly minThreads?: number;
  /** Most threads running at once; more work waits in a queue (default: the CPU count). */
  readonly maxThreads?: number;
  /** Seconds an idle thread above minThreads lives before it exits (default 30). */
  readonly idleTimeout?: number;
  /**
   * Seconds close() and reactor shutdown wait for submitted work to finish before the threads
   * still running it are terminated and their Deferreds fail with ThreadPoolClosedError
   * (default 30).
   */
  readonly closeTimeout?: number;
  /**
   * Node options for the workers (default: the reactor thread's `process.execArgv`, without the
   * workspace-only `@tw/source` export condition).
   */
  readonly execArgv?: readonly string[];
  /** V8 heap and stack limits for each worker. */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Close the pool when the reactor shuts down (default true): a 'before' shutdown trigger
   * waits for submitted work to finish, then a 'during' trigger closes the pool.
   */
  readonly stopWithReactor?: boolean;
  /** Named in error messages, e.g. 'database pool'. */
  readonly description?: string;
}

const DEFAULT_IDLE_SECONDS = 30;
const DEFAULT_CLOSE_SECONDS = 30;

/**
 * A pool of worker threads running named functions — Twisted's ThreadPool over piscina.
 *
 * JavaScript cannot send a closure to another thread, so work is named: a module (URL or
 * absolute path) and the name of a function it exports. Arguments and results are copied with
 * the structured clone algorithm (plain data, typed arrays, Maps, Dates, errors — no functions,
 * and class instances arrive as plain objects). The function may be async.
 *
 * ```ts
 * const pool = new ThreadPool(reactor, { maxThreads: 4 });
 * const digest = await pool.run<string>(new URL('./hash.js', import.meta.url), 'sha256', data);
 * ```
 */
export class ThreadPool {
  private readonly piscina: Piscina;
  private readonly fromThread: FromThreadCalls;
  private readonly closeTimeout: number;
  private readonly description: string;
  private readonly triggers: ITriggerHandle[] = [];
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private closing: Promise<void> | null = null;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly reactor: ThreadPoolReactor,
    options: ThreadPoolOptions = {},
  ) {
    const minThreads = checkCount('minThreads', options.minThreads ?? 0, 0);
    const maxThreads = checkCount(
      'maxThreads',
      options.maxThreads ?? Math.max(minThreads, availableParallelism(), 1),
      Math.max(1, minThreads),
    );
    const idleTimeout = checkSeconds('idleTimeout', options.idleTimeout ?? DEFAULT_IDLE_SECONDS);
    this.closeTimeout = checkSeconds('closeTimeout', options.closeTimeout ?? DEFAULT_CLOSE_SECONDS);
    this.description = options.description ?? 'thread pool';
    this.piscina = new Piscina({
      filename: fileURLToPath(ownWorkerScript('pool-worker')),
      minThreads,
      maxThreads,
      idleTimeout: idleTimeout * 1000,
      // One task per thread: a task owns its thread (and, for adbapi, its connection).
      concurrentTasksPerWorker: 1,
      execArgv: [...(options.execArgv ?? workerExecArgv(process.execArgv))],
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
    });
    this.fromThread = new FromThreadCalls(reactor);
    this.piscina.on('message', (message: unknown) => {
      if (isFromThreadCall(message)) this.fromThread.handle(message);
    });
    // Without a listener an 'error' event (a worker dying outside any task) would throw.
    this.piscina.on('error', (error: unknown) =>
      reportError(`A ${this.description} thread failed`, error),
    );
    if (options.stopWithReactor ?? true) {
      this.triggers.push(
        reactor.addSystemEventTrigger('before', 'shutdown', () => this.settle()),
        reactor.addSystemEventTrigger('during', 'shutdown', () => this.close()),
      );
    }
  }

  /** Threads alive now (busy or idle). */
  get threadCount(): number {
    return this.piscina.threads.length;
  }

  /** Tasks submitted and not finished: running plus queued. */
  get pendingCount(): number {
    return this.pending;
  }

  /** Tasks waiting for a free thread. */
  get queueSize(): number {
    return this.piscina.queueSize;
  }

  /** The most threads this pool runs at once. */
  get maxThreads(): number {
    return this.piscina.maxThreads;
  }

  /** True once close() was called (directly or by reactor shutdown). */
  get closed(): boolean {
    return this.closing !== null;
  }

  /**
   * Run `moduleUrl`'s export `exportName` with `args` on a pool thread. The Deferred fires on
   * the reactor thread with the function's result, or fails with its error — rebuilt with the
   * worker's stack, its name and its own fields such as `code`. cancel() withdraws queued work,
   * and terminates the thread running started work (the pool replaces it).
   */
  run<T = unknown>(
    moduleUrl: ModuleReference,
    exportName: string,
    ...args: unknown[]
  ): Deferred<T> {
    if (this.closed) return Deferred.fail<T>(new ThreadPoolClosedError(this.description));
    const task: ThreadTask = { moduleUrl: moduleHref(moduleUrl), exportName, args };
    const abort = new AbortController();
    const result = new Deferred<T>(() => abort.abort());
    this.pending++;
    const done = (): void => {
      this.pending--;
      if (this.pending === 0) this.wakeIdleWaiters();
    };
    let running: Promise<unknown>;
    try {
      running = this.piscina.run(task, { signal: abort.signal });
    } catch (error) {
      running = Promise.reject(error as Error);
    }
    // The caller's Deferred fires before the pool counts the task as done, so whoever waits
    // for the pool to settle (close(), reactor shutdown) sees the result delivered first.
    const deliver = this.reactor.deliverThreadResult ?? ((fn: () => void): void => fn());
    running.then(
      (outcome) =>
        deliver(() => {
          try {
            const ended = outcome as CallOutcome;
            if (result.called) return;
            if (ended.ok) result.callback(ended.value as T);
            else result.errback(rebuildError(ended.error));
          } finally {
            done();
          }
        }),
      (error: unknown) =>
        deliver(() => {
          try {
            if (!result.called) result.errback(this.explain(error, exportName));
          } finally {
            done();
          }
        }),
    );
    return result;
  }

  /**
   * Fires once no submitted work is pending (at once if none is), or after closeTimeout seconds
   * at the latest — so a task that never ends cannot hold up reactor shutdown for ever.
   */
  settle(): Deferred<void> {
    const settled = new Deferred<void>();
    if (this.pending === 0) {
      settled.callback(undefined);
      return settled;
    }
    let timer: IDelayedCall | null = null;
    const wake = (): void => {
      if (timer?.active()) timer.cancel();
      if (!settled.called) settled.callback(undefined);
    };
    timer = this.reactor.callLater(this.closeTimeout, wake);
    this.idleWaiters.push(wake);
    return settled;
  }

  /**
   * Stop taking work, wait (up to closeTimeout seconds) for submitted work to finish, then end
   * the threads. Fires once they have exited. Calling it again returns the same outcome.
   */
  close(): Deferred<void> {
    if (this.closing === null) {
      for (const trigger of this.triggers.splice(0)) {
        try {
          this.reactor.removeSystemEventTrigger(trigger);
        } catch {
          // Some reactors forget triggers once they fired; nothing is left to remove then.
        }
      }
      const settled = this.settle().asPromise();
      this.closing = settled
        .then(() => this.piscina.destroy())
        .finally(() => {
          for (const listener of this.closeListeners.splice(0)) listener();
        });
    }
    return Deferred.fromPromise(this.closing);
  }

  /** Call `listener` once close() has finished (used by the per-reactor registry). */
  onClosed(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  private wakeIdleWaiters(): void {
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Turn piscina's rejection into the error a caller can act on. */
  private explain(error: unknown, exportName: string): unknown {
    if (this.closed) {
      const closed = new ThreadPoolClosedError(this.description);
      Object.defineProperty(closed, 'cause', { value: error });
      return closed;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (/could not be cloned/i.test(message)) {
      return new ThreadDataCloneError(`A value passed to or returned by ${exportName}()`, error);
    }
    return error;
  }
}

function checkCount(option: string, value: number, least: number): number {
  if (!Number.isInteger(value) || value < least) {
    throw new InvalidThreadPoolOptionError(option, value, `an integer >= ${least}`);
  }
  return value;
}

function checkSeconds(option: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new InvalidThreadPoolOptionError(option, value, 'a finite number of seconds >= 0');
  }
  return value;
}
