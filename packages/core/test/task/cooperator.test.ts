import { describe, expect, it } from 'vitest';
import type { Failure } from '../../src/index.js';
import {
  Clock,
  Cooperator,
  Deferred,
  NotPaused,
  SchedulerStopped,
  TaskFinished,
  TaskStopped,
  coiterate,
  type TerminationPredicateFactory,
} from '../../src/index.js';

/** A time slice of `units` work units per tick, so ticks are deterministic. */
function unitsPerTick(units: number): TerminationPredicateFactory {
  return () => {
    let done = 0;
    return () => ++done >= units;
  };
}

function* counting(name: string, count: number, log: string[]): Generator<void> {
  for (let i = 0; i < count; i++) {
    log.push(`${name}${i}`);
    yield;
  }
}

function outcome<T>(d: Deferred<T>): { value?: T; failure?: Failure; fired: boolean } {
  const seen: { value?: T; failure?: Failure; fired: boolean } = { fired: false };
  d.addCallbacks(
    (value) => Object.assign(seen, { fired: true, value }),
    (failure) => Object.assign(seen, { fired: true, failure }),
  );
  return seen;
}

describe('Cooperator', () => {
  it('runs an iterator to its end on reactor turns and fires with the iterator', () => {
    const clock = new Clock();
    const log: string[] = [];
    const cooperator = new Cooperator(clock, { terminationPredicateFactory: unitsPerTick(2) });
    const iterator = counting('a', 5, log);
    const result = outcome(cooperator.coiterate(iterator));
    expect(log).toEqual([]); // nothing runs synchronously
    clock.advance(0);
    expect(log).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(result.value).toBe(iterator);
  });

  it('yields to the reactor once the time slice is used', () => {
    const clock = new Clock();
    const log: string[] = [];
    const ticks: number[] = [];
    const cooperator = new Cooperator(clock, {
      terminationPredicateFactory: unitsPerTick(2),
      // Tick every second instead of every turn, so each tick can be observed.
      scheduler: (tick) =>
        clock.callLater(1, () => {
          ticks.push(clock.seconds());
          tick();
        }),
    });
    cooperator.coiterate(counting('a', 5, log));
    clock.advance(1);
    expect(log).toEqual(['a0', 'a1']);
    clock.advance(1);
    expect(log).toEqual(['a0', 'a1', 'a2', 'a3']);
    clock.advance(5);
    expect(log).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    // Ticks: units 1–2, 3–4, then a4 and the end of the iterator (a sixth next()).
    expect(ticks).toEqual([1, 2, 3]);
  });

  it('interleaves tasks fairly, one unit each in turn, across ticks', () => {
    const clock = new Clock();
    const log: string[] = [];
    const cooperator = new Cooperator(clock, {
      terminationPredicateFactory: unitsPerTick(3),
      scheduler: (tick) => clock.callLater(1, tick),
    });
    cooperator.coiterate(counting('a', 3, log));
    cooperator.coiterate(counting('b', 3, log));
    clock.advance(1);
    expect(log).toEqual(['a0', 'b0', 'a1']);
    clock.advance(1);
    // The round carries over: b goes next, not a again.
    expect(log).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
  });

  it('pauses and resumes a task, nesting pauses', () => {
    const clock = new Clock();
    const log: string[] = [];
    const cooperator = new Cooperator(clock, { terminationPredicateFactory: unitsPerTick(1) });
    const task = cooperator.cooperate(counting('a', 3, log));
    const other = cooperator.cooperate(counting('b', 3, log));
    task.pause();
    task.pause();
    clock.advance(0);
    expect(log).toEqual(['b0', 'b1', 'b2']);
    expect(outcome(other.whenDone()).fired).toBe(true);
    task.resume();
    clock.advance(0);
    expect(log).toHaveLength(3);
    expect(task.paused).toBe(true);
    task.resume();
    clock.advance(0);
    expect(log).toEqual(['b0', 'b1', 'b2', 'a0', 'a1', 'a2']);
    expect(() => task.resume()).toThrow(NotPaused);
  });

  it('waits for a yielded Deferred or Promise before the next unit', async () => {
    const clock = new Clock();
    const log: string[] = [];
    const gate = new Deferred<void>();
    const cooperator = new Cooperator(clock);
    const result = outcome(
      cooperator.coiterate(
        (function* () {
          log.push('before');
          yield gate;
          log.push('after gate');
          yield Promise.resolve();
          log.push('after promise');
        })(),
      ),
    );
    clock.advance(0);
    clock.advance(0);
    expect(log).toEqual(['before']);
    gate.callback(undefined);
    clock.advance(0);
    expect(log).toEqual(['before', 'after gate']);
    await Promise.resolve(); // let the Promise settle
    clock.advance(0);
    expect(log).toEqual(['before', 'after gate', 'after promise']);
    expect(result.fired).toBe(true);
  });

  it('fails the task with the error the iterator throws or a yielded Deferred fails with', () => {
    const clock = new Clock();
    const cooperator = new Cooperator(clock);
    const thrown = outcome(
      cooperator.coiterate(
        (function* () {
          yield;
          throw new RangeError('iterator broke');
        })(),
      ),
    );
    const rejected = outcome(cooperator.coiterate([Deferred.fail(new TypeError('work failed'))]));
    clock.advance(0);
    expect(thrown.failure?.check(RangeError)).toBe(RangeError);
    expect(rejected.failure?.check(TypeError)).toBe(TypeError);
  });

  it('stops a task: whenDone fails with TaskStopped and no more units run', () => {
    const clock = new Clock();
    const log: string[] = [];
    const cooperator = new Cooperator(clock, { terminationPredicateFactory: unitsPerTick(1) });
    const task = cooperator.cooperate(counting('a', 10, log));
    const done = outcome(task.whenDone());
    task.stop();
    clock.advance(0);
    expect(log).toEqual([]);
    expect(done.failure?.check(TaskStopped)).toBe(TaskStopped);
    expect(() => task.pause()).toThrow(TaskStopped);
    expect(outcome(task.whenDone()).failure?.check(TaskStopped)).toBe(TaskStopped);
  });

  it('throws TaskFinished from pause() once the iterator is exhausted', () => {
    const clock = new Clock();
    const cooperator = new Cooperator(clock);
    const task = cooperator.cooperate([1, 2]);
    clock.advance(0);
    expect(task.done).toBe(true);
    expect(() => task.pause()).toThrow(TaskFinished);
  });

  it('ends every task with SchedulerStopped on stop(), and runs nothing before start()', () => {
    const clock = new Clock();
    const log: string[] = [];
    const cooperator = new Cooperator(clock, { started: false });
    const first = outcome(cooperator.coiterate(counting('a', 2, log)));
    clock.advance(0);
    expect(log).toEqual([]);
    expect(cooperator.running).toBe(false);
    cooperator.start();
    cooperator.stop();
    clock.advance(0);
    expect(log).toEqual([]);
    expect(first.failure?.check(SchedulerStopped)).toBe(SchedulerStopped);
    const late = outcome(cooperator.coiterate(counting('b', 2, log)));
    expect(late.failure?.check(SchedulerStopped)).toBe(SchedulerStopped);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('coiterate(reactor, …) shares one Cooperator per reactor', () => {
    const clock = new Clock();
    const log: string[] = [];
    coiterate(clock, counting('a', 2, log));
    coiterate(clock, counting('b', 2, log));
    clock.advance(0);
    // One Cooperator takes turns between the two; two would each run theirs to the end.
    expect(log).toEqual(['a0', 'b0', 'a1', 'b1']);
  });
});
