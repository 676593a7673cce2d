import { describe, expectTypeOf, it } from 'vitest';
import {
  Deferred,
  DeferredList,
  gatherResults,
  maybeDeferred,
  race,
  succeed,
} from '../../src/index.js';
import type { DeferredListEntry, Failure } from '../../src/index.js';

describe('Deferred typing', () => {
  it('retypes the chain with each callback', () => {
    expectTypeOf(new Deferred<number>().addCallback((n) => String(n))).toEqualTypeOf<
      Deferred<string>
    >();
    expectTypeOf(new Deferred<number>().addCallback((n) => succeed(n > 0))).toEqualTypeOf<
      Deferred<boolean>
    >();
    expectTypeOf(new Deferred<number>().addCallback(async (n) => [n])).toEqualTypeOf<
      Deferred<number[]>
    >();
    expectTypeOf(new Deferred<number>().addErrback((f) => f.getErrorMessage())).toEqualTypeOf<
      Deferred<number | string>
    >();
    expectTypeOf(new Deferred<number>().addBoth((r) => r)).toEqualTypeOf<
      Deferred<number | Failure>
    >();
  });

  it('is awaitable with the value type', () => {
    expectTypeOf<Awaited<Deferred<string>>>().toEqualTypeOf<string>();
    expectTypeOf(succeed(1).asPromise()).toEqualTypeOf<Promise<number>>();
  });

  it('types the helpers', () => {
    expectTypeOf(gatherResults([succeed(1), succeed('a')] as const)).toEqualTypeOf<
      Deferred<[number, string]>
    >();
    expectTypeOf(race([succeed(1)])).toEqualTypeOf<Deferred<[index: number, value: number]>>();
    expectTypeOf(maybeDeferred((s: string) => s.length, 'abc')).toEqualTypeOf<Deferred<number>>();
    expectTypeOf(new DeferredList([succeed(1)])).toMatchTypeOf<
      Deferred<DeferredListEntry<number>[]>
    >();
  });
});
