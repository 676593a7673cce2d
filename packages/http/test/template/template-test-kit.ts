import { Deferred } from '@tw/core';

export * from '../../src/index.js';
export type { IRequest } from '../../src/interfaces.js';

/** A Deferred that fires with `value` on a later microtask: pending when flatten() meets it. */
export function succeedLater<T>(value: T): Deferred<T> {
  const d = new Deferred<T>();
  queueMicrotask(() => d.callback(value));
  return d;
}
