import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Deferred, setAsyncContextPropagation, succeed } from '../../src/index.js';

const storage = new AsyncLocalStorage<string>();

describe('async context in Deferred callbacks', () => {
  afterEach(() => setAsyncContextPropagation(true));

  it('a callback added to a pending Deferred inside a store sees that store when fired from outside it', () => {
    const d = new Deferred<number>();
    let seen: string | undefined = 'unset';
    storage.run('request-1', () => {
      d.addCallback(() => {
        seen = storage.getStore();
      });
    });
    storage.run('someone-else', () => d.callback(1));
    expect(seen).toBe('request-1');
  });

  it('callbacks added from different contexts each run in their own', () => {
    const d = new Deferred<number>();
    const seen: (string | undefined)[] = [];
    const record = (): void => {
      seen.push(storage.getStore());
    };
    storage.run('a', () => d.addCallback(record));
    d.addCallback(record);
    storage.run('b', () => d.addCallback(record));
    d.callback(0);
    expect(seen).toEqual(['a', undefined, 'b']);
  });

  it('carries the context across a later turn of the event loop', async () => {
    const d = new Deferred<number>();
    const seen = storage.run('across-turns', () =>
      d.addCallback(() => storage.getStore()).asPromise(),
    );
    setTimeout(() => d.callback(1), 1);
    expect(await seen).toBe('across-turns');
  });

  it('callbacks added to a fired Deferred run at once in the caller context', () => {
    let seen: string | undefined;
    storage.run('caller', () => {
      succeed(1).addCallback(() => {
        seen = storage.getStore();
      });
    });
    expect(seen).toBe('caller');
  });

  it('setAsyncContextPropagation(false) makes callbacks run in the firing context instead', () => {
    setAsyncContextPropagation(false);
    const d = new Deferred<number>();
    let seen: string | undefined;
    storage.run('adder', () => {
      d.addCallback(() => {
        seen = storage.getStore();
      });
    });
    storage.run('firer', () => d.callback(1));
    expect(seen).toBe('firer');
  });
});
