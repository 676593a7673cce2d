/**
 * Conditional requests (RFC 9110 §13): evaluate If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since and If-Range against a representation's validators, in the order of §13.2.2.
 * Pure: the caller gathers the header values and the validators and acts on the answer.
 */
import { parseHTTPDate } from '../wire/http-date.js';
import { type EntityTag, parseETag, parseETagList, strongMatch, weakMatch } from './etag.js';

/** The request fields that matter, each as all its field lines (empty when absent). */
export interface ConditionalRequest {
  readonly method: string;
  readonly ifMatch: readonly string[];
  readonly ifNoneMatch: readonly string[];
  readonly ifModifiedSince: readonly string[];
  readonly ifUnmodifiedSince: readonly string[];
  readonly ifRange: readonly string[];
  /** Whether the request carries a Range header (If-Range means nothing without one). */
  readonly hasRange: boolean;
}

/** The selected representation's validators. */
export interface RepresentationValidators {
  /** Its entity-tag, or null when it has none. */
  readonly etag: EntityTag | null;
  /** Last-Modified in epoch milliseconds (whole seconds count), or null. */
  readonly lastModified: number | null;
  /** The server's clock, epoch milliseconds: dates in the future are not valid validators. */
  readonly now: number;
}

/**
 * - `proceed`: perform the method; `useRange` says whether to honour the Range header (false
 *   when If-Range did not match, so the whole representation goes out with 200).
 * - `not-modified`: answer 304 with no body.
 * - `precondition-failed`: answer 412.
 */
export type ConditionalOutcome =
  | { readonly kind: 'proceed'; readonly useRange: boolean }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'precondition-failed' };

/**
 * Evaluate the preconditions as §13.2.2 orders them:
 * 1. If-Match: false → 412; true → go to 3.
 * 2. (no If-Match) If-Unmodified-Since: false → 412.
 * 3. If-None-Match: false → 304 for GET/HEAD, else 412; true → go to 5.
 * 4. (no If-None-Match, GET/HEAD) If-Modified-Since: false → 304.
 * 5. (GET with Range) If-Range: false → ignore Range.
 *
 * Only call this for a representation that exists and would otherwise get a 2xx answer; a 404
 * ignores preconditions.
 */
export function evaluatePreconditions(
  request: ConditionalRequest,
  validators: RepresentationValidators,
): ConditionalOutcome {
  const isGetOrHead = request.method === 'GET' || request.method === 'HEAD';
  if (request.ifMatch.length > 0) {
    if (!ifMatchPasses(request.ifMatch, validators.etag)) return { kind: 'precondition-failed' };
  } else if (request.ifUnmodifiedSince.length === 1) {
    // An invalid date, or a field with several members, is ignored (§13.1.4).
    const since = parseHTTPDate(request.ifUnmodifiedSince[0]!.trim());
    if (since !== null && validators.lastModified !== null) {
      if (wholeSeconds(validators.lastModified) > since) return { kind: 'precondition-failed' };
    }
  }
  if (request.ifNoneMatch.length > 0) {
    if (!ifNoneMatchPasses(request.ifNoneMatch, validators.etag)) {
      return isGetOrHead ? { kind: 'not-modified' } : { kind: 'precondition-failed' };
    }
  } else if (isGetOrHead && request.ifModifiedSince.length === 1) {
    const since = parseHTTPDate(request.ifModifiedSince[0]!.trim());
    // A date later than the server's clock is not valid (§13.1.3 via RFC 7232 §3.3): a client
    // with a clock ahead of ours must not pin an old copy in its cache.
    if (since !== null && since <= validators.now && validators.lastModified !== null) {
      if (wholeSeconds(validators.lastModified) <= since) return { kind: 'not-modified' };
    }
  }
  // Range is defined for GET only (§14.2): HEAD and every other method ignore it.
  const useRange =
    request.hasRange &&
    request.method === 'GET' &&
    (request.ifRange.length === 0 || ifRangePasses(request.ifRange, validators));
  return { kind: 'proceed', useRange };
}

/** If-Match (§13.1.1): `*` matches any current representation; otherwise strong comparison. */
export function ifMatchPasses(values: readonly string[], etag: EntityTag | null): boolean {
  const list = parseETagList(values.join(','));
  // Only called for a representation that exists, so `*` always matches.
  if (list === '*') return true;
  if (list === null || etag === null) return false;
  return list.some((candidate) => strongMatch(candidate, etag));
}

/** If-None-Match (§13.1.2): passes when nothing matches; weak comparison; `*` matches all. */
export function ifNoneMatchPasses(values: readonly string[], etag: EntityTag | null): boolean {
  const list = parseETagList(values.join(','));
  if (list === '*') return false;
  if (list === null || etag === null) return true;
  return !list.some((candidate) => weakMatch(candidate, etag));
}

/**
 * If-Range (§13.1.5): an entity-tag must match strongly; a date must equal Last-Modified exactly
 * and Last-Modified must itself be strong — at least one second older than now, since a file
 * changed twice within one second keeps its Last-Modified (§8.8.2.2). A weak tag, a malformed
 * value or several field lines never match.
 */
export function ifRangePasses(
  values: readonly string[],
  validators: RepresentationValidators,
): boolean {
  if (values.length !== 1) return false;
  const value = values[0]!.trim();
  if (value.startsWith('"') || value.startsWith('W/')) {
    const tag = parseETag(value);
    return tag !== null && validators.etag !== null && strongMatch(tag, validators.etag);
  }
  const date = parseHTTPDate(value);
  if (date === null || validators.lastModified === null) return false;
  const lastModified = wholeSeconds(validators.lastModified);
  return date === lastModified && validators.now - lastModified >= 1000;
}

/** HTTP dates have one-second resolution: compare file times the same way. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
