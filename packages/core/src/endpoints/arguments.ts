import { EndpointDescriptionError } from './errors.js';
import type { EndpointParseContext } from './registry.js';

/**
 * Conversions from description strings to typed values, for scheme parsers (the built-in ones
 * and those of other packages). Each throws EndpointDescriptionError naming the keyword, what
 * it got, and what it expects.
 */

/** `context.values[name]`; an EndpointDescriptionError showing `usage` when it is missing or empty. */
export function requiredArgument(
  context: EndpointParseContext,
  name: string,
  usage: string,
): string {
  const value = context.values[name];
  if (value === undefined || value === '') {
    throw new EndpointDescriptionError(
      context.description,
      `the ${context.scheme}: ${context.kind} endpoint needs ${name}. Usage: ${usage}`,
    );
  }
  return value;
}

/** A TCP port: a decimal integer from 0 to 65535 (0 asks the system to pick one). */
export function portArgument(context: EndpointParseContext, name: string, value: string): number {
  return integerArgument(context, name, value, 0, 65535);
}

/** A decimal integer within [min, max]. */
export function integerArgument(
  context: EndpointParseContext,
  name: string,
  value: string,
  min: number,
  max: number,
): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new EndpointDescriptionError(
      context.description,
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}

/** A positive number of seconds; fractions allowed (`timeout=2.5`). */
export function secondsArgument(
  context: EndpointParseContext,
  name: string,
  value: string,
): number {
  const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number <= 0) {
    throw new EndpointDescriptionError(
      context.description,
      `${name} must be a positive number of seconds, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}

/** A file mode in octal digits, as chmod takes it (`mode=660`, `mode=0o600` also accepted). */
export function octalArgument(context: EndpointParseContext, name: string, value: string): number {
  const digits = value.replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(digits)) {
    throw new EndpointDescriptionError(
      context.description,
      `${name} must be an octal file mode such as 660, got ${JSON.stringify(value)}.`,
    );
  }
  return parseInt(digits, 8);
}

/** A flag: 1/0 as in Twisted, or true/false, yes/no. */
export function flagArgument(context: EndpointParseContext, name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (lower === '1' || lower === 'true' || lower === 'yes') return true;
  if (lower === '0' || lower === 'false' || lower === 'no') return false;
  throw new EndpointDescriptionError(
    context.description,
    `${name} must be 1 or 0, got ${JSON.stringify(value)}.`,
  );
}

/** A host name or IP literal; IPv6 brackets (`[::1]`) are removed. */
export function hostArgument(context: EndpointParseContext, name: string, value: string): string {
  const host = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (host === '' || /\s/.test(host)) {
    throw new EndpointDescriptionError(
      context.description,
      `${name} must be a host name or IP address, got ${JSON.stringify(value)}.`,
    );
  }
  return host;
}
