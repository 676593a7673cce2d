import { describe, expect, it } from 'vitest';

import {
  type ConditionalRequest,
  evaluatePreconditions,
  ifRangePasses,
} from '../../src/static/conditional.js';
import type { EntityTag } from '../../src/static/etag.js';

const ETAG: EntityTag = { weak: false, opaque: '"v1"' };
const LAST_MODIFIED = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const NOW = Date.UTC(2024, 5, 1);
const validators = { etag: ETAG, lastModified: LAST_MODIFIED, now: NOW };
const LM = 'Tue, 02 Jan 2024 03:04:05 GMT';
const BEFORE = 'Tue, 02 Jan 2024 03:04:04 GMT';
const AFTER = 'Tue, 02 Jan 2024 03:04:06 GMT';

function request(fields: Partial<ConditionalRequest> = {}): ConditionalRequest {
  return {
    method: 'GET',
    ifMatch: [],
    ifNoneMatch: [],
    ifModifiedSince: [],
    ifUnmodifiedSince: [],
    ifRange: [],
    hasRange: false,
    ...fields,
  };
}

const evaluate = (fields: Partial<ConditionalRequest>) =>
  evaluatePreconditions(request(fields), validators).kind;

describe('evaluatePreconditions', () => {
  it('proceeds without preconditions', () => {
    expect(evaluatePreconditions(request(), validators)).toEqual({
      kind: 'proceed',
      useRange: false,
    });
  });

  describe('If-Match (strong comparison)', () => {
    it('passes on a strong match or *', () => {
      expect(evaluate({ ifMatch: ['"v1"'] })).toBe('proceed');
      expect(evaluate({ ifMatch: ['"x", "v1"'] })).toBe('proceed');
      expect(evaluate({ ifMatch: ['"x"', '"v1"'] })).toBe('proceed');
      expect(evaluate({ ifMatch: ['*'] })).toBe('proceed');
    });
    it('fails with 412 on no match, a weak tag or garbage', () => {
      expect(evaluate({ ifMatch: ['"v2"'] })).toBe('precondition-failed');
      expect(evaluate({ ifMatch: ['W/"v1"'] })).toBe('precondition-failed');
      expect(evaluate({ ifMatch: ['v1'] })).toBe('precondition-failed');
    });
    it('takes precedence over If-Unmodified-Since', () => {
      expect(evaluate({ ifMatch: ['"v1"'], ifUnmodifiedSince: [BEFORE] })).toBe('proceed');
    });
  });

  describe('If-Unmodified-Since', () => {
    it('fails when modified after the date, at one-second resolution', () => {
      expect(evaluate({ ifUnmodifiedSince: [BEFORE] })).toBe('precondition-failed');
      expect(evaluate({ ifUnmodifiedSince: [LM] })).toBe('proceed');
      expect(evaluate({ ifUnmodifiedSince: [AFTER] })).toBe('proceed');
    });
    it('is ignored when invalid or repeated', () => {
      expect(evaluate({ ifUnmodifiedSince: ['yesterday'] })).toBe('proceed');
      expect(evaluate({ ifUnmodifiedSince: [BEFORE, BEFORE] })).toBe('proceed');
    });
  });

  describe('If-None-Match (weak comparison)', () => {
    it('answers 304 for GET and HEAD on a match, weak or strong, or *', () => {
      expect(evaluate({ ifNoneMatch: ['"v1"'] })).toBe('not-modified');
      expect(evaluate({ ifNoneMatch: ['W/"v1"'] })).toBe('not-modified');
      expect(evaluate({ ifNoneMatch: ['"a", W/"v1"'] })).toBe('not-modified');
      expect(evaluate({ ifNoneMatch: ['*'] })).toBe('not-modified');
      expect(evaluate({ method: 'HEAD', ifNoneMatch: ['"v1"'] })).toBe('not-modified');
    });
    it('answers 412 for other methods', () => {
      expect(evaluate({ method: 'PUT', ifNoneMatch: ['*'] })).toBe('precondition-failed');
    });
    it('proceeds when nothing matches or the value is garbage', () => {
      expect(evaluate({ ifNoneMatch: ['"v2"'] })).toBe('proceed');
      expect(evaluate({ ifNoneMatch: ['v1'] })).toBe('proceed');
    });
    it('makes If-Modified-Since ignored (§13.1.3)', () => {
      expect(evaluate({ ifNoneMatch: ['"v2"'], ifModifiedSince: [AFTER] })).toBe('proceed');
    });
  });

  describe('If-Modified-Since', () => {
    it('answers 304 when not modified since the date', () => {
      expect(evaluate({ ifModifiedSince: [LM] })).toBe('not-modified');
      expect(evaluate({ ifModifiedSince: [AFTER] })).toBe('not-modified');
      expect(evaluate({ ifModifiedSince: [BEFORE] })).toBe('proceed');
    });
    it('accepts the obsolete date formats', () => {
      expect(evaluate({ ifModifiedSince: ['Tuesday, 02-Jan-24 03:04:05 GMT'] })).toBe(
        'not-modified',
      );
      expect(evaluate({ ifModifiedSince: ['Tue Jan  2 03:04:05 2024'] })).toBe('not-modified');
    });
    it('is ignored when invalid, repeated, in the future, or for other methods', () => {
      expect(evaluate({ ifModifiedSince: ['soon'] })).toBe('proceed');
      expect(evaluate({ ifModifiedSince: [LM, LM] })).toBe('proceed');
      expect(evaluate({ ifModifiedSince: ['Sat, 01 Jan 2050 00:00:00 GMT'] })).toBe('proceed');
      expect(evaluate({ method: 'POST', ifModifiedSince: [LM] })).toBe('proceed');
    });
  });

  it('checks If-Match before If-None-Match', () => {
    expect(evaluate({ ifMatch: ['"nope"'], ifNoneMatch: ['"v1"'] })).toBe('precondition-failed');
    expect(evaluate({ ifMatch: ['"v1"'], ifNoneMatch: ['"v1"'] })).toBe('not-modified');
  });

  describe('If-Range', () => {
    const withRange = (ifRange: string[], method = 'GET') =>
      evaluatePreconditions(request({ method, hasRange: true, ifRange }), validators);
    it('honours Range without If-Range', () => {
      expect(withRange([])).toEqual({ kind: 'proceed', useRange: true });
    });
    it('honours Range when the entity-tag matches strongly', () => {
      expect(withRange(['"v1"'])).toEqual({ kind: 'proceed', useRange: true });
      expect(withRange(['W/"v1"'])).toEqual({ kind: 'proceed', useRange: false });
      expect(withRange(['"v2"'])).toEqual({ kind: 'proceed', useRange: false });
    });
    it('honours Range when the date equals Last-Modified exactly', () => {
      expect(withRange([LM])).toEqual({ kind: 'proceed', useRange: true });
      expect(withRange([AFTER])).toEqual({ kind: 'proceed', useRange: false });
      expect(withRange(['garbage'])).toEqual({ kind: 'proceed', useRange: false });
    });
    it('ignores Range for methods other than GET', () => {
      expect(withRange([], 'HEAD')).toEqual({ kind: 'proceed', useRange: false });
    });
    it('treats a Last-Modified within the last second as weak', () => {
      // Modified at NOW-200 ms: its Last-Modified second ends at NOW.
      const fresh = { etag: ETAG, lastModified: NOW - 200, now: NOW - 100 };
      const date = new Date(NOW - 1000).toUTCString();
      expect(ifRangePasses([date], fresh)).toBe(false);
      expect(ifRangePasses([date], { ...fresh, now: NOW })).toBe(true);
    });
  });
});
