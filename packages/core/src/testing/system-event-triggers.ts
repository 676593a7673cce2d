import type { Deferred } from '../defer/deferred.js';
import { Failure } from '../defer/failure.js';
import type { ITriggerHandle, SystemEvent, SystemEventPhase } from '../interfaces/reactor.js';
import { isThenable, valueAsDeferred } from '../task/as-deferred.js';

interface Trigger extends ITriggerHandle {
  readonly fn: () => unknown;
}

const PHASES: readonly SystemEventPhase[] = ['before', 'during', 'after'];

/**
 * Twisted's three-phase system events ('startup', 'shutdown'): firing an event runs its
 * 'before' triggers, waits for every Deferred/Promise they returned, then runs 'during' and
 * 'after'. Triggers run once: firing an event consumes them. A trigger that throws (or whose
 * Deferred fails) does not stop the others; its failure goes to `onError`.
 */
export class SystemEventTriggers {
  private readonly triggers = new Map<SystemEvent, Map<SystemEventPhase, Trigger[]>>();

  constructor(private readonly onError: (failure: Failure) => void) {}

  add(phase: SystemEventPhase, event: SystemEvent, fn: () => unknown): ITriggerHandle {
    if (!PHASES.includes(phase))
      throw new RangeError(
        `Unknown trigger phase "${String(phase)}": use before, during or after.`,
      );
    const trigger: Trigger = { phase, event, fn };
    this.list(event, phase).push(trigger);
    return trigger;
  }

  remove(handle: ITriggerHandle): void {
    const list = this.list(handle.event, handle.phase);
    const index = list.indexOf(handle as Trigger);
    if (index >= 0) list.splice(index, 1);
  }

  /** Fire `event`; `done` runs after the 'after' phase (synchronously when nothing delays it). */
  fire(event: SystemEvent, done: () => void): void {
    const before = this.list(event, 'before');
    const waits: Deferred<unknown>[] = [];
    while (before.length > 0) {
      const result = this.runTrigger(before.shift()!);
      if (isThenable(result)) waits.push(valueAsDeferred(result));
    }
    let pending = waits.length;
    const continueFiring = (): void => {
      for (const phase of ['during', 'after'] as const) {
        const list = this.list(event, phase);
        while (list.length > 0) this.runTrigger(list.shift()!);
      }
      done();
    };
    if (pending === 0) {
      continueFiring();
      return;
    }
    for (const wait of waits) {
      wait.addCallbacks(
        () => {
          if (--pending === 0) continueFiring();
        },
        (failure: Failure) => {
          this.onError(failure);
          if (--pending === 0) continueFiring();
        },
      );
    }
  }

  private runTrigger(trigger: Trigger): unknown {
    try {
      return trigger.fn();
    } catch (error) {
      this.onError(Failure.from(error));
      return undefined;
    }
  }

  private list(event: SystemEvent, phase: SystemEventPhase): Trigger[] {
    let phases = this.triggers.get(event);
    if (phases === undefined) {
      phases = new Map();
      this.triggers.set(event, phases);
    }
    let list = phases.get(phase);
    if (list === undefined) {
      list = [];
      phases.set(phase, list);
    }
    return list;
  }
}
