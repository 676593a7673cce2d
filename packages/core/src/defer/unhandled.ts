import type { Failure } from './failure.js';

/**
 * Reports of Deferreds that were garbage-collected while their last result was an unhandled
 * Failure (Twisted logs "Unhandled error in Deferred"). The failure is held by the registry,
 * never the Deferred, so registering does not keep the Deferred alive.
 */
export type UnhandledFailureObserver = (failure: Failure) => void;

const observers = new Set<UnhandledFailureObserver>();

function report(failure: Failure): void {
  if (observers.size === 0) {
    console.error(`Unhandled error in Deferred:\n${failure.getTraceback()}`);
    return;
  }
  for (const observer of observers) {
    try {
      observer(failure);
    } catch (error) {
      console.error('An onUnhandledFailure observer threw:', error);
    }
  }
}

const registry = new FinalizationRegistry<Failure>(report);

export function reportWhenCollected(deferred: object, failure: Failure): void {
  registry.register(deferred, failure, deferred);
}

export function forgetCollected(deferred: object): void {
  registry.unregister(deferred);
}

/**
 * Route reports of unhandled failures to `observer` instead of the default console.error.
 * Returns a function that removes the observer again.
 */
export function onUnhandledFailure(observer: UnhandledFailureObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}
