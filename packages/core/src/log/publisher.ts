import type { ILogObserver, LogEvent } from '../interfaces/logger.js';
import { isLevelAtLeast } from './levels.js';
import { formatEventAsText } from './format-text.js';

/** Options for a {@link LogPublisher}. */
export interface LogPublisherOptions {
  /**
   * Receives events while no observer is registered, so that a publisher nobody configured is
   * not a black hole. Once an observer is added it takes over; when the last one is removed
   * the fallback applies again.
   */
  readonly fallback?: ILogObserver;
}

/**
 * Fans each {@link LogEvent} out to its observers (Twisted's LogPublisher). Publishing never
 * throws: an observer that throws is reported to the other observers (or the fallback) as an
 * 'error' event and stays registered, so one broken sink cannot silence the rest.
 *
 * Observers may add or remove observers while an event is being published; the change applies
 * from the next event.
 */
export class LogPublisher {
  private observers: readonly ILogObserver[] = [];
  private readonly fallback: ILogObserver | undefined;
  /** Guards the report of a failing observer from recursing when reporting fails too. */
  private reportingObserverFailure = false;

  constructor(options: LogPublisherOptions = {}) {
    this.fallback = options.fallback;
  }

  /** Register `observer`; call the returned function to remove it again (idempotent). */
  addObserver(observer: ILogObserver): () => void {
    // A new array each time: publish() iterates a snapshot, so changes mid-publish are safe.
    this.observers = [...this.observers, observer];
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const index = this.observers.indexOf(observer);
      if (index >= 0)
        this.observers = [...this.observers.slice(0, index), ...this.observers.slice(index + 1)];
    };
  }

  /** How many observers are registered (the fallback is not counted). */
  get observerCount(): number {
    return this.observers.length;
  }

  /** Deliver `event` to every observer, or to the fallback when there are none. Never throws. */
  publish(event: LogEvent): void {
    const observers = this.observers;
    if (observers.length === 0) {
      try {
        this.fallback?.(event);
      } catch {
        // The fallback is the last resort: if it fails there is nowhere left to say so.
      }
      return;
    }
    let failures: [ILogObserver, unknown][] | undefined;
    for (const observer of observers) {
      try {
        observer(event);
      } catch (error) {
        (failures ??= []).push([observer, error]);
      }
    }
    // Reported after the event reached everyone, so each observer sees events in order.
    for (const [broken, error] of failures ?? [])
      this.reportObserverFailure(broken, error, observers);
  }

  private reportObserverFailure(
    broken: ILogObserver,
    error: unknown,
    all: readonly ILogObserver[],
  ): void {
    if (this.reportingObserverFailure) return;
    this.reportingObserverFailure = true;
    try {
      const report: LogEvent = {
        namespace: 'tw.core.log',
        level: 'error',
        format: 'A log observer threw while handling an event: {error}',
        time: Date.now() / 1000,
        fields: { error },
      };
      const others = all.filter((observer) => observer !== broken);
      if (others.length === 0) {
        if (this.fallback !== undefined && this.fallback !== broken) this.fallback(report);
      } else {
        for (const observer of others) {
          try {
            observer(report);
          } catch {
            // Reporting is best effort: a second failure must not escape a log call.
          }
        }
      }
    } catch {
      // As above: nothing a log call does may throw into the code that logged.
    } finally {
      this.reportingObserverFailure = false;
    }
  }
}

/**
 * Writes warn-and-above events to stderr (console.error) as text: the global publisher's
 * fallback, so errors are never silent in a process that did not configure logging.
 * console.error rather than process.stderr so it works off Node too, and so test runners
 * attribute the output to the test that caused it.
 */
export function stderrWarningsObserver(event: LogEvent): void {
  if (!isLevelAtLeast(event.level, 'warn')) return;
  console.error(formatEventAsText(event));
}

/**
 * The one process-wide place log events go (Twisted's globalLogPublisher). `Logger` publishes
 * here unless given another publisher; the `tw` command adds the text/JSON observers here.
 *
 * A global is acceptable for logging where it is not for the reactor: where log lines go is
 * process-wide configuration chosen once by the program's entry point, and no library
 * behaviour depends on it — a library that logs behaves the same whoever listens. A reactor, by
 * contrast, decides how code runs and must be swappable per test. Tests that check what was
 * logged give the code under test its own `LogPublisher`, or add an observer here and remove it
 * afterwards (see `capturedEvents`).
 *
 * Until an observer is added, warn-and-above events are written to stderr as text.
 */
export const globalLogPublisher: LogPublisher = new LogPublisher({
  fallback: stderrWarningsObserver,
});
