import type { ILogger } from '@tw/core';

/** A handler for one event of an event map. */
export type EventHandler<E, K extends keyof E> = (event: E[K]) => void;

/**
 * A small typed event emitter: `on(name, handler)` with the payload type taken from the map.
 * Handlers run synchronously in registration order. A handler that throws is logged and the
 * others still run, so one buggy handler cannot break the protocol that emits.
 */
export class TypedEmitter<E extends object> {
  /**
   * Each name's handlers, as an array replaced (never changed in place) when a handler is added
   * or removed: an emit walks the array it started with, so handlers added or removed by a
   * handler take effect from the next emit, without a copy on every emit (several per message).
   */
  private readonly handlers = new Map<keyof E, readonly EventHandler<E, keyof E>[]>();

  constructor(private readonly log: ILogger) {}

  /** Call `handler` for every `name` event; returns a function that removes it. */
  on<K extends keyof E>(name: K, handler: EventHandler<E, K>): () => void {
    const current = this.handlers.get(name) ?? [];
    // Adding a handler twice keeps one registration, as a Set would.
    if (!current.includes(handler as EventHandler<E, keyof E>)) {
      this.handlers.set(name, [...current, handler as EventHandler<E, keyof E>]);
    }
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
    const current = this.handlers.get(name);
    if (current === undefined) return;
    const index = current.indexOf(handler as EventHandler<E, keyof E>);
    if (index === -1) return;
    if (current.length === 1) this.handlers.delete(name);
    else this.handlers.set(name, [...current.slice(0, index), ...current.slice(index + 1)]);
  }

  /** Whether anything listens for `name`. */
  hasListeners(name: keyof E): boolean {
    return this.handlers.has(name);
  }

  /** Deliver `event` to every handler of `name`. */
  emit<K extends keyof E>(name: K, event: E[K]): void {
    const handlers = this.handlers.get(name);
    if (handlers === undefined) return;
    for (let i = 0; i < handlers.length; i++) {
      try {
        handlers[i]!(event);
      } catch (error) {
        this.log.failure('IRC event handler for {event} raised', error, {
          event: String(name),
        });
      }
    }
  }
}
