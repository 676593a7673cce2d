/**
 * Async context (AsyncLocalStorage) propagation into Deferred callbacks, as Promise.then does:
 * a callback added to a Deferred that cannot run it yet runs, later, inside the async context
 * that was current when it was added — even when the Deferred fires from elsewhere. Callbacks
 * that run at once (added to a fired Deferred) run in the caller's context and capture nothing.
 *
 * Why an AsyncResource and not AsyncLocalStorage.snapshot(): on Node 20, snapshot() (and
 * AsyncResource.bind) cost 7–12 µs each — they build a bound function and redefine its
 * properties — while `new AsyncResource()` costs ~30 ns and `runInAsyncScope` ~8 ns. Both carry
 * every AsyncLocalStorage's store the same way (stores are copied into a resource when it is
 * created). Numbers and the options measured are in docs/deferred.md.
 *
 * `node:async_hooks` is reached through process.getBuiltinModule (Node ≥ 20.16), so this module
 * also loads in browsers, where there is no async context to carry.
 */

/** The part of node:async_hooks' AsyncResource that is used here. */
export interface AsyncContext {
  runInAsyncScope<R>(fn: (value: never) => R, thisArg: unknown, value: unknown): R;
}

type AsyncResourceClass = new (type: string) => AsyncContext;

const AsyncResourceCtor: AsyncResourceClass | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  // eslint-disable-next-line n/no-unsupported-features/node-builtins -- in 20.16+; feature-tested, absent in browsers
  const hooks = proc?.getBuiltinModule?.('node:async_hooks') as
    { AsyncResource?: AsyncResourceClass } | undefined;
  return hooks?.AsyncResource;
})();

let propagationEnabled = AsyncResourceCtor !== undefined;

/**
 * Turn async-context propagation into Deferred callbacks off (or back on) for callbacks added
 * from now on. On by default wherever `node:async_hooks` exists; turning it off saves ~30 ns per
 * callback added to a pending Deferred, for programs that use no AsyncLocalStorage at all.
 */
export function setAsyncContextPropagation(enabled: boolean): void {
  propagationEnabled = enabled && AsyncResourceCtor !== undefined;
}

/** The current async context, to run a callback in later; undefined when there is none to carry. */
export function captureContext(): AsyncContext | undefined {
  return propagationEnabled ? new AsyncResourceCtor!('tw.Deferred') : undefined;
}
