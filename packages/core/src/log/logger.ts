import { Failure, markObserved } from '../defer/failure.js';
import type { ILogger, LogEvent, LogLevel } from '../interfaces/logger.js';
import { globalLogPublisher, type LogPublisher } from './publisher.js';

/**
 * What protocol and service code logs through (Twisted's `Logger`): one per namespace, usually
 * a module-level constant named for the package and module, e.g.
 * `const log = new Logger('tw.imap.server')`, then `log.info('Login by {user}', { user })`.
 *
 * `format` names fields in braces; the fields stay data, so a JSON observer keeps them and a
 * text observer renders them (see {@link formatEvent}). A log call never throws: whatever the
 * fields hold and whatever the observers do, the caller's code carries on.
 *
 * Events go to `publisher` — by default {@link globalLogPublisher}, which the program's entry
 * point (the `tw` command) points at a file or stderr. Tests pass their own `LogPublisher`.
 */
export class Logger implements ILogger {
  readonly namespace: string;
  readonly publisher: LogPublisher;

  constructor(namespace: string, publisher: LogPublisher = globalLogPublisher) {
    this.namespace = namespace;
    this.publisher = publisher;
  }

  debug(format: string, fields?: Record<string, unknown>): void {
    this.emit('debug', format, fields);
  }

  info(format: string, fields?: Record<string, unknown>): void {
    this.emit('info', format, fields);
  }

  warn(format: string, fields?: Record<string, unknown>): void {
    this.emit('warn', format, fields);
  }

  error(format: string, fields?: Record<string, unknown>): void {
    this.emit('error', format, fields);
  }

  critical(format: string, fields?: Record<string, unknown>): void {
    this.emit('critical', format, fields);
  }

  /**
   * Log an unexpected error with its traceback, at 'critical' unless `level` says otherwise.
   * `failure` may be a Failure or anything thrown. Logging a Failure counts as handling it: it
   * is marked observed, so it is not reported again as an unhandled Deferred failure.
   */
  failure(
    format: string,
    failure: Failure | unknown,
    fields?: Record<string, unknown>,
    level: LogLevel = 'critical',
  ): void {
    const wrapped = Failure.from(failure);
    markObserved(wrapped);
    this.emit(level, format, fields, wrapped);
  }

  /** Build and publish one event; the single place every method funnels through. */
  emit(level: LogLevel, format: string, fields?: Record<string, unknown>, failure?: Failure): void {
    try {
      const event: LogEvent = {
        namespace: this.namespace,
        level,
        format,
        time: Date.now() / 1000,
        // Copied so a caller mutating its object afterwards does not change a buffered event.
        fields: fields === undefined ? {} : { ...fields },
        ...(failure === undefined ? {} : { failure }),
      };
      this.publisher.publish(event);
    } catch {
      // Copying exotic fields (a throwing Proxy) is the only thing here that can throw;
      // publish() itself never does. A log call must not break the code that made it.
    }
  }
}
