import type { ILogObserver } from '../../interfaces/logger.js';
import { formatEventAsText } from '../format-text.js';
import type { LogStream } from './log-stream.js';

/**
 * An observer that writes each event as human-readable text (Twisted's textFileLogObserver):
 * `2026-11-21T05:40:00.123Z [tw.core.tcp#info] Connection from 127.0.0.1:5000`, a failure's
 * traceback on tab-indented lines after it. Credential fields render "[redacted]".
 */
export function textFileLogObserver(stream: LogStream): ILogObserver {
  return (event) => {
    stream.write(`${formatEventAsText(event)}\n`);
  };
}
