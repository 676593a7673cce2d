import type { Failure } from '@tw/core';
import { Deferred, type IPushProducer } from '@tw/core';
import type { IHeaders } from '../interfaces.js';
import { Headers } from '../wire/headers.js';
import type { IAgent } from './agent.js';
import { FileBodyProducer, type IBodyProducer } from './body-producer.js';
import { InfiniteRedirection, RedirectDowngradeRefused, RedirectWithNoLocation } from './errors.js';
import type { Response } from './response.js';

export interface RedirectAgentOptions {
  /** Most redirects followed for one request (default 20, as Twisted). */
  readonly redirectLimit?: number;
  /** Follow a redirect from https: to http: (default false: RedirectDowngradeRefused). */
  readonly allowInsecureDowngrade?: boolean;
  /** Bytes of a redirect response's body read and discarded so its connection can be reused (default 64 KiB; more and the connection is dropped). */
  readonly maxDiscardedBody?: number;
}

/** Headers that carry credentials: never sent on to another origin (RFC 9110 §15.4). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
/** Headers that describe a request body: dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
  'transfer-encoding',
];

/**
 * Follows redirects (twisted.web.client.RedirectAgent, with browser-like method rewriting as
 * RFC 9110 §15.4 describes): opt-in, by wrapping another agent.
 *
 * - 301 and 302: a POST becomes a GET without a body (what every browser does; RFC 9110 allows
 *   it); other methods are repeated as they were.
 * - 303: any method but HEAD becomes a GET without a body.
 * - 307 and 308: the method and body are repeated; a body that cannot be produced again (a
 *   stream) is not, and the 307/308 response is returned as it is.
 * - https → http is refused unless `allowInsecureDowngrade`; Authorization, Cookie and
 *   Proxy-Authorization are not sent to another origin (scheme, host or port).
 * - More than `redirectLimit` redirects fail with InfiniteRedirection; a redirect without a
 *   Location with RedirectWithNoLocation. The final Response's `previousResponse` links back.
 *
 * Wrap a CookieAgent with it (not the other way round) so each hop gets its own cookies.
 */
export class RedirectAgent implements IAgent {
  private readonly redirectLimit: number;
  private readonly allowInsecureDowngrade: boolean;
  private readonly maxDiscardedBody: number;

  constructor(
    private readonly agent: IAgent,
    options: RedirectAgentOptions = {},
  ) {
    this.redirectLimit = options.redirectLimit ?? 20;
    this.allowInsecureDowngrade = options.allowInsecureDowngrade ?? false;
    this.maxDiscardedBody = options.maxDiscardedBody ?? 64 * 1024;
  }

  request(
    method: string,
    uri: string,
    headers: IHeaders | null = null,
    bodyProducer: IBodyProducer | null = null,
  ): Deferred<Response> {
    return this.follow(method, uri, headers, bodyProducer, 0, null);
  }

  private follow(
    method: string,
    uri: string,
    headers: IHeaders | null,
    bodyProducer: IBodyProducer | null,
    count: number,
    previous: Response | null,
  ): Deferred<Response> {
    return this.agent.request(method, uri, headers, bodyProducer).addCallback((response) => {
      response.previousResponse = previous;
      const next = this.nextRequest(response, method, uri, headers, bodyProducer);
      if (next === null) return response;
      if (count >= this.redirectLimit) throw new InfiniteRedirection(response, this.redirectLimit);
      // Wait for the redirect's body to be drained so its connection can carry the next request.
      return discardBody(response, this.maxDiscardedBody).addCallback(() =>
        this.follow(next.method, next.uri, next.headers, next.body, count + 1, response),
      );
    });
  }

  private nextRequest(
    response: Response,
    method: string,
    uri: string,
    headers: IHeaders | null,
    body: IBodyProducer | null,
  ): { method: string; uri: string; headers: IHeaders | null; body: IBodyProducer | null } | null {
    const code = response.code;
    if (code !== 301 && code !== 302 && code !== 303 && code !== 307 && code !== 308) return null;
    const location = response.headers.getHeader('location');
    if (location === null || location.trim() === '')
      throw new RedirectWithNoLocation(response, uri);
    let target: URL;
    try {
      target = new URL(location.trim(), uri);
    } catch {
      throw new RedirectWithNoLocation(response, uri);
    }
    const from = new URL(uri);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      throw new RedirectWithNoLocation(response, uri);
    if (from.protocol === 'https:' && target.protocol === 'http:' && !this.allowInsecureDowngrade)
      throw new RedirectDowngradeRefused(response, target.href);
    target.hash = '';

    let nextMethod = method;
    let nextBody = body;
    const toGet =
      (code === 303 && method !== 'HEAD') || ((code === 301 || code === 302) && method === 'POST');
    if (toGet) {
      nextMethod = 'GET';
      nextBody = null;
    } else if (body !== null && !(body instanceof FileBodyProducer && body.replayable)) {
      // The body was a stream and is gone: the caller gets the redirect itself.
      return null;
    }
    const nextHeaders = new Headers();
    if (headers !== null)
      for (const [name, value] of headers) nextHeaders.addRawHeader(name, value);
    // The Host of the first request does not belong to the next one.
    nextHeaders.removeHeader('host');
    if (toGet) for (const name of BODY_HEADERS) nextHeaders.removeHeader(name);
    if (target.origin !== from.origin)
      for (const name of CREDENTIAL_HEADERS) nextHeaders.removeHeader(name);
    return { method: nextMethod, uri: target.href, headers: nextHeaders, body: nextBody };
  }
}

/** Read and drop a redirect's body so the connection can go back to the pool; hang up on a large one. */
function discardBody(response: Response, limit: number): Deferred<void> {
  const drained = new Deferred<void>();
  let seen = 0;
  let producer: IPushProducer | null = null;
  response.deliverBody({
    makeConnection(p) {
      producer = p;
    },
    dataReceived(data) {
      seen += data.byteLength;
      if (seen > limit) producer?.stopProducing();
    },
    connectionLost(_reason: Failure) {
      drained.callback(undefined);
    },
  });
  return drained;
}
