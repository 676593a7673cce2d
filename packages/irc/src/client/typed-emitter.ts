import type { ILogger } from '@tw/core';

/** A handler for one event of an event map. */
export type EventHandler<E, K extends keyof E> = (event: E[K]) => void;

/**
 * A small typed event emitter: `on(name, handler)` with the payload type taken from the map.
 * Handlers run synchronously in registration order. A handler that throws is logged and the
 * others still run, so one buggy handler cannot break the protocol that emits.
 */
export class TypedEmitter<E extends object> {
  private readonly handlers = new Map<keyof E, Set<EventHandler<E, keyof E>>>();

  constructor(private readonly log: ILogger) {}

  /** Call `handler` for every `name` event; returns a function that removes it. */
  on<K extends keyof E>(name: K, handler: EventHandler<E, K>): () => void {
    let set = this.handlers.get(name);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(name, set);
    }
    set.add(handler as EventHandler<E, keyof E>);
    return () => this.off(name, handler);
  }

  /** Call `handler` for the next `name` event only. */
  once<K extends keyof E>(name: K, handler: EventHandler<E, K>): () => void {
    const remove = this.on(name, (event) => {
      remove();
      handler(event);
    });
    return remove;
  }

  /** Stop calling `handler` for `name`. */
  off<K extends keyof E>(name: K, handler: EventHandler<E, K>): void {
    this.handlers.get(name)?.delete(handler as EventHandler<E, keyof E>);
  }

  /** Whether anything listens for `name`. */
  hasListeners(name: keyof E): boolean {
    return (this.handlers.get(name)?.size ?? 0) > 0;
  }

  /** Deliver `event` to every handler of `name`. */
  emit<K extends keyof E>(name: K, event: E[K]): void {
    const set = this.handlers.get(name);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        handler(event);
      } catch (error) {
        this.log.failure('IRC event handler for {event} raised', error, {
          event: String(name),
        });
      }
    }
  }
}
