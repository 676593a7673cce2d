import type { Failure } from '@tw/core';
import {
  ConnectionDone,
  ConnectionLost,
  Deferred,
  Factory,
  type IDelayedCall,
  type IReactorTime,
  type IStreamClientEndpoint,
} from '@tw/core';
import type { HTTPLimits } from '../wire/limits.js';
import { FileBodyProducer } from './body-producer.js';
import { HTTP11ClientProtocol } from './client-protocol.js';
import { isIdempotentMethod, type ClientRequest } from './client-request.js';
import { RequestNotSent, RequestTransmissionFailed, ResponseNeverReceived } from './errors.js';
import type { Response } from './response.js';

export interface HTTPConnectionPoolOptions {
  /** Keep connections open for reuse (default true). False: one connection per request. */
  readonly persistent?: boolean;
  /** Idle connections kept per scheme+host+port (default 2, as Twisted); extras are closed. */
  readonly maxPersistentPerHost?: number;
  /** Seconds an idle connection is kept before it is closed (default 240, as Twisted). */
  readonly cachedConnectionTimeout?: number;
  /**
   * Retry an idempotent request once on a new connection when a reused connection turns out to
   * have been closed by the server (default true, as Twisted).
   */
  readonly retryAutomatically?: boolean;
  /** Seconds without progress before response headers arrive (default 60; null: none). */
  readonly responseTimeout?: number | null;
  /** Seconds a response body may stall (default 60; null: none). */
  readonly bodyIdleTimeout?: number | null;
  /** Limits on response heads (status line, header count and bytes). */
  readonly limits?: Partial<HTTPLimits>;
}

/** What the Agent sends requests over: a connection, or a retrying wrapper around a reused one. */
export interface IHTTPClientConnection {
  request(request: ClientRequest): Deferred<Response>;
}

interface CachedConnection {
  readonly protocol: HTTP11ClientProtocol;
  readonly timer: IDelayedCall;
}

/**
 * Persistent HTTP connections, keyed by scheme+host+port (twisted.web.client.HTTPConnectionPool).
 * getConnection() hands out an idle cached connection when there is one, else connects a new
 * one with the endpoint. A connection comes back when its request and response are complete
 * and both sides agreed to keep it; at most `maxPersistentPerHost` idle ones are kept per key,
 * each for `cachedConnectionTimeout` seconds.
 *
 * Servers close idle connections whenever they like, so a request on a reused connection may
 * find it closed before any response byte arrives. Such a request is sent again once, on a new
 * connection, when its method is idempotent and its body (if any) can be produced again.
 */
export class HTTPConnectionPool {
  readonly persistent: boolean;
  readonly maxPersistentPerHost: number;
  readonly cachedConnectionTimeout: number;
  readonly retryAutomatically: boolean;
  private readonly cache = new Map<string, CachedConnection[]>();
  private readonly protocolOptions: {
    responseTimeout?: number | null;
    bodyIdleTimeout?: number | null;
    limits?: Partial<HTTPLimits>;
  };
  private readonly closeWaiters = new Map<HTTP11ClientProtocol, Deferred<void>>();

  constructor(
    private readonly reactor: IReactorTime,
    options: HTTPConnectionPoolOptions = {},
  ) {
    this.persistent = options.persistent ?? true;
    this.maxPersistentPerHost = options.maxPersistentPerHost ?? 2;
    this.cachedConnectionTimeout = options.cachedConnectionTimeout ?? 240;
    this.retryAutomatically = options.retryAutomatically ?? true;
    this.protocolOptions = {};
    if (options.responseTimeout !== undefined)
      this.protocolOptions.responseTimeout = options.responseTimeout;
    if (options.bodyIdleTimeout !== undefined)
      this.protocolOptions.bodyIdleTimeout = options.bodyIdleTimeout;
    if (options.limits !== undefined) this.protocolOptions.limits = options.limits;
  }

  /** How many idle connections are cached for `key` (for tests and metrics). */
  cachedConnectionCount(key: string): number {
    return this.cache.get(key)?.length ?? 0;
  }

  /** A connection for `key`: a cached one if any is idle, else a new one from `endpoint`. */
  getConnection(key: string, endpoint: IStreamClientEndpoint): Deferred<IHTTPClientConnection> {
    const cached = this.takeCached(key);
    if (cached !== null) {
      if (!this.retryAutomatically) return Deferred.succeed(cached);
      return Deferred.succeed(
        new RetryingConnection(cached, () => this.newConnection(key, endpoint)),
      );
    }
    return this.newConnection(key, endpoint);
  }

  /** Close every idle connection; fires when they are all closed (Twisted's name). */
  closeCachedConnections(): Deferred<void> {
    const closing: Deferred<void>[] = [];
    for (const [key, entries] of this.cache) {
      this.cache.delete(key);
      for (const entry of entries) {
        entry.timer.cancel();
        closing.push(this.close(entry.protocol));
      }
    }
    const all = new Deferred<void>();
    let remaining = closing.length;
    if (remaining === 0) all.callback(undefined);
    for (const d of closing)
      d.addBoth(() => {
        if (--remaining === 0) all.callback(undefined);
      });
    return all;
  }

  private newConnection(
    key: string,
    endpoint: IStreamClientEndpoint,
  ): Deferred<IHTTPClientConnection> {
    const factory = Factory.forProtocol(() => {
      const protocol = new HTTP11ClientProtocol({ reactor: this.reactor, ...this.protocolOptions });
      protocol.onQuiescent = (p) => this.putConnection(key, p);
      protocol.onClosed = (p) => this.connectionClosed(key, p);
      return protocol;
    });
    return endpoint.connect(factory) as Deferred<IHTTPClientConnection>;
  }

  private takeCached(key: string): HTTP11ClientProtocol | null {
    const entries = this.cache.get(key);
    if (entries === undefined) return null;
    // Most recently used first: it is the least likely to have been closed by the server.
    const entry = entries.pop();
    if (entries.length === 0) this.cache.delete(key);
    if (entry === undefined) return null;
    entry.timer.cancel();
    return entry.protocol;
  }

  private putConnection(key: string, protocol: HTTP11ClientProtocol): void {
    if (!this.persistent) {
      protocol.transport.loseConnection();
      return;
    }
    let entries = this.cache.get(key);
    if (entries === undefined) this.cache.set(key, (entries = []));
    if (entries.length >= this.maxPersistentPerHost) {
      const dropped = entries.shift();
      if (dropped !== undefined) {
        dropped.timer.cancel();
        dropped.protocol.transport.loseConnection();
      }
    }
    const timer = this.reactor.callLater(this.cachedConnectionTimeout, () => {
      this.removeCached(key, protocol);
      protocol.transport.loseConnection();
    });
    entries.push({ protocol, timer });
  }

  private connectionClosed(key: string, protocol: HTTP11ClientProtocol): void {
    this.removeCached(key, protocol);
    const waiter = this.closeWaiters.get(protocol);
    this.closeWaiters.delete(protocol);
    waiter?.callback(undefined);
  }

  private removeCached(key: string, protocol: HTTP11ClientProtocol): void {
    const entries = this.cache.get(key);
    if (entries === undefined) return;
    const index = entries.findIndex((entry) => entry.protocol === protocol);
    if (index < 0) return;
    const timer = entries[index]?.timer;
    if (timer?.active() === true) timer.cancel();
    entries.splice(index, 1);
    if (entries.length === 0) this.cache.delete(key);
  }

  private close(protocol: HTTP11ClientProtocol): Deferred<void> {
    if (!protocol.connected) return Deferred.succeed(undefined);
    const waiter = new Deferred<void>();
    this.closeWaiters.set(protocol, waiter);
    protocol.transport.loseConnection();
    return waiter;
  }
}

/**
 * A reused connection that sends the request again, once, on a new connection when the reused
 * one was already closed by the server (twisted.web.client._RetryingHTTP11ClientProtocol).
 */
class RetryingConnection implements IHTTPClientConnection {
  constructor(
    private readonly connection: HTTP11ClientProtocol,
    private readonly newConnection: () => Deferred<IHTTPClientConnection>,
  ) {}

  request(request: ClientRequest): Deferred<Response> {
    return this.connection
      .request(request)
      .addErrback((failure: Failure): Response | PromiseLike<Response> => {
        // Returning the Failure keeps the chain on the errback path.
        if (!shouldRetry(request, failure)) return failure as unknown as Response;
        return this.newConnection().addCallback((fresh) => fresh.request(request));
      });
  }
}

function shouldRetry(request: ClientRequest, failure: Failure): boolean {
  if (!isIdempotentMethod(request.method)) return false;
  const body = request.bodyProducer;
  if (body !== null && !(body instanceof FileBodyProducer && body.replayable)) return false;
  const error = failure.value;
  if (error instanceof RequestNotSent) return true;
  if (error instanceof ResponseNeverReceived || error instanceof RequestTransmissionFailed)
    return error.reasons.every((reason) => reason.check(ConnectionDone, ConnectionLost) !== null);
  return false;
}
