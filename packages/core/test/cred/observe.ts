import type { Deferred, Failure } from '../../src/index.js';

/** Watch a Deferred without awaiting it, so virtual-time tests can check it has not fired yet. */
export interface Observed<T> {
  readonly fired: boolean;
  readonly value: T | undefined;
  readonly error: unknown;
}

export function observe<T>(d: Deferred<T>): Observed<T> {
  const seen: { fired: boolean; value: T | undefined; error: unknown } = {
    fired: false,
    value: undefined,
    error: undefined,
  };
  d.addCallbacks(
    (value) => {
      seen.fired = true;
      seen.value = value;
    },
    (failure: Failure) => {
      seen.fired = true;
      seen.error = failure.value;
    },
  );
  return seen;
}
