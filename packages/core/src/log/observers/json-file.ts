import type { ILogObserver, LogEvent, LogLevel } from '../../interfaces/logger.js';
import { formatEvent } from '../format-event.js';
import { formatEventTime, safeTraceback } from '../format-text.js';
import { REDACTED, isSensitiveFieldName } from '../redaction.js';
import { failureTypeName, toJSONSafe, type JSONSafe } from '../safe-value.js';
import type { LogStream } from './log-stream.js';

/** The shape of one line written by {@link jsonFileLogObserver}. */
export interface JSONLogRecord {
  /** ISO 8601 UTC with milliseconds. */
  readonly time: string;
  readonly level: LogLevel;
  readonly namespace: string;
  readonly format: string;
  /** The rendered message, as the text observer shows it (without time and traceback). */
  readonly text: string;
  readonly fields: { readonly [key: string]: JSONSafe };
  readonly failure?: {
    readonly type: string;
    readonly message: string;
    readonly traceback: string;
  };
}

/**
 * One event as a JSON-compatible record: fields made safe (cycles, BigInt, bytes, Errors),
 * credential fields "[redacted]" at any depth. Never throws.
 */
export function eventAsJSONRecord(event: LogEvent): JSONLogRecord {
  const fields: { [key: string]: JSONSafe } = {};
  for (const key of Object.keys(event.fields)) {
    fields[key] = isSensitiveFieldName(key) ? REDACTED : toJSONSafe(event.fields[key]);
  }
  const record = {
    time: formatEventTime(event.time),
    level: event.level,
    namespace: event.namespace,
    format: event.format,
    text: formatEvent(event),
    fields,
  };
  if (event.failure === undefined) return record;
  let message: string;
  try {
    message = event.failure.getErrorMessage();
  } catch {
    message = '(the failure could not produce a message)';
  }
  const traceback = safeTraceback(event) ?? '';
  return { ...record, failure: { type: failureTypeName(event.failure), message, traceback } };
}

/**
 * An observer that writes each event as one JSON object per line ("JSON lines"), for log
 * shippers and `jq`. See {@link JSONLogRecord} for the keys.
 */
export function jsonFileLogObserver(stream: LogStream): ILogObserver {
  return (event) => {
    stream.write(`${JSON.stringify(eventAsJSONRecord(event))}\n`);
  };
}
