import { InvalidCharRefError, InvalidMarkupNameError } from './errors.js';

/**
 * Escaping for each place text can land in HTML. Attribute values are always written inside
 * double quotes, so escaping `"` is what keeps a value inside its attribute; `'` is escaped too
 * so the output stays safe if someone re-quotes it. URLs are not checked: a `javascript:` href
 * built from user input is the caller's to refuse.
 */

const TEXT_SPECIAL = /[&<>]/;
const TEXT_SPECIAL_ALL = /[&<>]/g;
const ATTRIBUTE_SPECIAL = /[&<>"']/;
const ATTRIBUTE_SPECIAL_ALL = /[&<>"']/g;

const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const toEntity = (ch: string): string => ENTITY[ch] ?? ch;

/** Escape text for element content: `&`, `<`, `>`. */
export function escapeText(text: string): string {
  return TEXT_SPECIAL.test(text) ? text.replace(TEXT_SPECIAL_ALL, toEntity) : text;
}

/** Escape text for a double-quoted attribute value: `&`, `<`, `>`, `"`, `'`. */
export function escapeAttribute(text: string): string {
  return ATTRIBUTE_SPECIAL.test(text) ? text.replace(ATTRIBUTE_SPECIAL_ALL, toEntity) : text;
}

/**
 * Comment data that cannot close the comment or open another: `--` is spaced apart, `>` and `<`
 * are escaped (as Twisted does for `>`), and a trailing `-` gets a space so `--->` cannot form.
 */
export function escapeComment(data: string): string {
  let out = data.replace(/--/g, '- - ').replace(/>/g, '&gt;').replace(/</g, '&lt;');
  if (out.endsWith('-')) out += ' ';
  return out;
}

/** CDATA data with each `]]>` split across two sections so it cannot end the section early. */
export function escapeCDATA(data: string): string {
  return data.replace(/]]>/g, ']]]]><![CDATA[>');
}

/** `&#N;` for a code point HTML accepts in a character reference. */
export function charRefMarkup(ordinal: number): string {
  if (
    !Number.isInteger(ordinal) ||
    ordinal < 1 ||
    ordinal > 0x10ffff ||
    (ordinal >= 0xd800 && ordinal <= 0xdfff)
  ) {
    throw new InvalidCharRefError(ordinal);
  }
  return `&#${ordinal};`;
}

// HTML's tokenizer ends a tag name at whitespace, '/' or '>'; we also keep to the characters
// real element names (including custom elements and svg:foo in XHTML) use.
const TAG_NAME = /^[A-Za-z][A-Za-z0-9._:-]*$/;
// An attribute name ends at whitespace, '/', '>' or '='; quotes and '<' are parse errors that
// browsers recover from differently, so they are refused too. Vue's '@click' and Alpine's
// 'x-on:click' stay valid.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const ATTRIBUTE_NAME = /^[^\s\u0000-\u001f\u007f-\u009f"'<>/=]+$/;

/** Throw InvalidMarkupNameError unless `name` is a safe tag name. */
export function checkTagName(name: string): void {
  if (!TAG_NAME.test(name)) throw new InvalidMarkupNameError('tag', name);
}

/** Throw InvalidMarkupNameError unless `name` is a safe attribute name. */
export function checkAttributeName(name: string): void {
  if (!ATTRIBUTE_NAME.test(name)) throw new InvalidMarkupNameError('attribute', name);
}
