import { TwError } from '@tw/core';

/** The HTTP status a server answers a malformed or oversized request with. */
export type HTTPParseErrorStatus = 400 | 413 | 414 | 431 | 501 | 505;

/**
 * A message could not be parsed, or broke a limit. `status` is the reply a server sends before
 * closing the connection (RFC 9112 asks for 400 on any framing doubt; 413/414/431 for limits;
 * 501 for a transfer coding we do not implement; 505 for an HTTP version other than 1.x).
 * Codes: TW_HTTP_BAD_REQUEST, TW_HTTP_SMUGGLING, TW_HTTP_URI_TOO_LONG, TW_HTTP_HEADERS_TOO_LARGE,
 * TW_HTTP_BODY_TOO_LARGE, TW_HTTP_UNSUPPORTED_ENCODING, TW_HTTP_VERSION_NOT_SUPPORTED,
 * TW_HTTP_INCOMPLETE_MESSAGE.
 */
export class HTTPParseError extends TwError {
  readonly status: HTTPParseErrorStatus;

  constructor(code: string, status: HTTPParseErrorStatus, message: string) {
    super(code, message);
    this.status = status;
    Object.defineProperty(this, Symbol.for(`tw.error.${code}`), { value: true });
  }
}

/** A header name or value that would corrupt the message if serialised (response splitting). */
export class InvalidHeaderError extends TwError {
  constructor(message: string) {
    super('TW_HTTP_INVALID_HEADER', message);
  }
}

/** A limit option that is not a positive number. */
export class InvalidHTTPLimitError extends TwError {
  constructor(message: string) {
    super('TW_HTTP_INVALID_LIMIT', message);
  }
}
