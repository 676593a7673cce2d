import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt } from '@tw/core/testing/split-feeder';

import { Utf8Validator, isValidUtf8 } from '../../src/websocket/utf8-validator.js';

const hex = (s: string): Uint8Array => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const strict = new TextDecoder('utf-8', { fatal: true });
function referenceValid(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The index of the byte at which the validator first reports failure, or -1. */
function failurePoint(bytes: Uint8Array): number {
  const validator = new Utf8Validator();
  for (let i = 0; i < bytes.length; i++) {
    if (!validator.update(bytes, i, i + 1)) return i;
  }
  return -1;
}

describe('Utf8Validator', () => {
  it.each([
    ['ASCII', '48656c6c6f'],
    ['κόσμε', 'cebae1bdb9cf83cebcceb5'],
    ['U+0080', 'c280'],
    ['U+07FF', 'dfbf'],
    ['U+0800', 'e0a080'],
    ['U+D7FF', 'ed9fbf'],
    ['U+E000', 'ee8080'],
    ['U+FFFF', 'efbfbf'],
    ['U+10000', 'f0908080'],
    ['U+10FFFF', 'f48fbfbf'],
    ['empty', ''],
  ])('accepts %s', (_name, bytes) => {
    expect(isValidUtf8(hex(bytes))).toBe(true);
  });

  it.each([
    ['a stray continuation byte', '80', 0],
    ['an overlong 2-byte form', 'c0af', 0],
    ['an overlong 3-byte form', 'e080af', 1],
    ['an overlong 4-byte form', 'f08080af', 1],
    ['a high surrogate', 'eda080', 1],
    ['a low surrogate', 'edbfbf', 1],
    ['a code point above U+10FFFF', 'f4908080', 1],
    ['byte F5', 'f5808080', 0],
    ['byte FF', 'ff', 0],
    ['a sequence cut by ASCII', 'e0a041', 2],
    // Autobahn 6.3.1: κόσμε followed by a surrogate; fails at the byte after ED.
    ['κόσμε + surrogate', 'cebae1bdb9cf83cebcceb5eda080656469746564', 12],
  ])('rejects %s at the first impossible byte', (_name, bytes, at) => {
    expect(isValidUtf8(hex(bytes))).toBe(false);
    expect(failurePoint(hex(bytes))).toBe(at);
  });

  it('is not complete in the middle of a sequence', () => {
    const validator = new Utf8Validator();
    expect(validator.update(hex('e282'))).toBe(true);
    expect(validator.isComplete()).toBe(false);
    expect(validator.update(hex('ac'))).toBe(true);
    expect(validator.isComplete()).toBe(true);
  });

  it('agrees with a strict TextDecoder on any bytes, split anywhere', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 40 }),
          fc.string({ unit: 'binary' }).map((s) => new TextEncoder().encode(s)),
        ),
        fc.array(fc.nat({ max: 40 })),
        (bytes, cuts) => {
          const validator = new Utf8Validator();
          let ok = true;
          for (const chunk of splitAt(bytes, cuts)) ok = validator.update(chunk) && ok;
          expect(ok && validator.isComplete()).toBe(referenceValid(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });
});
