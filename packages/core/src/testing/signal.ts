/**
 * A promise with its resolver outside, for tests that wait on a callback
 * (Promise.withResolvers is Node 22; the project supports Node 20).
 */
export interface Signal<T> {
  readonly promise: Promise<T>;
  /** Resolve the promise; later calls are ignored. */
  resolve(value: T): void;
  /** True once resolve() was called. */
  readonly fired: boolean;
}

/** A fresh, unresolved {@link Signal}. */
export function signal<T = void>(): Signal<T> {
  let resolveFn!: (value: T) => void;
  let fired = false;
  const promise = new Promise<T>((resolve) => {
    resolveFn = resolve;
  });
  return {
    promise,
    resolve(value: T) {
      fired = true;
      resolveFn(value);
    },
    get fired() {
      return fired;
    },
  };
}
