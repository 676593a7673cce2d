import { CancelledError } from '../errors/defer.js';
import {
  DatabaseDriverNotInstalledError,
  NotOnWorkerThreadError,
  ThreadDataCloneError,
  ThreadExportNotFoundError,
  TransactionClosedError,
  UnsupportedDatabaseDriverError,
} from './errors.js';

/**
 * An error as it crosses between threads. Structured cloning keeps only an Error's message and
 * stack (a subclass comes back as a plain Error, `code` and other fields are dropped), so errors
 * are flattened to this shape on one side and rebuilt on the other.
 */
export type SerializedError =
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      /** Own enumerable fields that could be cloned (code, errno, …). */
      readonly fields: Record<string, unknown>;
      readonly cause?: SerializedError;
    }
  | { readonly kind: 'value'; readonly value: unknown };

const TW_ERROR_BRAND = Symbol.for('tw.error');
const MAX_CAUSE_DEPTH = 4;

/** Classes rebuilt with their own prototype, so instanceof and Failure.check() work. */
const KNOWN_CLASSES: Record<string, { prototype: Error }> = {
  TW_THREADS_DRIVER_NOT_INSTALLED: DatabaseDriverNotInstalledError,
  TW_THREADS_DRIVER_UNSUPPORTED: UnsupportedDatabaseDriverError,
  TW_THREADS_EXPORT_NOT_FOUND: ThreadExportNotFoundError,
  TW_THREADS_NOT_ON_WORKER: NotOnWorkerThreadError,
  TW_THREADS_DATA_CLONE: ThreadDataCloneError,
  TW_THREADS_TRANSACTION_CLOSED: TransactionClosedError,
  TW_DEFER_CANCELLED: CancelledError,
};

const BUILTIN_CLASSES: Record<string, { prototype: Error }> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Flatten `thrown` (an Error or any value) for postMessage. */
export function serializeError(thrown: unknown, depth = 0): SerializedError {
  if (!(thrown instanceof Error)) {
    return { kind: 'value', value: isCloneable(thrown) ? thrown : String(thrown) };
  }
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(thrown)) {
    if (key === 'cause' || key === 'message' || key === 'stack') continue;
    if (isCloneable(value)) fields[key] = value;
  }
  const twCode = (thrown as unknown as Record<symbol, unknown>)[TW_ERROR_BRAND];
  if (typeof twCode === 'string') fields.code = twCode;
  const serialized = {
    kind: 'error' as const,
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack,
    fields,
  };
  const cause = thrown.cause;
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    return { ...serialized, cause: serializeError(cause, depth + 1) };
  }
  return serialized;
}

/**
 * Rebuild an error flattened by serializeError(). Built-in error types and @tw's own thread
 * errors come back as instances of their class; other classes come back as an Error with the
 * original `name`. The stack is the one from the thread that threw. TwErrors of any area keep
 * their brand, so isTwError(error, code) still works.
 */
export function rebuildError(serialized: SerializedError): unknown {
  if (serialized.kind === 'value') return serialized.value;
  const code = serialized.fields.code;
  const known = typeof code === 'string' ? KNOWN_CLASSES[code] : undefined;
  const prototype = (known ?? BUILTIN_CLASSES[serialized.name] ?? Error).prototype;
  const error = Object.create(prototype) as Error;
  define(error, 'message', serialized.message);
  define(error, 'stack', serialized.stack ?? `${serialized.name}: ${serialized.message}`);
  if (prototype.name !== serialized.name) define(error, 'name', serialized.name);
  Object.assign(error, serialized.fields);
  if (typeof code === 'string' && code.startsWith('TW_')) {
    Object.defineProperty(error, TW_ERROR_BRAND, { value: code });
  }
  if (serialized.cause !== undefined) define(error, 'cause', rebuildError(serialized.cause));
  return error;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

function isCloneable(value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    return typeof value !== 'function' && typeof value !== 'symbol';
  }
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
