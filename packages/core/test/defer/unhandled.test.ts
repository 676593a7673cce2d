import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import { Deferred, fail, onUnhandledFailure } from '../../src/index.js';

// A real GC is needed to observe FinalizationRegistry reports. --expose-gc can be switched on at
// run time; the gc function then appears in new contexts (this avoids a per-project execArgv).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collect garbage until `done()` or a bounded number of rounds pass. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let round = 0; round < 50 && !done(); round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

class LeakedError extends Error {}

function dropFailedDeferred(message: string): void {
  fail(new LeakedError(message));
}

describe('unhandled failures', () => {
  it('reports a Failure still unhandled when its Deferred is garbage collected', async () => {
    const reports: Failure[] = [];
    const stop = onUnhandledFailure((f) => reports.push(f));
    try {
      dropFailedDeferred('nobody handled me');
      const mine = (): Failure | undefined =>
        reports.find((f) => f.getErrorMessage() === 'nobody handled me');
      await collectUntil(() => mine() !== undefined);
      expect(mine()?.check(LeakedError)).toBe(LeakedError);
    } finally {
      stop();
    }
  });

  it('does not report failures that were handled, awaited, or fixed by an errback', async () => {
    const reports: Failure[] = [];
    const stop = onUnhandledFailure((f) => reports.push(f));
    try {
      (() => {
        fail(new LeakedError('handled')).addErrback(() => undefined);
        const awaited = fail(new LeakedError('awaited'));
        awaited.then(null, () => undefined);
        const later = new Deferred<number>();
        later.errback(new LeakedError('handled later'));
        later.addErrback(() => 0);
      })();
      dropFailedDeferred('control');
      await collectUntil(() => reports.some((f) => f.getErrorMessage() === 'control'));
      expect(reports.map((f) => f.getErrorMessage())).toContain('control');
      for (const message of ['handled', 'awaited', 'handled later']) {
        expect(reports.some((f) => f.getErrorMessage() === message)).toBe(false);
      }
    } finally {
      stop();
    }
  });

  it('logs to console.error when no observer is registered', async () => {
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      dropFailedDeferred('to the console');
      await collectUntil(() => logged.some((line) => line.includes('to the console')));
      const line = logged.find((l) => l.includes('to the console'));
      expect(line).toContain('Unhandled error in Deferred');
    } finally {
      console.error = original;
    }
  });
});
