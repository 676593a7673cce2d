/**
 * The base of every error @tw throws on purpose. Each subclass carries a stable `code`
 * (`TW_<AREA>_<WHAT>`) so callers can branch on it without `instanceof` across package copies;
 * `isTwError(e, code)` checks the brand `Symbol.for('tw.error')` that survives duplicated installs.
 */
export class TwError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, TW_ERROR_BRAND, { value: code });
  }
}

const TW_ERROR_BRAND = Symbol.for('tw.error');

/** True when `error` is a TwError (from any copy of @tw/core), optionally with the given code. */
export function isTwError(error: unknown, code?: string): error is TwError {
  if (typeof error !== 'object' || error === null) return false;
  const brand = (error as Record<symbol, unknown>)[TW_ERROR_BRAND];
  return typeof brand === 'string' && (code === undefined || brand === code);
}
