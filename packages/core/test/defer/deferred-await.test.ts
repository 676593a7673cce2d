import { describe, expect, it } from 'vitest';
import { Deferred, Failure, ensureDeferred, fail, succeed } from '../../src/index.js';

describe('Deferred as a thenable', () => {
  it('await gives the value of a fired or later-fired Deferred, and the Deferred keeps its result', async () => {
    const fired = succeed(5);
    expect(await fired).toBe(5);
    let after: number | undefined;
    fired.addCallback((n) => {
      after = n;
    });
    expect(after).toBe(5);

    const later = new Deferred<string>();
    setTimeout(() => later.callback('later'), 1);
    expect(await later).toBe('later');
  });

  it('await throws the failure value itself, not a Failure', async () => {
    class MyError extends Error {}
    const d = fail(new MyError('mine'));
    await expect(d).rejects.toBeInstanceOf(MyError);
    const pending = new Deferred<number>();
    const awaited = (async () => await pending)();
    pending.errback(new MyError('later'));
    await expect(awaited).rejects.toThrow('later');
  });

  it('then() on a fired Deferred runs onFulfilled at once and returns a Promise of its result', async () => {
    let ran = false;
    const p = succeed(2).then((n) => {
      ran = true;
      return n * 10;
    });
    expect(ran).toBe(true);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(20);
  });

  it('an onFulfilled that throws rejects the returned Promise and leaves the Deferred alone', async () => {
    const d = new Deferred<number>();
    const p = d.then(() => {
      throw new Error('in onFulfilled');
    });
    d.callback(1);
    await expect(p).rejects.toThrow('in onFulfilled');
    let got: number | undefined;
    d.addCallback((n) => {
      got = n;
    });
    expect(got).toBe(1);
  });

  it('onRejected receives the failure value and can recover', async () => {
    const value = await fail<number>(new Error('bad')).then(null, (e) => (e as Error).message);
    expect(value).toBe('bad');
  });

  it('fromPromise and asPromise bridge both ways', async () => {
    const d = Deferred.fromPromise(Promise.resolve(7));
    expect(d.called).toBe(false);
    expect(await d).toBe(7);
    const failed = Deferred.fromPromise(Promise.reject(new Error('rejected')));
    await expect(failed.asPromise()).rejects.toThrow('rejected');
    const p = succeed('x').asPromise();
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe('x');
    expect(Deferred.fromPromise(d)).toBe(d);
  });

  it('ensureDeferred turns an async function call into a Deferred', async () => {
    const d = ensureDeferred(
      (async () => {
        await null;
        return 'done';
      })(),
    );
    expect(d).toBeInstanceOf(Deferred);
    const seen: string[] = [];
    d.addCallback((s) => seen.push(s));
    await d;
    expect(seen).toEqual(['done']);
  });

  it('cancelling a Deferred from a Promise fails it with CancelledError and ignores the late result', async () => {
    let resolve!: (n: number) => void;
    const d = Deferred.fromPromise(new Promise<number>((r) => (resolve = r)));
    d.cancel();
    resolve(1);
    await expect(d).rejects.toThrow('cancelled');
  });
});

describe('Failure', () => {
  class NotFound extends Error {}
  class Busy extends Error {}

  it('check() returns the matching class or null; trap() rethrows the value when none matches', () => {
    const failure = new Failure(new NotFound('no such thing'));
    expect(failure.check(Busy, NotFound)).toBe(NotFound);
    expect(failure.check(Busy)).toBeNull();
    expect(failure.trap(Busy, Error)).toBe(Error);
    expect(() => failure.trap(Busy)).toThrow(NotFound);
  });

  it('keeps the stack of where the error was raised', () => {
    function raiseHere(): never {
      throw new NotFound('raised');
    }
    let failure: Failure | undefined;
    succeed(0)
      .addCallback(() => raiseHere())
      .addErrback((f) => {
        failure = f;
      });
    expect(failure?.getTraceback()).toContain('raiseHere');
    expect(String(failure)).toBe('[Failure NotFound: raised]');
  });

  it('records where an already-failed Deferred was awaited through then()', async () => {
    const d = fail(new Busy('busy'));
    let failure: Failure | undefined;
    async function awaitingCaller(): Promise<void> {
      await d.then(null, () => undefined);
    }
    await awaitingCaller();
    d.addErrback((f) => {
      failure = f;
    });
    expect(failure?.awaitedAt).toContain('awaitingCaller');
    const traceback = failure!.getTraceback();
    expect(traceback.indexOf('awaited at')).toBeGreaterThan(traceback.indexOf('Busy'));
    expect(traceback).toContain('awaitingCaller');
  });

  it('records where a pending Deferred was awaited when Deferred.debug is on', async () => {
    Deferred.debug = true;
    try {
      const d = new Deferred<number>();
      function subscribeHere(): Promise<number> {
        return d.asPromise();
      }
      const p = subscribeHere();
      d.errback(new Busy('later'));
      await expect(p).rejects.toThrow('later');
      let failure: Failure | undefined;
      d.addErrback((f) => {
        failure = f;
      });
      expect(failure?.getTraceback()).toContain('subscribeHere');
    } finally {
      Deferred.debug = false;
    }
  });
});
