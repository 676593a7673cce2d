import { Logger } from '../../log/logger.js';

/** Where the reactor's caught errors go; observers select them by this namespace. */
const reactorLog = new Logger('tw.core.reactor');

/**
 * Report an error the reactor caught so that the process keeps running: a protocol's callback
 * that threw, a delayed call that threw, a trigger that failed. Logged at 'critical' with the
 * traceback through the global log publisher (stderr until the program adds an observer); this
 * is the one place to re-route it.
 */
export function reportError(what: string, error: unknown): void {
  // `what` is a field, not the format: it holds class names and addresses, never braces to
  // interpret, and a constant format lets JSON consumers group these events.
  reactorLog.failure('{what}', error, { what });
}
