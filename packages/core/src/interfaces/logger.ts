import type { Failure } from '../defer/failure.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'critical';

/**
 * One structured log event (Twisted's twisted.logger event). `format` names fields in braces
 * ("Connection from {peer}"), so observers can render text or keep the fields as data.
 */
export interface LogEvent {
  readonly namespace: string;
  readonly level: LogLevel;
  readonly format: string;
  /** Seconds since the epoch (wall clock). */
  readonly time: number;
  readonly fields: Readonly<Record<string, unknown>>;
  /** Present on events logged with failure(): the error and its stacks. */
  readonly failure?: Failure;
}

/** Receives every event published (an observer writes text, JSON lines, collects in tests, …). */
export type ILogObserver = (event: LogEvent) => void;

/** What protocol and service code logs through: `log.info('Listening on {address}', { address })`. */
export interface ILogger {
  readonly namespace: string;
  debug(format: string, fields?: Record<string, unknown>): void;
  info(format: string, fields?: Record<string, unknown>): void;
  warn(format: string, fields?: Record<string, unknown>): void;
  error(format: string, fields?: Record<string, unknown>): void;
  critical(format: string, fields?: Record<string, unknown>): void;
  /** Log an unexpected error at 'critical' (default) or the given level, with its traceback. */
  failure(
    format: string,
    failure: Failure | unknown,
    fields?: Record<string, unknown>,
    level?: LogLevel,
  ): void;
}
