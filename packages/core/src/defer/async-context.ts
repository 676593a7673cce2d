/**
 * Async context (AsyncLocalStorage) propagation into Deferred callbacks, as Promise.then does:
 * a callback added to a Deferred that cannot run it yet runs, later, inside the async context
 * that was current when it was added — even when the Deferred fires from elsewhere. Callbacks
 * that run at once (added to a fired Deferred) run in the caller's context and capture nothing.
 *
 * How a context is captured:
 *
 * - By default, one `AsyncResource` per callback: every enabled AsyncLocalStorage copies its
 *   store into a resource when the resource is created, and `runInAsyncScope` restores them.
 *   Correct on every Node line and for every storage, including ones we do not know about.
 *   On Node 20, `AsyncLocalStorage.snapshot()` and `AsyncResource.bind` cost 7–12 µs each
 *   (they build a bound function); `new AsyncResource()` ~25 ns and `runInAsyncScope` ~7 ns.
 * - Shortcut, only where the implementation is recognised as Node 20–22's async_hooks-based
 *   AsyncLocalStorage: while no async_hooks init hook exists, no storage is enabled, so every
 *   store reads undefined and there is nothing to capture. An enabled storage installs an init
 *   hook, and while one exists Node tags each new Promise with its async id; so a Promise with
 *   no async id means "no storage can hold a store right now" (~7 ns to check, against ~25 ns
 *   for the resource). The callback then gets the shared EMPTY_CONTEXT, which runs it directly
 *   when still no init hook exists, and otherwise (a storage was enabled meanwhile) in a fresh
 *   resource that holds no store — as a Promise reaction registered then would see.
 *   Once an init hook has been seen, every later capture takes the resource path (storages are
 *   rarely disabled, and the check itself costs ~25 ns while hooks are on).
 *   Node ≥ 24's AsyncContextFrame storage (no per-resource symbols) is not recognised and keeps
 *   the resource path. Numbers and the options measured are in docs/deferred.md.
 *
 * `node:async_hooks` is reached through process.getBuiltinModule (Node ≥ 20.16), so this module
 * also loads in browsers, where there is no async context to carry.
 */

/** The part of node:async_hooks' AsyncResource that is used here. */
export interface AsyncContext {
  runInAsyncScope<R>(fn: (value: never) => R, thisArg: unknown, value: unknown): R;
}

type AsyncResourceClass = new (type: string) => AsyncContext;

interface AsyncHooksModule {
  AsyncResource?: AsyncResourceClass;
  AsyncLocalStorage?: new () => object;
}

const asyncHooks: AsyncHooksModule | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  // eslint-disable-next-line n/no-unsupported-features/node-builtins -- in 20.16+; feature-tested, absent in browsers
  return proc?.getBuiltinModule?.('node:async_hooks') as AsyncHooksModule | undefined;
})();

const AsyncResourceCtor: AsyncResourceClass | undefined = asyncHooks?.AsyncResource;

/**
 * Node's internal `async_id_symbol`, when AsyncLocalStorage is the async_hooks-based one
 * (Node 20–22: each instance has a `kResourceStore` symbol and a `_propagate` method, and
 * AsyncResource keeps its id under `async_id_symbol`); undefined for any other implementation,
 * which disables the shortcut.
 */
const asyncIdSymbol: symbol | undefined = (() => {
  const Storage = asyncHooks?.AsyncLocalStorage;
  if (AsyncResourceCtor === undefined || Storage === undefined) return undefined;
  // A storage that is never run() stays disabled: constructing one installs no hook.
  const probe = new Storage() as { kResourceStore?: unknown; _propagate?: unknown };
  if (typeof probe.kResourceStore !== 'symbol' || typeof probe._propagate !== 'function') {
    return undefined;
  }
  const resource = new AsyncResourceCtor('tw.Deferred.probe');
  return Object.getOwnPropertySymbols(resource).find((s) => s.description === 'async_id_symbol');
})();

const noop = (): void => undefined;

/** True when an async_hooks init hook exists now: new Promises get an async id. */
function initHookExists(): boolean {
  return (new Promise(noop) as unknown as Record<symbol, unknown>)[asyncIdSymbol!] !== undefined;
}

/** False until an init hook (and so possibly a storage) has been seen; then true for good. */
let hooksSeen = asyncIdSymbol === undefined || initHookExists();

/**
 * A resource made while no init hook existed, so no storage copied a store into it. No user code
 * ever runs inside it (it only parents the empty resources below), so none can be stored on it.
 */
const emptyParent: AsyncContext | undefined = hooksSeen
  ? undefined
  : new AsyncResourceCtor!('tw.Deferred.empty');

function newResource(): AsyncContext {
  return new AsyncResourceCtor!('tw.Deferred');
}

/**
 * The context of a callback added while no storage could hold a store: every store reads
 * undefined. Shared by all such callbacks; it holds no state.
 */
export const EMPTY_CONTEXT: AsyncContext = {
  runInAsyncScope<R>(fn: (value: never) => R, thisArg: unknown, value: unknown): R {
    if (!initHookExists()) return fn.call(thisArg, value as never);
    // A storage was enabled since the callback was added (maybe the firer runs inside one):
    // run it in a new resource created inside the empty parent, so it inherits no store.
    const resource = emptyParent!.runInAsyncScope(newResource, undefined, undefined);
    return resource.runInAsyncScope(fn, thisArg, value);
  },
};

/**
 * True when running a callback captured as EMPTY_CONTEXT directly, in the caller's context, is
 * the same as running it in an empty one: no init hook exists, so no storage is enabled and
 * every store reads undefined wherever it runs.
 */
export function noStoreCanBeActive(): boolean {
  return !initHookExists();
}

let propagationEnabled = AsyncResourceCtor !== undefined;

/**
 * Turn async-context propagation into Deferred callbacks off (or back on) for callbacks added
 * from now on. On by default wherever `node:async_hooks` exists. Off, callbacks run in the
 * context of whoever fires the Deferred; it saves ~7 ns per callback added to a pending Deferred
 * when no AsyncLocalStorage is in use (Node 20–22), ~30 ns when one is.
 */
export function setAsyncContextPropagation(enabled: boolean): void {
  propagationEnabled = enabled && AsyncResourceCtor !== undefined;
}

/** The current async context, to run a callback in later; undefined when there is none to carry. */
export function captureContext(): AsyncContext | undefined {
  if (!propagationEnabled) return undefined;
  if (!hooksSeen) {
    if (!initHookExists()) return EMPTY_CONTEXT;
    hooksSeen = true;
  }
  return newResource();
}

/**
 * Which capture is in use, for tests and benchmarks: 'off' (propagation disabled or no
 * node:async_hooks), 'empty' (the shortcut: no init hook exists), 'resource'.
 * @internal
 */
export function captureMode(): 'off' | 'empty' | 'resource' {
  if (!propagationEnabled) return 'off';
  return !hooksSeen && !initHookExists() ? 'empty' : 'resource';
}
