import type { IHeaders } from '../interfaces.js';
import type { IBodyProducer } from './body-producer.js';

/** One request as the connection sends it (twisted.web._newclient.Request). */
export interface ClientRequest {
  /** 'GET', 'POST', … (a token, sent as given). */
  readonly method: string;
  /** The request-target: origin-form '/path?query'. */
  readonly target: string;
  /** Every header to send, Host included; the connection adds the framing headers. */
  readonly headers: IHeaders;
  readonly bodyProducer: IBodyProducer | null;
  /** Keep the connection open afterwards (false sends Connection: close). */
  readonly persistent: boolean;
  /** The full URL, for Response.request and error messages. */
  readonly absoluteURI: string;
}

/** Methods RFC 9110 §9.2.2 calls idempotent: safe to send again on a fresh connection. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method);
}

/** Methods whose requests carry a body by convention: without one we send Content-Length: 0. */
const METHODS_EXPECTING_BODY = new Set(['POST', 'PUT', 'PATCH']);

export function methodExpectsBody(method: string): boolean {
  return METHODS_EXPECTING_BODY.has(method);
}
