import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import type { RunQueue } from './run-queue.js';

/**
 * The transport a protocol sees under a SteppedReactor: the real Node transport, with a few
 * members replaced (pause/resume, registerProducer, stopListening). Everything else — write,
 * getPeerCertificate, startTLS, instanceof — reaches the real object, so capability checks
 * and protocol code behave exactly as under the Node reactor.
 */
export function transportView<T extends object>(real: T, overrides: Partial<T>): T {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(real, {
    get(target, key) {
      if (Object.prototype.hasOwnProperty.call(overrides, key)) {
        return (overrides as Record<PropertyKey, unknown>)[key];
      }
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      // Bound to the real transport: its methods use private state the proxy does not have.
      let method = bound.get(key);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(key, method);
      }
      return method;
    },
  });
}

/**
 * A producer whose pause/resume/stop calls from the transport run inside iterate(): at once if
 * the transport calls while iterate() runs (a write filled the buffer), queued if Node's loop
 * calls (the socket drained between ticks).
 */
export function steppedProducer(
  queue: RunQueue,
  producer: IPushProducer | IPullProducer,
): IPushProducer {
  return {
    pauseProducing: () => {
      queue.dispatch(() => (producer as IPushProducer).pauseProducing());
    },
    resumeProducing: () => {
      queue.dispatch(() => producer.resumeProducing());
    },
    stopProducing: () => {
      queue.dispatch(() => producer.stopProducing());
    },
  };
}
