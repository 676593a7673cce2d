import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { describe, expect, it } from 'vitest';

import { LogPublisher, fail, routeUnhandledFailuresToLog } from '../../src/index.js';
import { capturedEvents } from '../../src/testing/index.js';

// Unhandled-failure reports come from a FinalizationRegistry, so a real GC is needed.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

class DroppedError extends Error {}

function dropFailedDeferred(message: string): void {
  fail(new DroppedError(message));
}

describe('routeUnhandledFailuresToLog', () => {
  it('logs a Deferred collected with an unhandled failure at critical in tw.core.defer', async () => {
    const publisher = new LogPublisher();
    const captured = capturedEvents(publisher);
    const stop = routeUnhandledFailuresToLog(publisher);
    try {
      dropFailedDeferred('nobody handled me');
      for (let round = 0; round < 50 && captured.events.length === 0; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      stop();
      captured.stop();
    }
    const event = captured.events.find((e) => e.failure?.getErrorMessage() === 'nobody handled me');
    expect(event).toMatchObject({
      namespace: 'tw.core.defer',
      level: 'critical',
      format: 'Unhandled error in Deferred',
    });
    expect(event?.failure?.value).toBeInstanceOf(DroppedError);
  });
});
