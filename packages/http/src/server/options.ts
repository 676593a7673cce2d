import { resolveHTTPLimits, type HTTPLimits } from '../wire/limits.js';
import { InvalidHTTPLimitError } from '../wire/errors.js';

/** Options of an HTTPFactory / Site. Every limit a client can push has a default. */
export interface HTTPServerOptions {
  /** Parser limits (request line, headers, body buffering…); see HTTPLimits. */
  readonly limits?: Partial<HTTPLimits>;
  /** Seconds a kept-alive connection may sit with no request before it is closed. Default 60. */
  readonly idleTimeout?: number;
  /** Seconds from a request's first byte until its header section is complete (→ 408). Default 30. */
  readonly headersTimeout?: number;
  /** Seconds without a byte while a request body is arriving (→ 408). Default 30. */
  readonly bodyTimeout?: number;
  /** Seconds the client may leave our responses unread (transport buffer full) before we abort. Default 60. */
  readonly writeTimeout?: number;
  /** Requests received but not answered before we stop reading more from that connection. Default 64. */
  readonly maxPipelinedRequests?: number;
  /** Largest body a streaming resource may receive; Infinity for none. Default Infinity. */
  readonly maxStreamedBodyBytes?: number;
  /** The Server header value, or null to send none. Default 'tw-http'. */
  readonly serverName?: string | null;
}

/** HTTPServerOptions with every default applied. */
export interface ResolvedHTTPServerOptions {
  readonly limits: HTTPLimits;
  readonly idleTimeout: number;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  readonly writeTimeout: number;
  readonly maxPipelinedRequests: number;
  readonly maxStreamedBodyBytes: number;
  readonly serverName: string | null;
}

export function resolveHTTPServerOptions(
  options: HTTPServerOptions = {},
): ResolvedHTTPServerOptions {
  const resolved: ResolvedHTTPServerOptions = {
    limits: resolveHTTPLimits(options.limits),
    idleTimeout: options.idleTimeout ?? 60,
    headersTimeout: options.headersTimeout ?? 30,
    bodyTimeout: options.bodyTimeout ?? 30,
    writeTimeout: options.writeTimeout ?? 60,
    maxPipelinedRequests: options.maxPipelinedRequests ?? 64,
    maxStreamedBodyBytes: options.maxStreamedBodyBytes ?? Infinity,
    serverName: options.serverName === undefined ? 'tw-http' : options.serverName,
  };
  for (const name of [
    'idleTimeout',
    'headersTimeout',
    'bodyTimeout',
    'writeTimeout',
    'maxPipelinedRequests',
    'maxStreamedBodyBytes',
  ] as const) {
    const value = resolved[name];
    if (typeof value !== 'number' || !(value > 0)) {
      throw new InvalidHTTPLimitError(
        `HTTP server option ${name} must be a positive number, got ${String(value)}.`,
      );
    }
  }
  return resolved;
}
