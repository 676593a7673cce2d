import { Buffer } from 'node:buffer';
import { badForm, formTooLarge } from './form-errors.js';
import type { FormLimits } from './form-limits.js';
import { parseParameterizedValue } from './header-params.js';
import { percentDecode } from './percent-decode.js';

/** A file from a multipart/form-data body (a part with a filename). */
export interface UploadedFile {
  /**
   * The file name as the client sent it (filename* preferred over filename). Untrusted: it may
   * hold '/', '\\' or '..'; never use it as a path without cleaning it.
   */
  readonly filename: string;
  /** The part's Content-Type, or 'application/octet-stream' when it had none. */
  readonly contentType: string;
  /** The file's bytes: a view into the request body, not a copy. */
  readonly data: Uint8Array;
}

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Most characters RFC 2046 §5.1.1 allows in a boundary; we allow more, within reason. */
const MAX_BOUNDARY_LENGTH = 200;

/**
 * Parse a whole multipart/form-data body (RFC 7578) into `args` (fields, decoded as UTF-8) and
 * `files` (parts with a filename), appending to what is there. The body is already complete and
 * bounded, so this is a single synchronous pass: each delimiter is found with Buffer#indexOf,
 * and file data stays a view into `body`. Throws FormParseError: 400 when the body is not
 * well-formed multipart, 413 past a FormLimits limit.
 */
export function parseMultipart(
  body: Uint8Array,
  boundary: string,
  args: Map<string, string[]>,
  files: Map<string, UploadedFile[]>,
  limits: FormLimits,
): void {
  if (boundary.length === 0 || boundary.length > MAX_BOUNDARY_LENGTH || /[\r\n]/.test(boundary)) {
    throw badForm('The multipart boundary parameter is missing or invalid.');
  }
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');

  // The first delimiter opens the body, or ends a preamble (which is ignored).
  let pos: number;
  if (buf.subarray(0, dashBoundary.length).equals(dashBoundary)) {
    pos = dashBoundary.length;
  } else {
    const first = buf.indexOf(delimiter);
    if (first < 0) throw badForm('The multipart body has no boundary delimiter.');
    pos = first + delimiter.length;
  }

  let parts = 0;
  let fields = 0;
  let fileCount = 0;
  for (;;) {
    // After a delimiter: '--' closes the body (the epilogue is ignored); otherwise optional
    // transport padding then CRLF opens a part.
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) return;
    while (buf[pos] === 0x20 || buf[pos] === 0x09) pos++;
    if (buf[pos] === CR && buf[pos + 1] === LF) pos += 2;
    else throw badForm('A multipart boundary delimiter is not followed by CRLF.');

    if (++parts > limits.maxParts) {
      throw formTooLarge(`The form has more than ${limits.maxParts} parts (FormLimits.maxParts).`);
    }

    let headerText = '';
    let dataStart: number;
    if (buf[pos] === CR && buf[pos + 1] === LF) {
      dataStart = pos + 2; // a part with no header fields
    } else {
      const window = buf.subarray(pos, pos + limits.maxPartHeaderBytes + HEADER_END.length);
      const end = window.indexOf(HEADER_END);
      if (end < 0) {
        if (window.length > limits.maxPartHeaderBytes) {
          throw formTooLarge(
            `A multipart part's header is larger than ${limits.maxPartHeaderBytes} bytes ` +
              '(FormLimits.maxPartHeaderBytes).',
          );
        }
        throw badForm("A multipart part's header section does not end.");
      }
      headerText = utf8.decode(window.subarray(0, end));
      dataStart = pos + end + HEADER_END.length;
    }

    const dataEnd = buf.indexOf(delimiter, dataStart);
    if (dataEnd < 0) throw badForm('The multipart body ends inside a part (no closing boundary).');
    const data = body.subarray(dataStart, dataEnd);
    pos = dataEnd + delimiter.length;

    const part = describePart(headerText);
    if (part === null) continue; // not form-data, or no name: nothing to file it under
    if (part.filename === null) {
      if (++fields > limits.maxFields) {
        throw formTooLarge(
          `The form has more than ${limits.maxFields} fields (FormLimits.maxFields).`,
        );
      }
      if (data.length > limits.maxFieldSize) {
        throw formTooLarge(
          `Form field "${part.name}" is larger than ${limits.maxFieldSize} bytes (FormLimits.maxFieldSize).`,
        );
      }
      append(args, part.name, utf8.decode(data));
    } else {
      if (++fileCount > limits.maxFiles) {
        throw formTooLarge(
          `The form has more than ${limits.maxFiles} files (FormLimits.maxFiles).`,
        );
      }
      if (data.length > limits.maxFileSize) {
        throw formTooLarge(
          `Uploaded file "${part.name}" is larger than ${limits.maxFileSize} bytes (FormLimits.maxFileSize).`,
        );
      }
      append(files, part.name, {
        filename: part.filename,
        contentType: part.contentType ?? 'application/octet-stream',
        data,
      });
    }
  }
}

interface PartDescription {
  readonly name: string;
  readonly filename: string | null;
  readonly contentType: string | null;
}

/** Name, filename and type from a part's header block; null when it is not a named form-data part. */
function describePart(headerText: string): PartDescription | null {
  let disposition: string | null = null;
  let contentType: string | null = null;
  // Lines starting with whitespace continue the previous field (obsolete folding).
  let last: 'disposition' | 'type' | null = null;
  for (const line of headerText.split('\r\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== null) {
      if (last === 'disposition') disposition += ' ' + line.trim();
      else contentType += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      last = null;
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition' && disposition === null) {
      disposition = value;
      last = 'disposition';
    } else if (name === 'content-type' && contentType === null) {
      contentType = value;
      last = 'type';
    } else {
      last = null;
    }
  }
  if (disposition === null) return null;
  const parsed = parseParameterizedValue(disposition);
  const name = parsed.params.get('name');
  if (parsed.value !== 'form-data' || name === undefined) return null;
  const extended = parsed.params.get('filename*');
  const decodedExtended = extended === undefined ? null : decodeExtValue(extended);
  const filename = decodedExtended ?? parsed.params.get('filename') ?? null;
  return { name, filename, contentType };
}

/** An RFC 8187 ext-value (charset'language'pct-encoded) in UTF-8 or ISO-8859-1, or null. */
function decodeExtValue(extValue: string): string | null {
  const first = extValue.indexOf("'");
  const second = first < 0 ? -1 : extValue.indexOf("'", first + 1);
  if (second < 0) return null;
  const charset = extValue.slice(0, first).toLowerCase();
  const encoded = extValue.slice(second + 1);
  if (charset === 'utf-8') return percentDecode(encoded);
  if (charset === 'iso-8859-1') {
    return encoded.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
  }
  return null;
}

function append<V>(map: Map<string, V[]>, name: string, value: V): void {
  const values = map.get(name);
  if (values === undefined) map.set(name, [value]);
  else values.push(value);
}
