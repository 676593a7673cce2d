import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { deferToThread } from '../../src/index.js';
import { ensureWorkerScriptsBuilt, workFixture } from '../threads/helpers.js';
import { closeReactors, drive, makeReactor, turnNodeLoop } from './harness.js';

beforeAll(() => ensureWorkerScriptsBuilt(), 180_000);
afterEach(closeReactors);

describe('SteppedReactor and worker threads', () => {
  it('deferToThread: the result reaches the Deferred only inside iterate()', async () => {
    const reactor = makeReactor();
    let result: number | null = null;
    let firedInside = false;
    const ran: number[] = [];
    deferToThread<number>(reactor, workFixture, 'addLater', 40, 2).addCallback((sum) => {
      result = sum;
      firedInside = reactor.iterating;
    });
    // The worker finishes on its own; its answer waits for the host.
    await reactor.waitForWork(10);
    await turnNodeLoop(100);
    ran.push(result ?? -1);
    await drive(reactor, () => result !== null, 'the worker result');
    expect(ran).toEqual([-1]);
    expect(result).toBe(42);
    expect(firedInside).toBe(true);
  });
});
