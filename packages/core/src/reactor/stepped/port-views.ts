import type { Deferred } from '../../defer/deferred.js';
import { relayDeferred } from './deferred-relay.js';
import type { RunQueue } from './run-queue.js';
import { transportView } from './transport-view.js';

/** Anything with a stopListening() Deferred: TCP/TLS/Unix ports, UDP transports. */
export interface StoppablePort {
  stopListening(): Deferred<void>;
}

/**
 * The ports the application sees: their stopListening() Deferred fires inside iterate(). One
 * view per port, so a UDP protocol's transport and the listen Deferred's result are the same
 * object.
 */
export class PortViews {
  private readonly views = new WeakMap<object, object>();

  constructor(private readonly queue: RunQueue) {}

  /** The listen Deferred, fired inside iterate() with the port's view. */
  relay<P extends StoppablePort>(listening: Deferred<P>): Deferred<P> {
    return relayDeferred(
      this.queue,
      listening.addCallback((port) => this.view(port)),
    );
  }

  view<P extends StoppablePort>(port: P): P {
    let view = this.views.get(port) as P | undefined;
    if (view === undefined) {
      view = transportView<P>(port, {
        stopListening: () => relayDeferred(this.queue, port.stopListening()),
      } as Partial<P>);
      this.views.set(port, view);
    }
    return view;
  }
}
