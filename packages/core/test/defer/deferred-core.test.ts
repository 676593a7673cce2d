import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import { AlreadyCalledError, CancelledError, Deferred } from '../../src/index.js';

describe('Deferred core', () => {
  it('runs callbacks in order, feeding each result to the next', () => {
    const seen: unknown[] = [];
    const d = new Deferred<number>();
    d.addCallback((n) => n + 1).addCallback((n) => {
      seen.push(n);
      return String(n);
    });
    expect(seen).toEqual([]);
    d.callback(1);
    expect(seen).toEqual([2]);
  });

  it('runs callbacks added after firing synchronously', () => {
    let got: string | undefined;
    Deferred.succeed(5)
      .addCallback((n) => `n=${n}`)
      .addCallback((s) => {
        got = s;
      });
    expect(got).toBe('n=5');
  });

  it('switches to the errback path on throw and back on a normal return', () => {
    const events: string[] = [];
    Deferred.succeed(1)
      .addCallback(() => {
        throw new RangeError('boom');
      })
      .addCallback(() => events.push('skipped'))
      .addErrback((f) => {
        events.push(`eb:${f.getErrorMessage()}`);
        return 7;
      })
      .addCallback((n) => events.push(`cb:${String(n)}`));
    expect(events).toEqual(['eb:boom', 'cb:7']);
  });

  it('throws AlreadyCalledError on a second fire', () => {
    const d = Deferred.succeed(1);
    expect(() => d.callback(2)).toThrow(AlreadyCalledError);
  });

  it('pauses the outer chain while a returned Deferred is pending', () => {
    const inner = new Deferred<string>();
    let got: string | undefined;
    Deferred.succeed(1)
      .addCallback(() => inner)
      .addCallback((s) => {
        got = s;
      });
    expect(got).toBeUndefined();
    inner.callback('inner');
    expect(got).toBe('inner');
  });

  it('runs a chain of 100 000 already-fired Deferreds without stack overflow', () => {
    let d: Deferred<number> = Deferred.succeed(0);
    for (let i = 0; i < 100_000; i++) {
      d = d.addCallback((n) => Deferred.succeed(n + 1));
    }
    let result = -1;
    d.addCallback((n) => {
      result = n;
    });
    expect(result).toBe(100_000);
  });

  it('runs 100 000 nested pending Deferreds fired innermost-first without stack overflow', () => {
    const ds = Array.from({ length: 100_000 }, () => new Deferred<number>());
    for (let i = 0; i < ds.length - 1; i++) {
      const next = ds[i + 1]!;
      ds[i]!.addCallback(() => next);
    }
    let result = -1;
    ds[0]!.addCallback((n) => {
      result = n;
    });
    for (let i = 0; i < ds.length - 1; i++) ds[i]!.callback(0);
    ds[ds.length - 1]!.callback(42);
    expect(result).toBe(42);
  });

  it('cancel() errbacks with CancelledError and ignores a later callback', () => {
    const d = new Deferred<number>();
    let failure: Failure | undefined;
    d.addErrback((f) => {
      failure = f;
    });
    d.cancel();
    expect(failure?.check(CancelledError)).toBe(CancelledError);
    expect(() => d.callback(1)).not.toThrow();
  });

  it('is awaitable', async () => {
    const d = new Deferred<number>();
    setTimeout(() => d.callback(3), 1);
    await expect(d).resolves.toBe(3);
    await expect(Deferred.fail(new Error('x'))).rejects.toThrow('x');
  });
});
