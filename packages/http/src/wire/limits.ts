import { InvalidHTTPLimitError } from './errors.js';

/**
 * Every size a peer controls, with the reply a server gives when it is exceeded. The parser
 * enforces them while bytes arrive, so a hostile peer never makes us buffer more than these.
 */
export interface HTTPLimits {
  /** Longest request line or status line, in bytes, CRLF excluded (→ 414). Default 8 KiB. */
  readonly maxRequestLine: number;
  /** Total bytes of the header section (or trailer section), field lines with their CRLFs (→ 431). Default 64 KiB. */
  readonly maxHeaderBytes: number;
  /** Most header (or trailer) field lines in one message (→ 431). Default 100. */
  readonly maxHeaders: number;
  /**
   * Largest body the parser accepts per message unless the handler changes it for that message
   * with `parser.setBodyLimit()` (a server buffers bodies up to this; → 413). Default 10 MiB.
   */
  readonly maxBodyBytes: number;
  /** Longest chunk-size line (size + extensions) of a chunked body (→ 400). Default 4 KiB. */
  readonly maxChunkSizeLine: number;
  /**
   * Total bytes of chunk extensions in one message: many tiny chunks with long extensions would
   * otherwise cost far more than the body (CVE-2024-22019) (→ 413). Default 16 KiB.
   */
  readonly maxChunkExtensionBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HTTPLimits = Object.freeze({
  maxRequestLine: 8 * 1024,
  maxHeaderBytes: 64 * 1024,
  maxHeaders: 100,
  maxBodyBytes: 10 * 1024 * 1024,
  maxChunkSizeLine: 4 * 1024,
  maxChunkExtensionBytes: 16 * 1024,
});

/** The defaults with `overrides` applied; throws InvalidHTTPLimitError for a non-positive value. */
export function resolveHTTPLimits(overrides: Partial<HTTPLimits> = {}): HTTPLimits {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0) || Number.isNaN(value)) {
      throw new InvalidHTTPLimitError(
        `HTTP limit ${name} must be a positive number (bytes or a count), got ${String(value)}.`,
      );
    }
  }
  return Object.freeze(limits);
}
