/**
 * Async context (AsyncLocalStorage) propagation into Deferred callbacks, as Promise.then does:
 * a callback added while a store is active runs inside that store even when the Deferred fires
 * from elsewhere. Only callbacks added to a Deferred that has not fired yet need this (others
 * run at once, in the caller's context), so the fast path pays nothing.
 *
 * `node:async_hooks` is reached through process.getBuiltinModule (Node ≥ 20.16) so this module
 * also loads in browsers, where there is no async context to carry.
 */
interface AsyncLocalStorageStatic {
  snapshot(): <R, A extends unknown[]>(fn: (...args: A) => R, ...args: A) => R;
}

type Binder = <F extends (value: never) => unknown>(fn: F) => F;

const AsyncLocalStorageClass: AsyncLocalStorageStatic | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const hooks = proc?.getBuiltinModule?.('node:async_hooks') as
    | { AsyncLocalStorage?: AsyncLocalStorageStatic }
    | undefined;
  return hooks?.AsyncLocalStorage;
})();

let propagationEnabled = AsyncLocalStorageClass !== undefined;

/** Turn context propagation off (or back on) for callbacks added from now on. */
export function setAsyncContextPropagation(enabled: boolean): void {
  propagationEnabled = enabled && AsyncLocalStorageClass !== undefined;
}

/** A function that binds callbacks to the current async context, or null when there is none. */
export function captureContext(): Binder | null {
  if (!propagationEnabled) return null;
  const runInSnapshot = AsyncLocalStorageClass!.snapshot();
  return ((fn: (value: unknown) => unknown) => (value: unknown) => runInSnapshot(fn, value)) as Binder;
}
