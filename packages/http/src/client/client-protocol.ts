import {
  Deferred,
  Failure,
  Protocol,
  type IConsumer,
  type IDelayedCall,
  type IPullProducer,
  type IPushProducer,
  type IReactorTime,
} from '@tw/core';
import { encodeChunk, LAST_CHUNK } from '../wire/chunked-encoder.js';
import type { Headers } from '../wire/headers.js';
import { resolveHTTPLimits, type HTTPLimits } from '../wire/limits.js';
import { HTTPParser } from '../wire/parser.js';
import { serializeRequestHead } from '../wire/serialize.js';
import { splitListValue } from '../wire/tokens.js';
import type { IBodyProducer } from './body-producer.js';
import { methodExpectsBody, type ClientRequest } from './client-request.js';
import {
  BodyIdleTimeoutError,
  RequestNotSent,
  RequestTransmissionFailed,
  ResponseFailed,
  ResponseNeverReceived,
  ResponseTimeoutError,
  WrongBodyLength,
} from './errors.js';
import { Response } from './response.js';
import { TransportProxyProducer } from './transport-proxy-producer.js';

export interface HTTP11ClientProtocolOptions {
  /** Runs the timeouts. */
  readonly reactor: IReactorTime;
  /**
   * Seconds without progress before the response headers arrive (request bytes going out count
   * as progress); null for none. Default 60.
   */
  readonly responseTimeout?: number | null;
  /** Seconds the response body may send nothing (while we are not pausing it); null for none. Default 60. */
  readonly bodyIdleTimeout?: number | null;
  /** Parser limits for the response head (status line, header count and bytes). */
  readonly limits?: Partial<HTTPLimits>;
}

export const DEFAULT_RESPONSE_TIMEOUT = 60;
export const DEFAULT_BODY_IDLE_TIMEOUT = 60;

/** Where one request/response exchange stands. */
interface Exchange {
  readonly request: ClientRequest;
  readonly deferred: Deferred<Response>;
  response: Response | null;
  proxy: TransportProxyProducer | null;
  requestSent: boolean;
  responseDone: boolean;
  /** Bytes of this response seen so far: none means a stale connection, not a broken response. */
  bytesReceived: number;
  persistent: boolean;
  bodyProducer: IPushProducer | null;
}

/**
 * One HTTP/1.1 connection from the client side (twisted.web._newclient.HTTP11ClientProtocol):
 * one request at a time, the response parsed by the shared HTTPParser.
 *
 * request() → Deferred<Response> fires when the status line and headers arrived; the body
 * follows through Response.deliverBody(). When both the request and the response body are
 * complete and the connection may persist, `onQuiescent` is called (the pool takes it back);
 * otherwise the connection is closed.
 */
export class HTTP11ClientProtocol extends Protocol {
  /** Set by the pool: called when the connection is idle and reusable. */
  onQuiescent: ((protocol: HTTP11ClientProtocol) => void) | null = null;
  /** Set by the pool: called once when the connection closes. */
  onClosed: ((protocol: HTTP11ClientProtocol) => void) | null = null;
  /** How many requests this connection carried; above 0 means a reused, possibly stale, connection. */
  requestCount = 0;

  private readonly reactor: IReactorTime;
  private readonly responseTimeout: number | null;
  private readonly bodyIdleTimeout: number | null;
  private readonly limits: HTTPLimits;
  private exchange: Exchange | null = null;
  private parser: HTTPParser | null = null;
  private timer: IDelayedCall | null = null;
  private closed = false;

  constructor(options: HTTP11ClientProtocolOptions) {
    super();
    this.reactor = options.reactor;
    this.responseTimeout =
      options.responseTimeout === undefined ? DEFAULT_RESPONSE_TIMEOUT : options.responseTimeout;
    this.bodyIdleTimeout =
      options.bodyIdleTimeout === undefined ? DEFAULT_BODY_IDLE_TIMEOUT : options.bodyIdleTimeout;
    // The client streams bodies, so the parser need not cap them; head limits still apply.
    this.limits = resolveHTTPLimits({
      ...options.limits,
      maxBodyBytes: Number.MAX_SAFE_INTEGER,
    });
  }

  /** True while a request is in flight. */
  get busy(): boolean {
    return this.exchange !== null;
  }

  /** Send `request`; the Deferred fires with the Response once its headers arrived. */
  request(request: ClientRequest): Deferred<Response> {
    if (this.closed || this.exchange !== null || !this.connected)
      return Deferred.fail(new RequestNotSent());
    const deferred = new Deferred<Response>(() => this.abort());
    const exchange: Exchange = {
      request,
      deferred,
      response: null,
      proxy: null,
      requestSent: false,
      responseDone: false,
      bytesReceived: 0,
      // A caller's own "Connection: close" ends the connection after this exchange too.
      persistent: request.persistent && !asksToClose(request),
      bodyProducer: null,
    };
    this.exchange = exchange;
    this.requestCount++;
    this.parser = this.newParser(exchange);
    if (request.method === 'HEAD') this.parser.setExpectNoBody();

    let head: Uint8Array;
    try {
      head = serializeRequestHead(request.method, request.target, this.headersToSend(request));
    } catch (error) {
      this.exchange = null;
      return Deferred.fail(new RequestTransmissionFailed([new Failure(error)]));
    }
    this.armResponseTimer();
    this.transport.write(head);
    if (request.bodyProducer === null) this.requestWritten(exchange);
    else this.writeBody(exchange, request.bodyProducer);
    return deferred;
  }

  /** Drop the connection now; whatever is in flight fails. */
  abort(): void {
    if (!this.closed) this.transport.abortConnection();
  }

  override dataReceived(data: Uint8Array): void {
    const exchange = this.exchange;
    if (exchange === null || exchange.responseDone || this.parser === null) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.transport.abortConnection();
      return;
    }
    exchange.bytesReceived += data.byteLength;
    if (exchange.response !== null) this.armBodyIdleTimer();
    else this.armResponseTimer();
    this.parser.feed(data);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.closed = true;
    this.cancelTimer();
    const exchange = this.exchange;
    if (exchange !== null && !exchange.responseDone) {
      // A body delimited by the close ends cleanly here; anything else fails in the parser.
      if (exchange.response !== null) this.parser?.finish();
      if (!exchange.responseDone) this.failExchange(exchange, reason);
    }
    exchange?.bodyProducer?.stopProducing();
    this.exchange = null;
    this.onClosed?.(this);
  }

  private headersToSend(request: ClientRequest): Headers | Iterable<readonly [string, string]> {
    const pairs: [string, string][] = [];
    for (const [name, value] of request.headers) {
      const lower = name.toLowerCase();
      // The connection owns the framing: a caller's value could desynchronise it.
      if (lower === 'content-length' || lower === 'transfer-encoding') continue;
      if (lower === 'connection' && !request.persistent) continue;
      pairs.push([name, value]);
    }
    const producer = request.bodyProducer;
    if (producer !== null) {
      if (producer.length === null) pairs.push(['Transfer-Encoding', 'chunked']);
      else pairs.push(['Content-Length', String(producer.length)]);
    } else if (methodExpectsBody(request.method)) pairs.push(['Content-Length', '0']);
    if (!request.persistent) pairs.push(['Connection', 'close']);
    return pairs;
  }

  private writeBody(exchange: Exchange, producer: IBodyProducer): void {
    const transport = this.transport;
    const chunked = producer.length === null;
    let written = 0;
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      exchange.bodyProducer = null;
      producer.stopProducing();
      if (!exchange.deferred.called)
        exchange.deferred.errback(new RequestTransmissionFailed([Failure.from(error)]));
      this.abort();
    };
    const consumer: IConsumer = {
      write: (data: Uint8Array) => {
        if (failed || this.exchange !== exchange || exchange.requestSent) return;
        written += data.byteLength;
        if (producer.length !== null && written > producer.length) {
          fail(
            new WrongBodyLength(
              `The body producer wrote more than the ${producer.length} bytes it announced.`,
            ),
          );
          return;
        }
        if (exchange.response === null) this.armResponseTimer();
        if (chunked) transport.writeSequence(encodeChunk(data));
        else transport.write(data);
      },
      registerProducer: (p: IPushProducer | IPullProducer, streaming: boolean) =>
        transport.registerProducer(p, streaming),
      unregisterProducer: () => transport.unregisterProducer(),
    };
    exchange.bodyProducer = producer;
    transport.registerProducer(producer, true);
    producer.startProducing(consumer).addCallbacks(
      () => {
        if (failed || this.exchange !== exchange || this.closed) return;
        if (producer.length !== null && written !== producer.length) {
          fail(
            new WrongBodyLength(
              `The body producer wrote ${written} of the ${producer.length} bytes it announced.`,
            ),
          );
          return;
        }
        exchange.bodyProducer = null;
        transport.unregisterProducer();
        if (chunked) transport.write(LAST_CHUNK);
        this.requestWritten(exchange);
      },
      (failure: Failure) => {
        if (this.exchange === exchange && !this.closed) fail(failure.value);
      },
    );
  }

  private requestWritten(exchange: Exchange): void {
    exchange.requestSent = true;
    this.maybeQuiescent(exchange);
  }

  private newParser(exchange: Exchange): HTTPParser {
    const parser: HTTPParser = new HTTPParser('response', this.limits, {
      onStatusLine: () => {
        // Bytes after the response we asked for: the framing can no longer be trusted.
        if (exchange.responseDone) this.abort();
      },
      onHeaders: (headers: Headers) => this.headersReceived(exchange, parser, headers),
      onBody: (chunk: Uint8Array) => {
        if (this.exchange === exchange) exchange.response?.bodyDataReceived(chunk);
      },
      onMessageComplete: () => {
        // Interim (1xx) responses are skipped: the final response follows on the same exchange.
        if (exchange.response !== null) this.responseComplete(exchange);
      },
      onError: (error: unknown) => this.parseFailed(exchange, error),
    });
    return parser;
  }

  private headersReceived(exchange: Exchange, parser: HTTPParser, headers: Headers): void {
    if (this.exchange !== exchange || exchange.responseDone) return;
    const code = parser.statusCode;
    if (code < 200 && code !== 101) return;
    const request = exchange.request;
    // The parser judged version, Connection and framing (a body read until close cannot be
    // followed by another response); 101 hands the connection to another protocol.
    exchange.persistent &&= parser.keepAlive && code !== 101;
    const noBody = parser.bodyFraming === 'none';
    const proxy = new TransportProxyProducer(
      this.transport,
      () => this.abort(),
      (paused) => (paused ? this.cancelTimer() : this.armBodyIdleTimer()),
    );
    exchange.proxy = proxy;
    const response = new Response(
      parser.version,
      code,
      parser.reason,
      headers,
      noBody ? 0 : parser.contentLength >= 0 ? parser.contentLength : null,
      { method: request.method, absoluteURI: request.absoluteURI, headers: request.headers },
      proxy,
    );
    exchange.response = response;
    this.armBodyIdleTimer();
    exchange.deferred.callback(response);
  }

  private responseComplete(exchange: Exchange): void {
    if (this.exchange !== exchange || exchange.responseDone) return;
    exchange.responseDone = true;
    this.cancelTimer();
    exchange.proxy?.stopProxying();
    if (!exchange.requestSent) {
      // The server answered before reading the whole body (e.g. 413): stop sending, and do
      // not reuse a connection whose request stream is cut short.
      exchange.persistent = false;
      const producer = exchange.bodyProducer;
      exchange.bodyProducer = null;
      if (producer !== null) {
        producer.stopProducing();
        // A registered producer would hold loseConnection() back until it finished.
        this.transport.unregisterProducer();
      }
      exchange.requestSent = true;
    }
    // Back to the pool first, so a receiver that sends the next request from connectionLost
    // (a redirect, a readBody chain) gets this same connection.
    this.maybeQuiescent(exchange);
    exchange.response?.bodyDataFinished();
  }

  private parseFailed(exchange: Exchange, error: unknown): void {
    if (this.exchange !== exchange || exchange.responseDone) return;
    this.failExchange(exchange, Failure.from(error));
    this.abort();
  }

  /** Fail whatever of the exchange is still open with `reason`. */
  private failExchange(exchange: Exchange, reason: Failure): void {
    exchange.responseDone = true;
    exchange.persistent = false;
    this.cancelTimer();
    exchange.proxy?.stopProxying();
    if (!exchange.deferred.called) {
      if (reason.value instanceof ResponseTimeoutError) exchange.deferred.errback(reason);
      else if (exchange.bytesReceived === 0)
        exchange.deferred.errback(new ResponseNeverReceived([reason]));
      else exchange.deferred.errback(new ResponseFailed([reason]));
    } else if (exchange.response !== null) {
      exchange.response.bodyDataFinished(
        new Failure(new ResponseFailed([reason], exchange.response)),
      );
    }
  }

  private maybeQuiescent(exchange: Exchange): void {
    if (!exchange.requestSent || !exchange.responseDone || this.exchange !== exchange) return;
    this.exchange = null;
    this.parser = null;
    if (exchange.persistent && !this.closed && this.onQuiescent !== null) this.onQuiescent(this);
    else if (!this.closed) this.transport.loseConnection();
  }

  private armResponseTimer(): void {
    const seconds = this.responseTimeout;
    if (seconds === null) return;
    this.setTimer(seconds, () => {
      const exchange = this.exchange;
      if (exchange === null || exchange.response !== null) return;
      this.failExchange(exchange, new Failure(new ResponseTimeoutError(seconds)));
      this.abort();
    });
  }

  private armBodyIdleTimer(): void {
    const seconds = this.bodyIdleTimeout;
    if (seconds === null) return;
    this.setTimer(seconds, () => {
      const exchange = this.exchange;
      if (exchange === null || exchange.responseDone) return;
      this.failExchange(exchange, new Failure(new BodyIdleTimeoutError(seconds)));
      this.abort();
    });
  }

  private setTimer(seconds: number, fire: () => void): void {
    if (this.timer !== null && this.timer.active()) {
      this.timer.reset(seconds);
      this.timerAction = fire;
      return;
    }
    this.timerAction = fire;
    this.timer = this.reactor.callLater(seconds, () => {
      this.timer = null;
      this.timerAction();
    });
  }

  private timerAction: () => void = () => undefined;

  private cancelTimer(): void {
    if (this.timer !== null && this.timer.active()) this.timer.cancel();
    this.timer = null;
  }
}

function asksToClose(request: ClientRequest): boolean {
  return request.headers
    .getRawHeaders('connection')
    .some((value) => splitListValue(value.toLowerCase()).includes('close'));
}
