import { isTwError } from '@tw/core';
import { UsageError } from './errors.js';

/** What `tw` exits with. */
export const ExitCode = {
  /** Done, or stopped cleanly (SIGINT/SIGTERM). */
  ok: 0,
  /** Something failed while running: a port could not be bound, a file could not be written. */
  failure: 1,
  /** The command line or config asked for something impossible; nothing was started. */
  usage: 2,
} as const;

/**
 * Errors that mean "the user asked for something wrong" rather than "something broke": a bad
 * option value, an endpoint description that does not parse, an invalid user name.
 */
const USAGE_CODES = new Set([
  'TW_ENDPOINT_INVALID_DESCRIPTION',
  'TW_ENDPOINT_UNKNOWN_SCHEME',
  'TW_ENDPOINT_UNKNOWN_KEYWORD',
  'TW_CRED_INVALID_USERNAME',
]);

/** `error` as a UsageError when it is one in substance (message prefixed), else null. */
export function usageErrorFrom(error: unknown, prefix = ''): UsageError | null {
  if (!isTwError(error)) return null;
  if (error.code === 'TW_CLI_USAGE' || error.code === 'TW_CLI_CONFIG') return error as UsageError;
  if (USAGE_CODES.has(error.code) || error.code.startsWith('TW_PLUGIN_')) {
    return new UsageError(`${prefix}${error.message}`, { cause: error });
  }
  return null;
}
