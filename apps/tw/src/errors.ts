import { TwError } from '@tw/core';

/**
 * The command line or a config file asked for something impossible (unknown plugin, bad value,
 * unreadable config). `tw` prints the message and exits with code 2.
 */
export class UsageError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_CLI_USAGE', message, options);
  }
}

/** A config file that cannot be read or does not have the expected shape. Exit code 2. */
export class ConfigError extends TwError {
  readonly path: string;

  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super('TW_CLI_CONFIG', `Config file ${path}: ${problem}`, options);
    this.path = path;
  }
}
