import type { ILogObserver, LogLevel } from '../../interfaces/logger.js';
import { isLevelAtLeast } from '../levels.js';

/** Which events a {@link filteringObserver} passes on. */
export interface LevelFilterOptions {
  /** The least severe level passed for namespaces not listed in `namespaces`. Default 'info'. */
  readonly defaultLevel?: LogLevel;
  /**
   * Levels per namespace prefix: `{ 'tw.core': 'debug', 'tw.core.tls': 'warn' }`. A prefix
   * matches itself and the namespaces below it at a dot ('tw.core' matches 'tw.core.tcp', not
   * 'tw.corex'); the longest matching prefix wins.
   */
  readonly namespaces?: Readonly<Record<string, LogLevel>>;
}

/**
 * Wrap `observer` so it only sees events at or above the level configured for their
 * namespace (Twisted's FilteringLogObserver with a LogLevelFilterPredicate).
 */
export function filteringObserver(
  observer: ILogObserver,
  options: LevelFilterOptions = {},
): ILogObserver {
  const levelFor = namespaceLevelResolver(options);
  return (event) => {
    if (isLevelAtLeast(event.level, levelFor(event.namespace))) observer(event);
  };
}

/**
 * The level that applies to a namespace under `options`, memoised per namespace: loggers are
 * few and long-lived, so the prefix search runs once per namespace, not once per event.
 */
export function namespaceLevelResolver(
  options: LevelFilterOptions,
): (namespace: string) => LogLevel {
  const defaultLevel = options.defaultLevel ?? 'info';
  // Longest first, so the first match is the most specific.
  const prefixes = Object.entries(options.namespaces ?? {}).sort(([a], [b]) => b.length - a.length);
  const cache = new Map<string, LogLevel>();
  return (namespace) => {
    let level = cache.get(namespace);
    if (level === undefined) {
      level = prefixes.find(([prefix]) => namespaceIsUnder(namespace, prefix))?.[1] ?? defaultLevel;
      cache.set(namespace, level);
    }
    return level;
  };
}

function namespaceIsUnder(namespace: string, prefix: string): boolean {
  return namespace === prefix || (namespace.startsWith(prefix) && namespace[prefix.length] === '.');
}
