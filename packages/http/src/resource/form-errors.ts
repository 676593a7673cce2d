import { TwError } from '@tw/core';

/**
 * A request body that claimed to be a form could not be used: malformed (status 400, code
 * TW_HTTP_BAD_FORM) or beyond a FormLimits limit (status 413, code TW_HTTP_FORM_TOO_LARGE).
 * The Site answers with `status` instead of rendering the resource.
 */
export class FormParseError extends TwError {
  constructor(
    code: 'TW_HTTP_BAD_FORM' | 'TW_HTTP_FORM_TOO_LARGE',
    readonly status: 400 | 413,
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
