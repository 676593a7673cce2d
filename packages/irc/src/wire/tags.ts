/**
 * IRCv3 message-tags: `@key=value;key2;vendor.example/key3=value` with the value escapes
 * `\:` → ';', `\s` → ' ', `\\` → '\', `\r` → CR, `\n` → LF.
 */
import { InvalidIRCMessageError } from './errors.js';

/**
 * Unescape a tag value char by char (so `\\n` is a backslash then 'n', never a newline). A
 * backslash before any other character is dropped, and a trailing lone backslash is dropped,
 * as the specification says.
 */
export function unescapeTagValue(value: string): string {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = value[++i];
    if (next === undefined) break;
    switch (next) {
      case ':':
        out += ';';
        break;
      case 's':
        out += ' ';
        break;
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      default:
        out += next; // includes '\\'
    }
  }
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = {
  ';': '\\:',
  ' ': '\\s',
  '\\': '\\\\',
  '\r': '\\r',
  '\n': '\\n',
};

/** Escape a tag value for the wire. NUL cannot be represented and is rejected. */
export function escapeTagValue(value: string): string {
  if (value.includes('\0')) {
    throw new InvalidIRCMessageError('IRC tag values cannot contain NUL');
  }
  return value.replace(/[; \\\r\n]/g, (ch) => ESCAPES[ch]!);
}

/**
 * Parse the tag section (without the leading '@'). Missing and empty values both map to '';
 * when a key repeats the last one wins; empty keys (from ';;') are skipped.
 */
export function parseTags(raw: string): Map<string, string> {
  // Run for nearly every line a server with server-time sends: walk the separators rather than
  // split into an array of items and slice each again.
  const tags = new Map<string, string>();
  // The next '=' at or after `start`, searched again only once passed, so a section of many
  // value-less tags is still scanned once (a hostile server may send 8 KiB of them).
  let eq = raw.indexOf('=');
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(';', start);
    if (end === -1) end = raw.length;
    if (eq !== -1 && eq < start) eq = raw.indexOf('=', start);
    if (end > start) {
      if (eq === -1 || eq >= end) tags.set(raw.slice(start, end), '');
      else if (eq > start) tags.set(raw.slice(start, eq), unescapeTagValue(raw.slice(eq + 1, end)));
    }
    start = end + 1;
  }
  return tags;
}

/**
 * A tag key as IRCv3 defines it: an optional client-only '+', an optional vendor (a host
 * name) and '/', then letters, digits and hyphens.
 */
const TAG_KEY = /^\+?(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\/)?[A-Za-z0-9-]+$/;

/** True when `key` may be sent as a tag key. */
export function isValidTagKey(key: string): boolean {
  return TAG_KEY.test(key);
}

/**
 * Serialise tags without the leading '@'; '' when there are none. An empty value is sent in
 * the short form (`key`), which the specification makes equivalent to `key=`.
 */
export function formatTags(tags: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of tags) {
    if (!isValidTagKey(key)) {
      throw new InvalidIRCMessageError(`invalid IRC tag key ${JSON.stringify(key)}`);
    }
    if (out !== '') out += ';';
    out += value === '' ? key : `${key}=${escapeTagValue(value)}`;
  }
  return out;
}

/** IRCv3 server-time: `YYYY-MM-DDThh:mm:ss.sssZ`, always UTC with milliseconds. */
const SERVER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

let lastFormattedMillis = NaN;
let lastFormatted = '';

/**
 * Format a time for the `time` tag (IRCv3 server-time). The last answer is remembered: a server
 * stamps every line it sends, many within one millisecond, and toISOString is not cheap.
 */
export function formatServerTime(time: Date | number): string {
  const millis = typeof time === 'number' ? time : time.getTime();
  if (millis !== lastFormattedMillis) {
    // Throws RangeError for an invalid time (NaN never equals the remembered value).
    lastFormatted = new Date(millis).toISOString();
    lastFormattedMillis = millis;
  }
  return lastFormatted;
}

let lastTimeValue: string | null = null;
let lastTimeMillis = NaN;

/**
 * The milliseconds a `time` tag value stands for (as `Date.parse` reads it), NaN when it is not
 * a date. The last answer is remembered: the lines of a burst (a JOIN flood, NAMES, a history
 * playback) and one message relayed to several connections share their stamp.
 */
export function serverTimeMillis(value: string): number {
  if (value !== lastTimeValue) {
    lastTimeMillis = Date.parse(value);
    lastTimeValue = value;
  }
  return lastTimeMillis;
}

/** Parse a `time` tag value; null when it is not the server-time format or not a real date. */
export function parseServerTime(value: string): Date | null {
  if (!SERVER_TIME.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
