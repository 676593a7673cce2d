import type { LogEvent } from '../interfaces/logger.js';
import { REDACTED, isSensitiveFieldName } from './redaction.js';
import { stringifyValue, unformattable } from './safe-value.js';

/** What a placeholder renders as when the event has no such field. */
export const MISSING = 'MISSING';

/**
 * The event's message: `format` with each "{name}" replaced by its field (Twisted's
 * formatEvent). "{{" and "}}" are literal braces; "{peer.host}" reads a property of a field;
 * a field that is absent renders "MISSING", one named like a credential "[redacted]", one
 * whose conversion throws an "[unformattable: …]" marker. A "{" with no closing "}" is kept
 * as it is. Never throws.
 */
export function formatEvent(event: Pick<LogEvent, 'format' | 'fields'>): string {
  try {
    return renderFormat(String(event.format), event.fields);
  } catch (error) {
    return `Unable to format event: ${unformattable(error)}`;
  }
}

function renderFormat(format: string, fields: Readonly<Record<string, unknown>>): string {
  let out = '';
  let i = 0;
  while (i < format.length) {
    const char = format[i];
    const nextChar = format[i + 1];
    if (char === '{' && nextChar === '{') {
      out += '{';
      i += 2;
    } else if (char === '}' && nextChar === '}') {
      out += '}';
      i += 2;
    } else if (char === '{') {
      const close = format.indexOf('}', i + 1);
      if (close < 0) return out + format.slice(i);
      out += renderField(format.slice(i + 1, close).trim(), fields);
      i = close + 1;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}

function renderField(path: string, fields: Readonly<Record<string, unknown>>): string {
  const names = path.split('.');
  if (names.some(isSensitiveFieldName)) return REDACTED;
  const [first, ...rest] = names;
  if (first === undefined || first === '' || !Object.prototype.hasOwnProperty.call(fields, first))
    return MISSING;
  let value: unknown = fields[first];
  try {
    for (const name of rest) {
      if (
        value === null ||
        (typeof value !== 'object' && typeof value !== 'function') ||
        !(name in value)
      ) {
        return MISSING;
      }
      value = (value as Record<string, unknown>)[name];
    }
  } catch (error) {
    return unformattable(error);
  }
  return stringifyValue(value);
}
