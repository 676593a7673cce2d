import { Failure } from '../../defer/failure.js';

/**
 * Report an error the reactor caught so that the process keeps running: a protocol's callback
 * that threw, a delayed call that threw, a trigger that failed. console.error until the logger
 * exists; this is the one place to re-route it.
 */
export function reportError(what: string, error: unknown): void {
  console.error(`[tw reactor] ${what}:\n${Failure.from(error).getTraceback()}`);
}
