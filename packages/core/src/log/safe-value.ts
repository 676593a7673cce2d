import { Failure } from '../defer/failure.js';
import { REDACTED, isSensitiveFieldName } from './redaction.js';

/**
 * Turning arbitrary field values into text or JSON without ever throwing: log calls happen in
 * error paths, where the values are the least trustworthy (half-built objects, Proxies, cycles).
 */

/** Objects nested deeper than this are cut off; a log line is not a heap dump. */
const MAX_DEPTH = 8;
/** Array items and object keys kept per level. */
const MAX_ENTRIES = 1000;
/** Bytes of a Uint8Array shown as hex. */
const MAX_BYTES_SHOWN = 64;

/** A JSON-compatible value. */
export type JSONSafe = null | boolean | number | string | JSONSafe[] | { [key: string]: JSONSafe };

/** The marker rendered in place of a value whose conversion threw. */
export function unformattable(error: unknown): string {
  return `[unformattable: ${describeError(error)}]`;
}

function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return typeof error === 'string' ? error : typeof error;
  } catch {
    return 'error while describing the error';
  }
}

/** `Uint8Array(5) 68656c6c6f`, truncated after 64 bytes. */
export function bytesText(bytes: Uint8Array): string {
  let hex = '';
  const shown = Math.min(bytes.length, MAX_BYTES_SHOWN);
  for (let i = 0; i < shown; i++) hex += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return `Uint8Array(${bytes.length}) ${hex}${bytes.length > shown ? '…' : ''}`;
}

/**
 * `value` as text for a "{field}" placeholder: strings as they are, objects with their own
 * toString() (Errors, Failures, URLs) through it, plain objects and arrays as JSON with
 * credentials redacted. Never throws.
 */
export function stringifyValue(value: unknown): string {
  try {
    switch (typeof value) {
      case 'string':
        return value;
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'undefined':
      case 'symbol':
        return String(value);
      case 'function':
        return functionText(value);
      case 'object':
        if (value === null) return 'null';
        if (value instanceof Uint8Array) return bytesText(value);
        if (value instanceof Date) return dateText(value);
        if (hasOwnToString(value)) return String(value);
        return JSON.stringify(toJSONSafe(value));
    }
  } catch (error) {
    return unformattable(error);
  }
}

function hasOwnToString(value: object): boolean {
  const toString = (value as { toString?: unknown }).toString;
  return (
    typeof toString === 'function' &&
    toString !== Object.prototype.toString &&
    toString !== Array.prototype.toString
  );
}

function functionText(fn: { readonly name: string }): string {
  return `[Function ${fn.name === '' ? '(anonymous)' : fn.name}]`;
}

function dateText(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString();
}

/**
 * `value` as something JSON.stringify accepts and renders faithfully: cycles become
 * "[Circular]", BigInts decimal strings, bytes hex text, Errors {name, message, stack},
 * Maps and Sets arrays, and properties with credential names "[redacted]". Never throws.
 */
export function toJSONSafe(value: unknown): JSONSafe {
  return convert(value, 0, []);
}

function convert(value: unknown, depth: number, ancestors: object[]): JSONSafe {
  try {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        // JSON has no NaN/Infinity; JSON.stringify would write null and lose the fact.
        return Number.isFinite(value) ? value : String(value);
      case 'bigint':
        return value.toString();
      case 'undefined':
        return null;
      case 'symbol':
        return value.toString();
      case 'function':
        return functionText(value);
      case 'object':
        if (value === null) return null;
        return convertObject(value, depth, ancestors);
    }
  } catch (error) {
    return unformattable(error);
  }
}

function convertObject(value: object, depth: number, ancestors: object[]): JSONSafe {
  if (ancestors.includes(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (value instanceof Uint8Array) return bytesText(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength} bytes)`;
  if (value instanceof Date) return dateText(value);
  ancestors.push(value);
  try {
    return convertContainer(value, depth, ancestors);
  } finally {
    ancestors.pop();
  }
}

function convertContainer(value: object, depth: number, ancestors: object[]): JSONSafe {
  const next = (item: unknown): JSONSafe => convert(item, depth + 1, ancestors);
  if (value instanceof Failure) {
    return {
      type: failureTypeName(value),
      message: value.getErrorMessage(),
      traceback: value.getTraceback(),
    };
  }
  if (value instanceof Error) {
    const result: { [key: string]: JSONSafe } = { name: value.name, message: value.message };
    if (typeof value.stack === 'string') result['stack'] = value.stack;
    copyProperties(value, result, next);
    return result;
  }
  if (Array.isArray(value)) return limitedMap(value, next);
  if (value instanceof Map) return limitedMap([...value.entries()], ([k, v]) => [next(k), next(v)]);
  if (value instanceof Set) return limitedMap([...value.values()], next);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return next(toJSON.call(value));
  const result: { [key: string]: JSONSafe } = {};
  copyProperties(value, result, next);
  return result;
}

function limitedMap<T>(items: readonly T[], map: (item: T) => JSONSafe): JSONSafe[] {
  const result = items.slice(0, MAX_ENTRIES).map(map);
  if (items.length > MAX_ENTRIES) result.push(`… ${items.length - MAX_ENTRIES} more`);
  return result;
}

/** Own enumerable properties, each converted on its own so one throwing getter costs one value. */
function copyProperties(
  from: object,
  to: { [key: string]: JSONSafe },
  next: (item: unknown) => JSONSafe,
): void {
  const keys = Object.keys(from);
  for (const key of keys.slice(0, MAX_ENTRIES)) {
    if (isSensitiveFieldName(key)) {
      to[key] = REDACTED;
      continue;
    }
    try {
      to[key] = next((from as Record<string, unknown>)[key]);
    } catch (error) {
      to[key] = unformattable(error);
    }
  }
  if (keys.length > MAX_ENTRIES) to['…'] = `${keys.length - MAX_ENTRIES} more keys`;
}

/** The class name of a failure's value ("TypeError"), or its typeof for non-objects. */
export function failureTypeName(failure: Failure): string {
  try {
    const type = failure.type as { name?: unknown } | undefined;
    return typeof type?.name === 'string' && type.name !== '' ? type.name : typeof failure.value;
  } catch {
    return 'unknown';
  }
}
