import { Failure, TwError } from '@tw/core';

/**
 * The errors of the HTTP client, in twisted.web.client's names. Each has a stable `code`
 * (TW_HTTP_…) so callers can branch on it with `isTwError(e, code)`.
 */

function describeReasons(reasons: readonly Failure[]): string {
  return reasons
    .map((reason) => (reason.value instanceof Error ? reason.value.message : String(reason.value)))
    .join('; ');
}

/** The response was being received and the connection failed (or the parser refused it). */
export class ResponseFailed extends TwError {
  /** Why: one Failure per cause, first the one that stopped the response. */
  readonly reasons: readonly Failure[];
  /** The Response, when the status line and headers had already arrived. */
  readonly response: unknown;

  constructor(reasons: readonly Failure[], response: unknown = null) {
    super(
      'TW_HTTP_RESPONSE_FAILED',
      `The HTTP response failed: ${describeReasons(reasons)}`,
      reasons[0] === undefined ? undefined : { cause: reasons[0].value },
    );
    this.reasons = reasons;
    this.response = response;
  }
}

/**
 * The request was sent (or partly sent) but not one byte of a response arrived before the
 * connection closed. A kept-alive connection the server had just closed fails this way, which is
 * why the pool retries idempotent requests once on it.
 */
export class ResponseNeverReceived extends TwError {
  readonly reasons: readonly Failure[];

  constructor(reasons: readonly Failure[]) {
    super(
      'TW_HTTP_RESPONSE_NEVER_RECEIVED',
      `The connection closed before any response arrived: ${describeReasons(reasons)}`,
      reasons[0] === undefined ? undefined : { cause: reasons[0].value },
    );
    this.reasons = reasons;
  }
}

/** Writing the request (its head or its body) failed. */
export class RequestTransmissionFailed extends TwError {
  readonly reasons: readonly Failure[];

  constructor(reasons: readonly Failure[]) {
    super(
      'TW_HTTP_REQUEST_TRANSMISSION_FAILED',
      `Sending the HTTP request failed: ${describeReasons(reasons)}`,
      reasons[0] === undefined ? undefined : { cause: reasons[0].value },
    );
    this.reasons = reasons;
  }
}

/** The request could not be sent at all: the connection was gone or busy. */
export class RequestNotSent extends TwError {
  constructor(message = 'The HTTP request was not sent: the connection is closed or busy.') {
    super('TW_HTTP_REQUEST_NOT_SENT', message);
  }
}

/** The clean end of a response body: the reason a body receiver's connectionLost() gets. */
export class ResponseDone extends TwError {
  constructor(message = 'The response body was delivered completely.') {
    super('TW_HTTP_RESPONSE_DONE', message);
  }
}

/** A body producer wrote more or fewer bytes than the `length` it announced. */
export class WrongBodyLength extends TwError {
  constructor(message: string) {
    super('TW_HTTP_WRONG_BODY_LENGTH', message);
  }
}

/** No response headers arrived within the response timeout after the request was sent. */
export class ResponseTimeoutError extends TwError {
  constructor(readonly seconds: number) {
    super(
      'TW_HTTP_RESPONSE_TIMEOUT',
      `No response headers arrived within ${seconds} s; raise the Agent's responseTimeout option if the server is slow.`,
    );
  }
}

/** The response body stalled: no bytes for longer than the idle timeout. */
export class BodyIdleTimeoutError extends TwError {
  constructor(readonly seconds: number) {
    super(
      'TW_HTTP_BODY_IDLE_TIMEOUT',
      `The response body sent nothing for ${seconds} s; raise the Agent's bodyIdleTimeout option if the server is slow.`,
    );
  }
}

/** readBody() stopped: the body is larger than the limit it was given. */
export class BodyTooLargeError extends TwError {
  constructor(readonly limit: number) {
    super(
      'TW_HTTP_BODY_TOO_LARGE',
      `The response body is larger than ${limit} bytes; pass a larger maxSize to readBody() or stream it with deliverBody().`,
    );
  }
}

/** The decompressed body grew past the ContentDecoderAgent's limit (a decompression bomb?). */
export class DecompressedBodyTooLargeError extends TwError {
  constructor(readonly limit: number) {
    super(
      'TW_HTTP_DECOMPRESSED_TOO_LARGE',
      `The decompressed response body exceeds ${limit} bytes; raise ContentDecoderAgent's maxDecompressedSize if this is expected.`,
    );
  }
}

/** The URL's scheme is not http or https. */
export class SchemeNotSupported extends TwError {
  constructor(scheme: string) {
    super(
      'TW_HTTP_SCHEME_NOT_SUPPORTED',
      `The Agent speaks http: and https:, not ${scheme}; pass a URL with one of those schemes.`,
    );
  }
}

/** The URL could not be parsed or names no host. */
export class InvalidURLError extends TwError {
  constructor(url: string, why: string) {
    super('TW_HTTP_INVALID_URL', `Cannot request ${JSON.stringify(url)}: ${why}.`);
  }
}

/** A request's method, header name or header value would break the request's framing. */
export class InvalidRequestError extends TwError {
  constructor(message: string) {
    super('TW_HTTP_INVALID_REQUEST', message);
  }
}

/** A redirect response (3xx) had no usable Location header. */
export class RedirectWithNoLocation extends TwError {
  constructor(
    readonly response: unknown,
    readonly uri: string,
  ) {
    super(
      'TW_HTTP_REDIRECT_NO_LOCATION',
      `The redirect response for ${uri} has no Location header to follow.`,
    );
  }
}

/** More redirects than the RedirectAgent allows (or a loop). */
export class InfiniteRedirection extends TwError {
  constructor(
    readonly response: unknown,
    readonly limit: number,
  ) {
    super(
      'TW_HTTP_TOO_MANY_REDIRECTS',
      `Gave up after ${limit} redirects; raise RedirectAgent's redirectLimit if the chain is legitimate.`,
    );
  }
}

/** A redirect from https: to http: was refused (pass allowInsecureDowngrade to follow it). */
export class RedirectDowngradeRefused extends TwError {
  constructor(
    readonly response: unknown,
    readonly location: string,
  ) {
    super(
      'TW_HTTP_REDIRECT_DOWNGRADE',
      `Refused to follow a redirect from https to ${location}; set allowInsecureDowngrade: true on the RedirectAgent to allow it.`,
    );
  }
}

/** The response's Content-Encoding is one the ContentDecoderAgent does not know. */
export class UnsupportedContentEncoding extends TwError {
  constructor(readonly encoding: string) {
    super(
      'TW_HTTP_UNSUPPORTED_CONTENT_ENCODING',
      `The response uses Content-Encoding ${JSON.stringify(encoding)}, which this client cannot decode.`,
    );
  }
}

/** True for the errors that say "a timeout fired", whatever layer raised them. */
export function isTimeoutFailure(reason: unknown): boolean {
  const value = reason instanceof Failure ? reason.value : reason;
  if (value instanceof ResponseTimeoutError || value instanceof BodyIdleTimeoutError) return true;
  if (
    value instanceof TwError &&
    (value.code === 'TW_CONNECT_TIMEOUT' || value.code === 'TW_DEFER_TIMEOUT')
  )
    return true;
  if (
    value instanceof ResponseFailed ||
    value instanceof ResponseNeverReceived ||
    value instanceof RequestTransmissionFailed
  )
    return value.reasons.some((inner) => isTimeoutFailure(inner));
  return false;
}
