/** Any class whose instances can be thrown: what trap() and check() accept. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructors of any arity
export type ErrorClass = abstract new (...args: any[]) => unknown;

const OBSERVED = Symbol('tw.failure.observed');

/**
 * An error travelling down a Deferred's errback chain, with the stack of where it was raised
 * and, once awaited, the stack of where it was awaited. Thrown values that are not Errors
 * (strings, plain objects) are kept as they are in `value`.
 */
export class Failure<E = unknown> {
  /** What was thrown or passed to errback(). */
  readonly value: E;
  /** The stack of where a Deferred holding this failure was awaited, when it was. */
  awaitedAt: string | undefined;
  [OBSERVED] = false;

  constructor(value: E) {
    this.value = value;
  }

  /** `value` if it is already a Failure, else a new Failure wrapping it. */
  static from<E>(value: E | Failure<E>): Failure<E> {
    return value instanceof Failure ? value : new Failure(value);
  }

  /** The class of `value`, or undefined when a non-object was thrown. */
  get type(): ErrorClass | undefined {
    const value = this.value as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    return (value as { constructor?: ErrorClass }).constructor;
  }

  /** The stack of where `value` was raised (the error's own stack, or just its message). */
  get stack(): string {
    const value = this.value as { stack?: unknown };
    if (value instanceof Error && typeof value.stack === 'string') return value.stack;
    return `${describe(this.value)}\n    (no stack: a non-Error value was thrown)`;
  }

  /** The first of `types` that `value` is an instance of, or null. */
  check<T extends ErrorClass>(...types: T[]): T | null {
    for (const type of types) {
      if (this.value instanceof type) return type;
    }
    return null;
  }

  /**
   * Like check(), but rethrows this Failure's value when none matches: the idiom
   * `addErrback(f => { f.trap(ConnectionDone); … })` handles only what it expects.
   */
  trap<T extends ErrorClass>(...types: T[]): T {
    const matched = this.check(...types);
    if (matched === null) throw this.value;
    return matched;
  }

  /** Throw the wrapped value. */
  raiseException(): never {
    throw this.value;
  }

  getErrorMessage(): string {
    const value = this.value as unknown;
    if (value instanceof Error) return value.message;
    return describe(value);
  }

  /** The raise stack, then the await stack if there is one. */
  getTraceback(): string {
    return this.awaitedAt === undefined
      ? this.stack
      : `${this.stack}\n  awaited at:\n${this.awaitedAt.split('\n').slice(1).join('\n')}`;
  }

  toString(): string {
    const type = this.type as { name?: string } | undefined;
    return `[Failure ${type?.name ?? typeof this.value}: ${this.getErrorMessage()}]`;
  }
}

/** Marks a failure as seen by someone (awaited, logged), so it is not reported as unhandled. */
export function markObserved(failure: Failure): void {
  failure[OBSERVED] = true;
}

export function isObserved(failure: Failure): boolean {
  return failure[OBSERVED];
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
