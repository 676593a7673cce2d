/**
 * Character classes of RFC 9110 §5.6 as byte tables, so validating a header costs one array
 * load per byte and no regular expression.
 */

/** tchar: "!#$%&'*+-.^_`|~" / DIGIT / ALPHA. */
export const TOKEN_BYTES: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const ch of "!#$%&'*+-.^_`|~") table[ch.charCodeAt(0)] = 1;
  for (let b = 0x30; b <= 0x39; b++) table[b] = 1;
  for (let b = 0x41; b <= 0x5a; b++) table[b] = 1;
  for (let b = 0x61; b <= 0x7a; b++) table[b] = 1;
  return table;
})();

/** field-vchar / SP / HTAB: VCHAR, obs-text (0x80–0xFF), space and tab. No CTL, no DEL. */
export const FIELD_VALUE_BYTES: Uint8Array = (() => {
  const table = new Uint8Array(256);
  table[0x09] = 1;
  for (let b = 0x20; b <= 0x7e; b++) table[b] = 1;
  for (let b = 0x80; b <= 0xff; b++) table[b] = 1;
  return table;
})();

/** Bytes allowed in a request-target: visible ASCII, plus obs-text that real clients send raw. */
export const TARGET_BYTES: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0x21; b <= 0x7e; b++) table[b] = 1;
  for (let b = 0x80; b <= 0xff; b++) table[b] = 1;
  return table;
})();

/** True when `text` is a non-empty RFC 9110 token (a method, a header name, a coding). */
export function isToken(text: string): boolean {
  const length = text.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f || TOKEN_BYTES[code] !== 1) return false;
  }
  return true;
}

/**
 * True when `text` may be sent as a field value: latin-1 characters that are VCHAR, obs-text,
 * SP or HTAB (no CR, LF or NUL: those would split the message), without leading or trailing
 * whitespace.
 */
export function isFieldValue(text: string): boolean {
  const length = text.length;
  if (length === 0) return true;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff || FIELD_VALUE_BYTES[code] !== 1) return false;
  }
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(length - 1);
  return first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09;
}

/** ASCII lower case of a byte, for case-insensitive comparisons without allocating strings. */
export function lowerByte(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

/**
 * Trim optional whitespace (SP and HTAB only). String.prototype.trim() would also strip NBSP
 * (0xA0) and vertical tab, letting "chunked\xA0" pass for "chunked" — a smuggling vector.
 */
export function trimOWS(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isOWS(text.charCodeAt(start))) start++;
  while (end > start && isOWS(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isOWS(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Split a comma-separated list value (RFC 9110 §5.6.1), trimming OWS and dropping empty items. */
export function splitListValue(value: string): string[] {
  const items: string[] = [];
  for (const part of value.split(',')) {
    const item = trimOWS(part);
    if (item !== '') items.push(item);
  }
  return items;
}
