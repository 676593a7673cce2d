import type { LogEvent, LogLevel } from '../interfaces/logger.js';
import { formatEvent } from './format-event.js';
import { globalLogPublisher, type LogPublisher } from './publisher.js';

/** Events collected by {@link capturedEvents}, and the means to stop collecting. */
export interface CapturedLogEvents {
  /** Every event published since capture began, in order. */
  readonly events: LogEvent[];
  /** The rendered messages of the events (optionally only those at `level`). */
  messages(level?: LogLevel): string[];
  /** Stop capturing (removes the observer; idempotent). Call it in `afterEach`/`finally`. */
  stop(): void;
}

/**
 * Collect the events published on `publisher` (default: the global one) for a test to assert
 * on. While capturing, the global publisher's stderr fallback is off — the capture is an
 * observer — so expected warnings do not clutter test output.
 */
export function capturedEvents(publisher: LogPublisher = globalLogPublisher): CapturedLogEvents {
  const events: LogEvent[] = [];
  const stop = publisher.addObserver((event) => {
    events.push(event);
  });
  return {
    events,
    messages: (level) =>
      events.filter((event) => level === undefined || event.level === level).map(formatEvent),
    stop,
  };
}
