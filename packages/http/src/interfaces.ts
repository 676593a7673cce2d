import type {
  Address,
  Deferred,
  IConsumer,
  IPullProducer,
  IPushProducer,
  ITransport,
} from '@tw/core';

/**
 * The contracts of @tw/http, in twisted.web's names so its documentation maps across:
 * a Site walks a tree of IResources with getChildWithDefault() and calls render() on the leaf
 * with an IRequest. Header names are case-insensitive; values are text (latin-1 on the wire).
 */

/** Case-insensitive, multi-valued headers, in arrival order (twisted.web.http_headers.Headers). */
export interface IHeaders extends Iterable<[name: string, value: string]> {
  /** All values of `name`, or [] (names compare case-insensitively). */
  getRawHeaders(name: string): readonly string[];
  /** The first value, or null. */
  getHeader(name: string): string | null;
  hasHeader(name: string): boolean;
  /** Replace every value of `name`. */
  setRawHeaders(name: string, values: readonly string[]): void;
  addRawHeader(name: string, value: string): void;
  removeHeader(name: string): void;
}

/** Returned by render() when the resource will write and finish() the response later. */
export const NOT_DONE_YET: unique symbol = Symbol.for('tw.http.NOT_DONE_YET');
export type NotDoneYet = typeof NOT_DONE_YET;

/** What render methods may return: the whole body, or NOT_DONE_YET. */
export type RenderResult = Uint8Array | string | NotDoneYet;

/**
 * One HTTP request and its response (twisted.web.server.Request). The request part is parsed
 * before the resource is rendered; the body is buffered into `content` unless the resource
 * asked to stream it (IStreamingResource).
 */
export interface IRequest {
  /** 'GET', 'POST', … as sent (upper case). */
  readonly method: string;
  /** The request-target as sent, e.g. '/a/b?x=1'. */
  readonly uri: string;
  /** The path part of uri, percent-decoding NOT applied. */
  readonly path: string;
  /** Query and (for urlencoded/multipart bodies) form arguments: name → values. */
  readonly args: ReadonlyMap<string, readonly string[]>;
  /** 'HTTP/1.1' or 'HTTP/1.0'. */
  readonly clientproto: string;
  readonly requestHeaders: IHeaders;
  readonly responseHeaders: IHeaders;
  /** Path segments already consumed by traversal, and those still ahead (decoded). */
  readonly prepath: string[];
  readonly postpath: string[];
  /** The buffered request body (empty when the resource streams it). */
  readonly content: Uint8Array;
  /** Cookies sent by the client. */
  readonly received_cookies: ReadonlyMap<string, string>;
  readonly transport: ITransport;
  /** True once finish() was called or the connection was lost. */
  readonly finished: boolean;
  /** The response status code set so far (200 by default). */
  readonly code: number;

  getHeader(name: string): string | null;
  setHeader(name: string, value: string): void;
  setResponseCode(code: number, message?: string): void;
  /** Add a Set-Cookie header; attributes as in RFC 6265 (path, domain, expires, maxAge, secure, httpOnly, sameSite). */
  addCookie(name: string, value: string, attributes?: CookieAttributes): void;
  getCookie(name: string): string | null;
  /** Write part of the body (headers go out with the first write). */
  write(data: Uint8Array | string): void;
  /** End the response. */
  finish(): void;
  /** Fires when the response is finished (or errbacks when the connection is lost first). */
  notifyFinish(): Deferred<void>;
  /** The response's consumer: register a producer to stream a body with back-pressure. */
  readonly consumer: IConsumer;
  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void;
  unregisterProducer(): void;
  getClientAddress(): Address;
  /** The server's own address the request came in on (Twisted's getHost()). */
  getHost(): Address;
  /** 'host' header value, or the server's address. */
  getRequestHostname(): string;
  isSecure(): boolean;
  /** Redirect (sets Location and 302 by default). */
  redirect(url: string, code?: number): void;
  /** The session (created on first use; cookie TW_SESSION). */
  getSession(): ISession;
  /** For resources that consume the body themselves (see IStreamingResource). */
  readonly bodyStream: IRequestBodyStream | null;
}

export interface CookieAttributes {
  readonly path?: string;
  readonly domain?: string;
  readonly expires?: Date;
  readonly maxAge?: number;
  readonly secure?: boolean;
  readonly httpOnly?: boolean;
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
}

/** A server-side session: a uid, key/value state, expiry (twisted.web.server.Session). */
export interface ISession {
  readonly uid: string;
  readonly data: Map<string, unknown>;
  touch(): void;
  expire(): void;
  notifyOnExpire(callback: () => void): void;
}

/**
 * The request body as a stream with back-pressure: the resource sets `onData`/`onEnd`/`onError`
 * and may pause/resume the connection's reading.
 */
export interface IRequestBodyStream extends IPushProducer {
  onData: ((chunk: Uint8Array) => void) | null;
  onEnd: (() => void) | null;
  onError: ((reason: unknown) => void) | null;
}

/** A node of the resource tree (twisted.web.resource.IResource). */
export interface IResource {
  /** A leaf renders every path below it itself (no further traversal). */
  readonly isLeaf: boolean;
  getChildWithDefault(name: string, request: IRequest): IResource;
  putChild(name: string, child: IResource): void;
  render(request: IRequest): RenderResult;
}

/** A resource that wants the request body streamed rather than buffered. */
export interface IStreamingResource extends IResource {
  readonly streamsRequestBody: true;
}
