import type { Deferred } from '@tw/core';
import type { IRequest } from '../interfaces.js';
import { flattenToSink } from './flattener.js';
import type { Flattenable } from './nodes.js';

/**
 * Serialise `root` to HTML, depth first, calling `write` with UTF-8 chunks as they are ready
 * (twisted.web.template.flatten). Text and attribute values are escaped; Deferreds, Promises
 * and async iterables are awaited in place, and everything before them is written first, so a
 * slow part in the middle does not hold back the head of the page.
 *
 * The Deferred fires when everything is written, or fails with a FlattenerError whose
 * `roots` give the path to the failing node and whose `cause` is the original error; nothing
 * more is written after a failure. Cancelling it stops flattening (and cancels the Deferred it
 * was waiting on).
 *
 * @param request passed to renderer methods, functions and Elements; may be null.
 */
export function flatten(
  request: IRequest | null,
  root: Flattenable,
  write: (chunk: Uint8Array) => void,
): Deferred<void> {
  const encoder = new TextEncoder();
  return flattenToSink(request, root, (text) => write(encoder.encode(text)));
}

/** Flatten `root` into one string (twisted.web.template.flattenString, as text rather than bytes). */
export function flattenString(request: IRequest | null, root: Flattenable): Deferred<string> {
  const parts: string[] = [];
  return flattenToSink(request, root, (text) => parts.push(text)).addCallback(() => parts.join(''));
}
