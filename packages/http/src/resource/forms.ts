import { badForm } from './form-errors.js';
import { resolveFormLimits, type FormLimits } from './form-limits.js';
import { parseParameterizedValue } from './header-params.js';
import { parseMultipart, type UploadedFile } from './multipart-form.js';
import { parseURLEncoded } from './urlencoded-form.js';

/** What a form body holds: fields (name → values) and uploaded files (name → files). */
export interface ParsedForm {
  readonly args: Map<string, string[]>;
  readonly files: Map<string, UploadedFile[]>;
}

/** The form encodings parseFormBody understands, or null for any other Content-Type. */
export function formEncodingOf(contentType: string | null): 'urlencoded' | 'multipart' | null {
  if (contentType === null) return null;
  const { value } = parseParameterizedValue(contentType);
  if (value === 'application/x-www-form-urlencoded') return 'urlencoded';
  if (value === 'multipart/form-data') return 'multipart';
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Parse a complete request body sent as a form (what twisted.web's Request.requestReceived does
 * for POST): application/x-www-form-urlencoded into `args`, multipart/form-data into `args`
 * (fields) and `files` (parts with a filename). Values are appended to `into` when given — the
 * Site passes the query-string arguments so body fields follow them. Returns null when the
 * Content-Type is not a form. Throws FormParseError: 400 for a malformed body, 413 past `limits`.
 */
export function parseFormBody(
  contentType: string | null,
  body: Uint8Array,
  limits: FormLimits | Partial<FormLimits> = {},
  into: ParsedForm = { args: new Map(), files: new Map() },
): ParsedForm | null {
  const encoding = formEncodingOf(contentType);
  if (encoding === null) return null;
  const resolved = resolveFormLimits(limits);
  if (encoding === 'urlencoded') {
    // The body should be ASCII; decoding as UTF-8 keeps raw UTF-8 from sloppy clients intact.
    parseURLEncoded(utf8.decode(body), into.args, resolved);
    return into;
  }
  const boundary = parseParameterizedValue(contentType!).params.get('boundary');
  if (boundary === undefined) throw badForm('multipart/form-data without a boundary parameter.');
  parseMultipart(body, boundary, into.args, into.files, resolved);
  return into;
}
