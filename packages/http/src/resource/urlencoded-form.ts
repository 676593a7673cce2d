import { formTooLarge } from './form-errors.js';
import type { FormLimits } from './form-limits.js';
import { percentDecode } from './percent-decode.js';

/**
 * Parse application/x-www-form-urlencoded text (a query string or a body) into `into`, appending
 * to values already there. Keeps blank values ('a=&b' → a: [''], b: ['']) as Twisted's
 * parse_qs(keep_blank_values=1) does; skips empty pairs ('a&&b'). '+' is a space; escapes decode
 * as UTF-8. Throws FormParseError (413) past limits.maxFields or limits.maxFieldSize.
 */
export function parseURLEncoded(
  text: string,
  into: Map<string, string[]>,
  limits: Pick<FormLimits, 'maxFields' | 'maxFieldSize'>,
): void {
  let fields = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      if (++fields > limits.maxFields) {
        throw formTooLarge(
          `The form has more than ${limits.maxFields} fields (FormLimits.maxFields).`,
        );
      }
      const pair = text.slice(start, end);
      const eq = pair.indexOf('=');
      const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
      if (utf8Length(name) > limits.maxFieldSize || utf8Length(value) > limits.maxFieldSize) {
        tooBigField(limits.maxFieldSize);
      }
      const values = into.get(name);
      if (values === undefined) into.set(name, [value]);
      else values.push(value);
    }
    start = end + 1;
  }
}

function decodeComponent(raw: string): string {
  return percentDecode(raw.includes('+') ? raw.replace(/\+/g, ' ') : raw);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function tooBigField(max: number): never {
  throw formTooLarge(`A form field is larger than ${max} bytes (FormLimits.maxFieldSize).`);
}
