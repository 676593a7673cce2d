import { TwError } from '@tw/core';

/**
 * A request body that claimed to be a form could not be used: malformed (status 400, code
 * TW_HTTP_BAD_FORM), beyond a FormLimits limit (status 413, code TW_HTTP_FORM_TOO_LARGE), or
 * sent with a Content-Encoding the server does not decode (status 415, code
 * TW_HTTP_FORM_UNSUPPORTED_ENCODING). The channel answers with `status` instead of rendering
 * the resource.
 */
export class FormParseError extends TwError {
  constructor(
    code: 'TW_HTTP_BAD_FORM' | 'TW_HTTP_FORM_TOO_LARGE' | 'TW_HTTP_FORM_UNSUPPORTED_ENCODING',
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(code, message);
    Object.defineProperty(this, Symbol.for(`tw.error.${code}`), { value: true });
  }
}

export function badForm(message: string): FormParseError {
  return new FormParseError('TW_HTTP_BAD_FORM', 400, message);
}

export function formTooLarge(message: string): FormParseError {
  return new FormParseError('TW_HTTP_FORM_TOO_LARGE', 413, message);
}

export function unsupportedFormEncoding(message: string): FormParseError {
  return new FormParseError('TW_HTTP_FORM_UNSUPPORTED_ENCODING', 415, message);
}
