import { Deferred } from './deferred.js';

/** What became of a Deferred or promise, read without awaiting it (see watchOutcome). */
export interface Outcome<T> {
  /** True once it fired, either way. */
  settled(): boolean;
  /** Its value; throws what it failed with. Call only once settled() is true. */
  take(): T;
}

/**
 * Watch `awaitable` so a loop that drives time (a virtual clock, a test harness) can ask after
 * each step whether it has settled, and then take its value or error. A Deferred is watched in
 * place (its chain continues unchanged); anything else goes through Deferred.fromPromise.
 */
export function watchOutcome<T>(awaitable: Deferred<T> | PromiseLike<T>): Outcome<T> {
  let settled = false;
  let failed = false;
  let value: T | undefined;
  let failure: unknown;
  const deferred =
    awaitable instanceof Deferred ? awaitable : Deferred.fromPromise(Promise.resolve(awaitable));
  deferred.addCallbacks(
    (result) => {
      settled = true;
      value = result;
      return result;
    },
    (reason) => {
      settled = true;
      failed = true;
      failure = reason.value;
      return undefined;
    },
  );
  return {
    settled: () => settled,
    take: () => {
      if (failed) throw failure;
      return value as T;
    },
  };
}
