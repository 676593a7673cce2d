import type { Deferred } from '../defer/deferred.js';
import { ThreadPoolAlreadyCreatedError } from './errors.js';
import type { ModuleReference } from './module-url.js';
import { ThreadPool, type ThreadPoolOptions, type ThreadPoolReactor } from './thread-pool.js';

/**
 * Each reactor's own pool (Twisted's reactor.getThreadPool()). A WeakMap, so a reactor that is
 * dropped takes its pool's bookkeeping with it, and no reactor type has to know about threads.
 */
const poolsByReactor = new WeakMap<ThreadPoolReactor, ThreadPool>();

/**
 * The thread pool that belongs to `reactor`, created on first use. It closes when the reactor
 * shuts down (work already submitted is waited for, up to `closeTimeout`); the next call after
 * that creates a fresh pool. `options` apply when the pool is created: passing them once it
 * exists throws ThreadPoolAlreadyCreatedError, so configure it before the first deferToThread().
 */
export function getThreadPool(reactor: ThreadPoolReactor, options?: ThreadPoolOptions): ThreadPool {
  const existing = poolsByReactor.get(reactor);
  if (existing !== undefined && !existing.closed) {
    if (options !== undefined) throw new ThreadPoolAlreadyCreatedError();
    return existing;
  }
  const pool = new ThreadPool(reactor, { ...options, stopWithReactor: true });
  poolsByReactor.set(reactor, pool);
  pool.onClosed(() => {
    if (poolsByReactor.get(reactor) === pool) poolsByReactor.delete(reactor);
  });
  return pool;
}

/**
 * Run `moduleUrl`'s export `exportName` with `args` on `reactor`'s thread pool; the Deferred
 * fires on the reactor thread with its result (Twisted's threads.deferToThread).
 *
 * ```ts
 * // hash.js: export function sha256(bytes) { return createHash('sha256').update(bytes).digest('hex'); }
 * const hex = await deferToThread<string>(reactor, new URL('./hash.js', import.meta.url), 'sha256', bytes);
 * ```
 *
 * Arguments and the result are structured-cloned; see ThreadPool.run() for errors and cancel().
 */
export function deferToThread<T = unknown>(
  reactor: ThreadPoolReactor,
  moduleUrl: ModuleReference,
  exportName: string,
  ...args: unknown[]
): Deferred<T> {
  return getThreadPool(reactor).run<T>(moduleUrl, exportName, ...args);
}
