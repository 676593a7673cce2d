import { InvalidHTTPLimitError } from '../wire/errors.js';

/**
 * Limits on a form body (urlencoded or multipart). The body itself is already bounded by the
 * channel's maxBodyBytes; these bound what parsing it may cost. Breaching one answers 413.
 */
export interface FormLimits {
  /** Most non-file fields (urlencoded pairs or multipart fields). Default 1000. */
  readonly maxFields: number;
  /** Largest field name or value, in bytes. Default 1 MiB. */
  readonly maxFieldSize: number;
  /** Most uploaded files. Default 100. */
  readonly maxFiles: number;
  /** Largest uploaded file, in bytes. Default 10 MiB. */
  readonly maxFileSize: number;
  /** Most multipart parts, fields and files together. Default 1000. */
  readonly maxParts: number;
  /** Largest header block of one multipart part, in bytes. Default 16 KiB. */
  readonly maxPartHeaderBytes: number;
}

export const DEFAULT_FORM_LIMITS: FormLimits = Object.freeze({
  maxFields: 1000,
  maxFieldSize: 1024 * 1024,
  maxFiles: 100,
  maxFileSize: 10 * 1024 * 1024,
  maxParts: 1000,
  maxPartHeaderBytes: 16 * 1024,
});

/** The defaults with `overrides` applied; throws InvalidHTTPLimitError for a non-positive value. */
export function resolveFormLimits(overrides: Partial<FormLimits> = {}): FormLimits {
  const limits = { ...DEFAULT_FORM_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new InvalidHTTPLimitError(
        `Form limit ${name} must be a positive number, got ${String(value)}.`,
      );
    }
  }
  return Object.freeze(limits);
}
