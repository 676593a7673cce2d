import type { LogLevel } from '../interfaces/logger.js';

/** Every level, least to most severe. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'critical'];

const SEVERITY: Readonly<Record<LogLevel, number>> = {
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
  critical: 4,
};

/** True when `level` is as severe as `threshold` or more ("warn" is at least "info"). */
export function isLevelAtLeast(level: LogLevel, threshold: LogLevel): boolean {
  return SEVERITY[level] >= SEVERITY[threshold];
}

/** Whether `value` names a level: for parsing `--log-level` and config files. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SEVERITY, value);
}
