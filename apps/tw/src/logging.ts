import {
  filteringObserver,
  globalLogPublisher,
  jsonFileLogObserver,
  routeUnhandledFailuresToLog,
  textFileLogObserver,
  type LogLevel,
  type LogStream,
} from '@tw/core';
import type { LogFormat } from './config.js';

/**
 * Point the global log publisher (where every Logger without its own publisher writes) at
 * `stream`, as text lines or JSON lines, dropping events below `level`; unhandled Deferred
 * failures are logged too. Returns a function that undoes it.
 */
export function startLogging(format: LogFormat, level: LogLevel, stream: LogStream): () => void {
  const observer = format === 'json' ? jsonFileLogObserver(stream) : textFileLogObserver(stream);
  const removeObserver = globalLogPublisher.addObserver(
    filteringObserver(observer, { defaultLevel: level }),
  );
  const stopRouting = routeUnhandledFailuresToLog(globalLogPublisher);
  return () => {
    stopRouting();
    removeObserver();
  };
}
