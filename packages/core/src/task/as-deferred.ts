import { Deferred } from '../defer/deferred.js';

/**
 * Call `fn` and return its outcome as a Deferred: a returned Deferred as it is, a thenable
 * wrapped, a plain value already fired, a throw already failed (Twisted's maybeDeferred).
 * Internal to task/: LoopingCall and Cooperator both accept functions that may be async.
 */
export function callAsDeferred(fn: () => unknown): Deferred<unknown> {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    return Deferred.fail(error);
  }
  return valueAsDeferred(result);
}

/** `value` as a Deferred: Deferreds pass through, thenables are wrapped, anything else fires now. */
export function valueAsDeferred(value: unknown): Deferred<unknown> {
  if (value instanceof Deferred) return value as Deferred<unknown>;
  if (isThenable(value)) return Deferred.fromPromise(value);
  return Deferred.succeed(value);
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
