import type { LogEvent } from '../interfaces/logger.js';
import { formatEvent } from './format-event.js';

/** The event's time as ISO 8601 UTC with milliseconds, or "-" when it is not a valid time. */
export function formatEventTime(time: number): string {
  const date = new Date(time * 1000);
  return Number.isNaN(date.getTime()) ? '-' : date.toISOString();
}

/** A failure's traceback, or a marker when reading it throws (a value with hostile getters). */
export function safeTraceback(event: LogEvent): string | undefined {
  if (event.failure === undefined) return undefined;
  try {
    return event.failure.getTraceback();
  } catch {
    return '(the failure could not produce a traceback)';
  }
}

/**
 * One event as a line of text (Twisted's formatEventAsClassicLogText):
 * `2026-11-21T05:40:00.123Z [tw.core.tcp#info] Connection from 127.0.0.1:5000`, followed by
 * the failure's traceback when there is one. Continuation lines start with a tab, so every
 * line that does not is the start of an event. Never throws.
 */
export function formatEventAsText(event: LogEvent): string {
  let text = `${formatEventTime(event.time)} [${event.namespace}#${event.level}] ${formatEvent(event)}`;
  const traceback = safeTraceback(event);
  if (traceback !== undefined) text += `\n${traceback}`;
  return text.replace(/\r?\n/g, '\n\t');
}
