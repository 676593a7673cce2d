import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  Failure,
  LimitedHistoryLogObserver,
  LogPublisher,
  Logger,
  globalLogPublisher,
  isLevelAtLeast,
  type LogEvent,
} from '../../src/index.js';
import { isObserved } from '../../src/defer/failure.js';
import { capturedEvents } from '../../src/testing/index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Logger and LogPublisher', () => {
  it('publishes structured events with namespace, level, format, time and fields', () => {
    const publisher = new LogPublisher();
    const captured = capturedEvents(publisher);
    const log = new Logger('tw.test.unit', publisher);
    const before = Date.now() / 1000;
    log.debug('d');
    log.info('Listening on {port}', { port: 80 });
    log.warn('w');
    log.error('e');
    log.critical('c');
    captured.stop();
    expect(captured.events.map((e) => e.level)).toEqual([
      'debug',
      'info',
      'warn',
      'error',
      'critical',
    ]);
    const info = captured.events[1]!;
    expect(info).toMatchObject({
      namespace: 'tw.test.unit',
      format: 'Listening on {port}',
      fields: { port: 80 },
    });
    expect(info.time).toBeGreaterThanOrEqual(before);
    expect(captured.messages('info')).toEqual(['Listening on 80']);
  });

  it('copies fields, so changing the caller object later does not change the event', () => {
    const publisher = new LogPublisher();
    const captured = capturedEvents(publisher);
    const fields = { n: 1 };
    new Logger('tw.test', publisher).info('{n}', fields);
    fields.n = 2;
    expect(captured.messages()).toEqual(['1']);
  });

  it('failure() logs at critical by default with a Failure, and marks it observed', () => {
    const publisher = new LogPublisher();
    const captured = capturedEvents(publisher);
    const failure = new Failure(new Error('boom'));
    new Logger('tw.test', publisher).failure('It broke', failure);
    new Logger('tw.test', publisher).failure('Thrown string', 'plain string', {}, 'warn');
    expect(captured.events[0]).toMatchObject({ level: 'critical', failure });
    expect(isObserved(failure)).toBe(true);
    expect(captured.events[1]!.level).toBe('warn');
    expect(captured.events[1]!.failure?.value).toBe('plain string');
  });

  it('addObserver returns a remover; removing twice is harmless', () => {
    const publisher = new LogPublisher();
    const seen: string[] = [];
    const removeA = publisher.addObserver((e) => seen.push(`a:${e.format}`));
    publisher.addObserver((e) => seen.push(`b:${e.format}`));
    new Logger('t', publisher).info('1');
    removeA();
    removeA();
    new Logger('t', publisher).info('2');
    expect(seen).toEqual(['a:1', 'b:1', 'b:2']);
    expect(publisher.observerCount).toBe(1);
  });

  it('an observer that throws does not break the log call and is reported to the others', () => {
    const publisher = new LogPublisher();
    publisher.addObserver(() => {
      throw new Error('disk full');
    });
    const captured = capturedEvents(publisher);
    expect(() => new Logger('tw.test', publisher).info('hello')).not.toThrow();
    expect(captured.messages()).toEqual([
      'hello',
      'A log observer threw while handling an event: Error: disk full',
    ]);
    expect(captured.events[1]).toMatchObject({ level: 'error', namespace: 'tw.core.log' });
  });

  it('uses the fallback only while no observer is registered', () => {
    const fallback: LogEvent[] = [];
    const publisher = new LogPublisher({ fallback: (e) => fallback.push(e) });
    const log = new Logger('t', publisher);
    log.info('before');
    const captured = capturedEvents(publisher);
    log.info('during');
    captured.stop();
    log.info('after');
    expect(fallback.map((e) => e.format)).toEqual(['before', 'after']);
    expect(captured.messages()).toEqual(['during']);
  });

  it('the global publisher prints warn-and-above to stderr until an observer takes over', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => {
      printed.push(String(text));
    });
    const log = new Logger('tw.test.global');
    log.info('quiet info');
    log.warn('loud warning {n}', { n: 1 });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^\S+Z \[tw\.test\.global#warn\] loud warning 1$/);

    const captured = capturedEvents(globalLogPublisher);
    try {
      log.error('captured error');
    } finally {
      captured.stop();
    }
    expect(printed).toHaveLength(1);
    expect(captured.messages()).toEqual(['captured error']);
  });

  it('isLevelAtLeast orders the levels', () => {
    expect(isLevelAtLeast('warn', 'info')).toBe(true);
    expect(isLevelAtLeast('info', 'warn')).toBe(false);
    expect(isLevelAtLeast('critical', 'critical')).toBe(true);
  });
});

describe('LimitedHistoryLogObserver', () => {
  it('keeps the last N events, oldest first, and replays them', () => {
    const publisher = new LogPublisher();
    const history = new LimitedHistoryLogObserver(3);
    publisher.addObserver(history.observer);
    const log = new Logger('t', publisher);
    for (let i = 1; i <= 5; i++) log.info(`e${i}`);
    expect(history.events().map((e) => e.format)).toEqual(['e3', 'e4', 'e5']);
    const replayed: string[] = [];
    history.replayTo((e) => replayed.push(e.format));
    expect(replayed).toEqual(['e3', 'e4', 'e5']);
    history.clear();
    expect(history.events()).toEqual([]);
    log.info('e6');
    expect(history.events().map((e) => e.format)).toEqual(['e6']);
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => new LimitedHistoryLogObserver(0)).toThrow(RangeError);
  });
});
