import type { Failure } from '@tw/core';
import { Deferred, isSSLTransport, type IConsumer, type IPushProducer } from '@tw/core';
import {
  NOT_DONE_YET,
  type IHeaders,
  type IRequest,
  type IRequestBodyStream,
  type IStreamingResource,
  type RenderResult,
} from '../interfaces.js';
import { Resource } from '../resource/resource.js';
import { Headers } from '../wire/headers.js';
import { splitListValue } from '../wire/tokens.js';
import { Agent, type AgentReactor, type IAgent } from '../client/agent.js';
import { FileBodyProducer, type IBodyProducer } from '../client/body-producer.js';
import { isTimeoutFailure, ResponseDone } from '../client/errors.js';
import { HTTPConnectionPool } from '../client/pool.js';
import type { IResponseBodyReceiver, Response } from '../client/response.js';

export interface ReverseProxyOptions {
  readonly reactor: AgentReactor;
  /** The agent requests go out with; by default one Agent with a keep-alive pool shared by the whole subtree. */
  readonly agent?: IAgent;
  /** Scheme of the upstream (default 'http'). */
  readonly scheme?: 'http' | 'https';
  /** Send the client's Host upstream instead of host:port (default false, as Twisted). */
  readonly preserveHost?: boolean;
  /** The name this proxy gives itself in Via (default 'tw'). */
  readonly viaPseudonym?: string;
}

/** RFC 9110 §7.6.1: fields for one connection only, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'trailer',
]);

/**
 * Forwards requests to another HTTP server (twisted.web.proxy.ReverseProxyResource): mounted at
 * some path, it sends the request to `host:port` + `path` + the rest of the request's path and
 * its query, and streams the answer back.
 *
 * - Headers: hop-by-hop fields (RFC 9110 §7.6.1: Connection and the fields it names,
 *   Keep-Alive, TE, Transfer-Encoding, Upgrade, Proxy-*) are dropped both ways; Host becomes the
 *   upstream's (unless `preserveHost`); X-Forwarded-For (appended), X-Forwarded-Host,
 *   X-Forwarded-Proto and Via are added.
 * - Bodies stream both ways with back-pressure: the request body as it arrives (the resource is
 *   an IStreamingResource), the response body into request.write() with the upstream connection
 *   registered as the request's producer, so a slow client slows the upstream read.
 * - The upstream failing before it answered gives 502 Bad Gateway, a timeout 504 Gateway
 *   Timeout; failing mid-body drops the client connection (the status has been sent).
 * - A client that goes away stops the upstream request.
 */
export class ReverseProxyResource extends Resource implements IStreamingResource {
  readonly streamsRequestBody = true as const;
  private readonly agent: IAgent;
  private readonly options: ReverseProxyOptions;

  constructor(
    readonly host: string,
    readonly port: number,
    /** Path prefix on the upstream, '' or starting with '/'. */
    readonly path: string,
    options: ReverseProxyOptions,
  ) {
    super();
    this.agent =
      options.agent ??
      new Agent(options.reactor, {
        pool: new HTTPConnectionPool(options.reactor, { maxPersistentPerHost: 8 }),
      });
    // Children share the agent (and so its connection pool).
    this.options = { ...options, agent: this.agent };
  }

  /** Twisted's shape: each path segment makes a proxy resource for the longer upstream path. */
  override getChild(name: string, _request: IRequest): ReverseProxyResource {
    return new ReverseProxyResource(
      this.host,
      this.port,
      `${this.path}/${encodeURIComponent(name)}`,
      this.options,
    );
  }

  override getChildWithDefault(name: string, request: IRequest): ReverseProxyResource {
    return this.getChild(name, request);
  }

  override render(request: IRequest): RenderResult {
    const scheme = this.options.scheme ?? 'http';
    const defaultPort = scheme === 'https' ? 443 : 80;
    const bracketed = this.host.includes(':') ? `[${this.host}]` : this.host;
    const authority = this.port === defaultPort ? bracketed : `${bracketed}:${this.port}`;
    const query = queryOf(request.uri);
    const url = `${scheme}://${authority}${this.path === '' ? '/' : this.path}${query}`;
    const headers = this.forwardedHeaders(request, authority);
    const body = requestBodyProducer(request);

    const upstream = this.agent.request(request.method, url, headers, body);
    let finished = false;
    request.notifyFinish().addErrback(() => {
      // The client went away: stop waiting for (or reading) the upstream answer.
      finished = true;
      upstream.cancel();
      return null;
    });
    upstream.addCallbacks(
      (response: Response) => {
        if (finished) {
          response.deliverBody(DISCARD_AND_STOP);
          return null;
        }
        this.relayResponse(request, response);
        return null;
      },
      (failure: Failure) => {
        if (finished) return null;
        finished = true;
        const timedOut = isTimeoutFailure(failure);
        respondWithError(
          request,
          timedOut ? 504 : 502,
          timedOut
            ? 'The upstream server did not answer in time.'
            : 'The upstream server could not be reached or failed.',
        );
        return null;
      },
    );
    return NOT_DONE_YET;
  }

  private forwardedHeaders(request: IRequest, authority: string): Headers {
    const incoming = request.requestHeaders;
    const dropped = connectionTokens(incoming);
    const headers = new Headers();
    for (const [name, value] of incoming) {
      const lower = name.toLowerCase();
      if (
        HOP_BY_HOP.has(lower) ||
        dropped.has(lower) ||
        lower === 'host' ||
        lower === 'content-length'
      )
        continue;
      headers.addRawHeader(name, value);
    }
    const originalHost = incoming.getHeader('host');
    headers.setRawHeaders('Host', [
      this.options.preserveHost === true && originalHost !== null ? originalHost : authority,
    ]);
    const client = request.getClientAddress() as { host?: string };
    if (typeof client.host === 'string') {
      const previous = incoming.getRawHeaders('x-forwarded-for');
      headers.setRawHeaders('X-Forwarded-For', [[...previous, client.host].join(', ')]);
    }
    if (originalHost !== null) headers.setRawHeaders('X-Forwarded-Host', [originalHost]);
    headers.setRawHeaders('X-Forwarded-Proto', [isTLS(request) ? 'https' : 'http']);
    appendVia(
      headers,
      incoming.getRawHeaders('via'),
      request.clientproto,
      this.options.viaPseudonym,
    );
    return headers;
  }

  private relayResponse(request: IRequest, response: Response): void {
    request.setResponseCode(response.code, response.phrase);
    const dropped = connectionTokens(response.headers);
    clearHeaders(request.responseHeaders);
    for (const [name, value] of response.headers) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || dropped.has(lower)) continue;
      request.responseHeaders.addRawHeader(name, value);
    }
    appendVia(
      request.responseHeaders,
      response.headers.getRawHeaders('via'),
      response.version,
      this.options.viaPseudonym,
    );
    response.deliverBody(new RelayToRequest(request));
  }
}

/** Streams an upstream body into the client's response, the upstream paused while the client is slow. */
class RelayToRequest implements IResponseBodyReceiver {
  private wrote = false;

  constructor(private readonly request: IRequest) {}

  makeConnection(producer: IPushProducer): void {
    this.request.registerProducer(producer, true);
  }

  dataReceived(data: Uint8Array): void {
    if (this.request.finished) return;
    this.wrote = true;
    this.request.write(data);
  }

  connectionLost(reason: Failure): void {
    const request = this.request;
    request.unregisterProducer();
    if (request.finished) return;
    if (reason.check(ResponseDone)) {
      request.finish();
      return;
    }
    if (!this.wrote) {
      // Nothing of the body went out yet; the status can still change.
      const timedOut = isTimeoutFailure(reason);
      respondWithError(request, timedOut ? 504 : 502, 'The upstream response failed.');
      return;
    }
    // The status and part of the body are out: only a dropped connection tells the client.
    request.transport.abortConnection();
  }
}

const DISCARD_AND_STOP: IResponseBodyReceiver = {
  makeConnection: (producer) => producer.stopProducing(),
  dataReceived: () => undefined,
  connectionLost: () => undefined,
};

function respondWithError(request: IRequest, code: 502 | 504, message: string): void {
  if (request.finished) return;
  request.setResponseCode(code);
  clearHeaders(request.responseHeaders);
  request.setHeader('Content-Type', 'text/plain; charset=utf-8');
  request.write(new TextEncoder().encode(`${message}\n`));
  request.finish();
}

/**
 * Whether the client connection is TLS. Asked of the transport rather than request.isSecure():
 * a plain socket transport also offers getPeerCertificate() (it could start TLS later), so only
 * `tlsEstablished` tells.
 */
function isTLS(request: IRequest): boolean {
  const transport = request.transport;
  return isSSLTransport(transport) && transport.tlsEstablished;
}

function clearHeaders(headers: IHeaders): void {
  const names = new Set([...headers].map(([name]) => name));
  for (const name of names) headers.removeHeader(name);
}

/** The ?query of a request-target, '' when none. */
function queryOf(uri: string): string {
  const index = uri.indexOf('?');
  return index < 0 ? '' : uri.slice(index);
}

/** Field names listed in Connection: they are hop-by-hop too. */
function connectionTokens(headers: IHeaders): Set<string> {
  return new Set(
    headers.getRawHeaders('connection').flatMap((value) => splitListValue(value.toLowerCase())),
  );
}

/** RFC 9110 §7.6.3: append "<protocol-version> <pseudonym>" to Via. */
function appendVia(
  headers: IHeaders,
  previous: readonly string[],
  version: string,
  pseudonym = 'tw',
): void {
  const protocol = version.startsWith('HTTP/') ? version.slice(5) : version;
  headers.setRawHeaders('Via', [[...previous, `${protocol} ${pseudonym}`].join(', ')]);
}

/** The request body as a producer: streamed when the server streams it, else the buffered bytes. */
function requestBodyProducer(request: IRequest): IBodyProducer | null {
  const incoming = request.requestHeaders;
  const declaredLength = incoming.getHeader('content-length');
  const hasBody =
    incoming.hasHeader('transfer-encoding') || (declaredLength !== null && declaredLength !== '0');
  if (!hasBody) return null;
  const stream = request.bodyStream;
  if (stream === null) return new FileBodyProducer(request.content);
  const length =
    incoming.hasHeader('transfer-encoding') || declaredLength === null
      ? null
      : Number(declaredLength);
  return new RequestBodyStreamProducer(stream, Number.isSafeInteger(length) ? length : null);
}

/** Adapts the server's IRequestBodyStream to the client's IBodyProducer. */
class RequestBodyStreamProducer implements IBodyProducer {
  constructor(
    private readonly stream: IRequestBodyStream,
    readonly length: number | null,
  ) {}

  startProducing(consumer: IConsumer): Deferred<void> {
    const done = new Deferred<void>();
    this.stream.onData = (chunk) => consumer.write(chunk);
    this.stream.onEnd = () => {
      if (!done.called) done.callback(undefined);
    };
    this.stream.onError = (reason) => {
      if (!done.called) done.errback(reason);
    };
    return done;
  }

  pauseProducing(): void {
    this.stream.pauseProducing();
  }

  resumeProducing(): void {
    this.stream.resumeProducing();
  }

  stopProducing(): void {
    this.stream.stopProducing();
  }
}
