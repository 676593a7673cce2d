import { describe, expect, it } from 'vitest';
import { AlreadyCalledError, Deferred, Failure, succeed, fail } from '../../src/index.js';

describe('Deferred callback chain', () => {
  it('a returned Failure switches to the errback path without throwing', () => {
    const seen: string[] = [];
    succeed(1)
      .addCallback(() => new Failure(new Error('returned')))
      .addCallback(() => seen.push('skipped'))
      .addErrback((f) => {
        seen.push(f.getErrorMessage());
      });
    expect(seen).toEqual(['returned']);
  });

  it('addCallbacks runs exactly one of the pair, and addBoth sees values and failures', () => {
    const seen: unknown[] = [];
    succeed(2).addCallbacks(
      (n) => seen.push(`cb${n}`),
      () => seen.push('eb'),
    );
    fail(new Error('x'))
      .addCallbacks(
        () => seen.push('cb'),
        (f) => seen.push(`eb:${f.getErrorMessage()}`),
      )
      .addBoth((r) => seen.push(r));
    expect(seen).toEqual(['cb2', 'eb:x', 2]);
  });

  it('an errback that rethrows stays on the errback path', () => {
    let message = '';
    fail(new TypeError('first'))
      .addErrback((f) => {
        f.trap(RangeError);
        return 'handled';
      })
      .addErrback((f) => {
        message = `${f.type === TypeError ? 'TypeError' : '?'}:${f.getErrorMessage()}`;
      });
    expect(message).toBe('TypeError:first');
  });

  it('callbacks added by a running callback run after the ones already queued', () => {
    const order: string[] = [];
    const d = new Deferred<number>();
    d.addCallback((n) => {
      order.push('a');
      d.addCallback(() => order.push('c'));
      return n;
    });
    d.addCallback((n) => {
      order.push('b');
      return n;
    });
    d.callback(0);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('a callback returning a pending Deferred pauses the chain until it fires, then continues with its result', () => {
    const inner = new Deferred<number>();
    const seen: unknown[] = [];
    const outer = succeed(1).addCallback(() => inner);
    outer.addCallback((n) => seen.push(n));
    expect(seen).toEqual([]);
    expect(outer.paused).toBe(1);
    inner.callback(9);
    expect(seen).toEqual([9]);
    expect(outer.paused).toBe(0);
  });

  it('a callback returning an already-failed Deferred continues on the errback path', () => {
    let caught: unknown;
    succeed(1)
      .addCallback(() => fail(new Error('inner failed')))
      .addErrback((f) => {
        caught = f.value;
      });
    expect((caught as Error).message).toBe('inner failed');
  });

  it('a callback returning a Promise pauses the chain until the Promise settles', async () => {
    const d = succeed(1).addCallback(async (n) => {
      await null;
      return n + 1;
    });
    expect(d.paused).toBe(1);
    expect(await d).toBe(2);
    const failed = succeed(1).addCallback(() => Promise.reject(new Error('nope')));
    await expect(failed).rejects.toThrow('nope');
  });

  it('a callback returning its own Deferred fails instead of waiting forever', () => {
    const d = new Deferred<number>();
    let failure: Failure | undefined;
    d.addCallback(() => d).addErrback((f) => {
      failure = f;
    });
    d.callback(1);
    expect(failure?.check(TypeError)).toBe(TypeError);
  });

  it('pause() holds callbacks until unpause(), also for a callback pausing its own Deferred', () => {
    const seen: number[] = [];
    const d = new Deferred<number>();
    d.pause();
    d.addCallback((n) => seen.push(n));
    d.callback(1);
    expect(seen).toEqual([]);
    d.unpause();
    expect(seen).toEqual([1]);

    const e = new Deferred<number>();
    e.addCallback((n) => {
      e.pause();
      return n + 1;
    });
    e.addCallback((n) => seen.push(n));
    e.callback(1);
    expect(seen).toEqual([1]);
    e.unpause();
    expect(seen).toEqual([1, 2]);
  });

  it('throws AlreadyCalledError on a second callback or errback, and TypeError for callback(Deferred)', () => {
    const d = new Deferred<unknown>();
    d.callback(1);
    expect(() => d.errback(new Error('late'))).toThrow(AlreadyCalledError);
    const e = new Deferred<unknown>();
    expect(() => e.callback(succeed(1))).toThrow(TypeError);
    expect(e.called).toBe(false);
  });

  it('chainDeferred passes the result on to another Deferred', () => {
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    let got = '';
    b.addCallback((s) => {
      got = s;
    });
    a.chainDeferred(b);
    a.callback('passed');
    expect(got).toBe('passed');
  });

  it('errback() wraps plain values in a Failure that keeps the value', () => {
    let failure: Failure | undefined;
    const d = new Deferred<number>();
    d.addErrback((f) => {
      failure = f;
    });
    d.errback('just a string');
    expect(failure?.value).toBe('just a string');
    expect(failure?.type).toBeUndefined();
    expect(failure?.getTraceback()).toContain('just a string');
  });

  it('toString says whether it is pending, waiting or has a result', () => {
    const d = new Deferred<number>();
    expect(String(d)).toContain('pending');
    d.callback(4);
    expect(String(d)).toContain('4');
    const w = succeed(1).addCallback(() => new Deferred<number>());
    expect(String(w)).toContain('waiting');
  });

  it('runs 100 000 already-fired Deferreds each returning the next without stack overflow', () => {
    const ds = Array.from({ length: 100_000 }, (_, i) => succeed(i));
    let d: Deferred<number> = succeed(-1);
    for (const next of ds) d = d.addCallback(() => next);
    let last = -1;
    d.addCallback((n) => {
      last = n;
    });
    expect(last).toBe(99_999);
  });

  it('fires 100 000 nested pending Deferreds innermost-last without stack overflow', () => {
    const ds = Array.from({ length: 100_000 }, () => new Deferred<number>());
    for (let i = 0; i < ds.length - 1; i++) {
      const next = ds[i + 1]!;
      ds[i]!.addCallback(() => next).addCallback((n) => n + 1);
    }
    let result = -1;
    ds[0]!.addCallback((n) => {
      result = n;
    });
    for (let i = 0; i < ds.length - 1; i++) ds[i]!.callback(0);
    ds[ds.length - 1]!.callback(0);
    expect(result).toBe(99_999);
  });
});
