import {
  Deferred,
  TwError,
  isSSLTransport,
  type Address,
  type IConsumer,
  type IProtocol,
  type IPullProducer,
  type IPushProducer,
  type ITransport,
} from '@tw/core';

import type { CookieAttributes, IRequest, IRequestBodyStream, ISession } from '../interfaces.js';
import { CHUNK_DATA_END, LAST_CHUNK, chunkSizeLine } from '../wire/chunked-encoder.js';
import { InvalidHeaderError } from '../wire/errors.js';
import { Headers } from '../wire/headers.js';
import { statusHasNoBody, statusLine } from '../wire/status-codes.js';
import { isFieldValue } from '../wire/tokens.js';
import { parseCookieHeader, serializeSetCookie } from './cookies.js';
import { dateHeaderLine } from './date-cache.js';
import type { RequestBodyStream } from './request-body-stream.js';
import { parseQueryArgs, pathSegments, targetPath, targetQuery } from './request-target.js';
import type { IRequestSite } from './site-contract.js';

/** What a Request needs from the connection it arrived on (implemented by HTTPChannel). */
export interface RequestChannel {
  readonly transport: ITransport;
  readonly site: IRequestSite;
  readonly serverName: string | null;
  /** Send response bytes for `request`, or hold them until the requests before it are answered. */
  writeResponse(request: Request, chunks: Uint8Array[]): void;
  requestFinished(request: Request): void;
  registerRequestProducer(
    request: Request,
    producer: IPushProducer | IPullProducer,
    streaming: boolean,
  ): void;
  unregisterRequestProducer(request: Request): void;
  switchProtocols(request: Request, head: Uint8Array, protocol: IProtocol): void;
}

/** The request was used after the response finished, or in a way its state does not allow. */
export class RequestStateError extends TwError {
  constructor(message: string) {
    super('TW_HTTP_REQUEST_STATE', message);
  }
}

/** getSession() on a site that keeps no sessions. */
export class NoSessionsError extends TwError {
  constructor() {
    super(
      'TW_HTTP_NO_SESSIONS',
      'This site keeps no sessions: give it getSession() and makeSession() (Site does).',
    );
  }
}

type ResponseMode = 'none' | 'length' | 'chunked' | 'eof';
type Latin1WritableBuffer = Buffer & {
  latin1Write(text: string, offset: number, length: number): number;
};

const DEFAULT_SESSION_COOKIE = 'TW_SESSION';
const encoder = new TextEncoder();
/** The content of a request without a body: shared, since a zero-length array cannot change. */
const EMPTY_BODY = new Uint8Array(0);

/**
 * One HTTP request and its response (twisted.web.server.Request). Created by HTTPChannel when
 * the header section is complete; rendered by the resource the site finds for it.
 *
 * Response grammar: setResponseCode/setHeader* → write* → finish, or render() returning bytes.
 * Headers go out with the first write. Without a Content-Length the body is chunked for
 * HTTP/1.1 clients and delimited by closing the connection for HTTP/1.0 ones.
 */
export class Request implements IRequest, IConsumer {
  readonly method: string;
  readonly uri: string;
  readonly path: string;
  readonly clientproto: string;
  readonly requestHeaders: Headers;
  readonly responseHeaders = new Headers();
  prepath: string[] = [];
  postpath: string[];
  content: Uint8Array = EMPTY_BODY;
  bodyStream: IRequestBodyStream | null = null;
  code = 200;
  codeMessage: string | undefined = undefined;
  /** Body bytes sent so far (not counting headers or chunk framing). */
  sentLength = 0;
  startedWriting = false;
  finished = false;
  /** True once the connection went away before finish(). */
  lost = false;

  /** @internal Set by the channel. */
  keepAlive: boolean;
  /** @internal The whole request body has been received. */
  bodyComplete = false;
  /** @internal Waiting for a 100 Continue before the client sends the body. */
  expectContinue = false;
  continueSent = false;
  /** @internal Response bytes held while earlier pipelined requests are being answered. */
  heldOutput: Uint8Array[] | null = null;
  /** @internal Close the connection once this response is sent. */
  closeAfter = false;
  /** @internal The producer registered for this response, and whether it streams. */
  producer: IPushProducer | IPullProducer | null = null;
  producerStreaming = false;
  /** @internal The body stream, when the resource streams the body. */
  bodyStreamImpl: RequestBodyStream | null = null;

  private readonly channel: RequestChannel;
  private mode: ResponseMode = 'none';
  private expectedLength = -1;
  private argsMap: Map<string, string[]> | null = null;
  private cookies: Map<string, string> | null = null;
  private finishWaiters: Deferred<void>[] | null = null;
  private session: ISession | null = null;

  constructor(
    channel: RequestChannel,
    method: string,
    uri: string,
    clientproto: string,
    requestHeaders: Headers,
    keepAlive: boolean,
  ) {
    this.channel = channel;
    this.method = method;
    this.uri = uri;
    this.clientproto = clientproto;
    this.requestHeaders = requestHeaders;
    this.keepAlive = keepAlive;
    this.path = targetPath(uri);
    this.postpath = pathSegments(this.path);
  }

  get transport(): ITransport {
    return this.channel.transport;
  }

  get site(): IRequestSite {
    return this.channel.site;
  }

  get consumer(): IConsumer {
    return this;
  }

  /** Query arguments, plus form arguments once the site parsed the body (see addArg). */
  get args(): ReadonlyMap<string, readonly string[]> {
    return (this.argsMap ??= parseQueryArgs(targetQuery(this.uri)));
  }

  /** Add an argument (used by body parsers for urlencoded and multipart forms). */
  addArg(name: string, value: string): void {
    const args = (this.argsMap ??= parseQueryArgs(targetQuery(this.uri)));
    const values = args.get(name);
    if (values === undefined) args.set(name, [value]);
    else values.push(value);
  }

  get received_cookies(): ReadonlyMap<string, string> {
    return (this.cookies ??= parseCookieHeader(this.requestHeaders.getRawHeaders('cookie')));
  }

  getCookie(name: string): string | null {
    return this.received_cookies.get(name) ?? null;
  }

  getHeader(name: string): string | null {
    return this.requestHeaders.getHeader(name);
  }

  setHeader(name: string, value: string): void {
    this.responseHeaders.setRawHeaders(name, [value]);
  }

  setResponseCode(code: number, message?: string): void {
    if (!Number.isInteger(code) || code < 100 || code > 999) {
      throw new InvalidHeaderError(`Response code ${code} is not a three-digit integer.`);
    }
    if (message !== undefined && (!isFieldValue(message) || message.includes('\t'))) {
      throw new InvalidHeaderError(`Invalid reason phrase ${JSON.stringify(message)}.`);
    }
    if (this.startedWriting) {
      throw new RequestStateError('setResponseCode() after the response headers were sent.');
    }
    this.code = code;
    this.codeMessage = message;
  }

  addCookie(name: string, value: string, attributes?: CookieAttributes): void {
    this.responseHeaders.addRawHeader('Set-Cookie', serializeSetCookie(name, value, attributes));
  }

  redirect(url: string, code = 302): void {
    this.setResponseCode(code);
    this.setHeader('Location', url);
  }

  getClientAddress(): Address {
    return this.channel.transport.getPeer();
  }

  getHost(): Address {
    return this.channel.transport.getHost();
  }

  getRequestHostname(): string {
    const host = this.requestHeaders.getHeader('host');
    if (host !== null && host !== '') {
      if (host.charCodeAt(0) === 0x5b) {
        const close = host.indexOf(']');
        return close < 0 ? host : host.slice(1, close);
      }
      const colon = host.lastIndexOf(':');
      return colon < 0 ? host : host.slice(0, colon);
    }
    const address = this.channel.transport.getHost() as { host?: string };
    return typeof address.host === 'string' ? address.host : '';
  }

  isSecure(): boolean {
    return isSSLTransport(this.channel.transport);
  }

  getSession(): ISession {
    if (this.session !== null) return this.session;
    const site = this.channel.site;
    if (site.sessionForRequest !== undefined) {
      this.session = site.sessionForRequest(this);
      return this.session;
    }
    if (site.getSession === undefined || site.makeSession === undefined)
      throw new NoSessionsError();
    const cookieName = site.sessionCookieName ?? DEFAULT_SESSION_COOKIE;
    const uid = this.getCookie(cookieName);
    let session = uid === null ? null : site.getSession(uid);
    if (session === null) {
      session = site.makeSession();
      this.addCookie(cookieName, session.uid, {
        path: '/',
        httpOnly: true,
        sameSite: 'Lax',
        ...(this.isSecure() ? { secure: true } : {}),
      });
    }
    session.touch();
    this.session = session;
    return session;
  }

  write(data: Uint8Array | string): void {
    if (this.finished) {
      if (this.lost) return; // the connection went away: writes are dropped, as in Twisted
      throw new RequestStateError('Request.write() after Request.finish().');
    }
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    if (!this.startedWriting) {
      this.writeHead(undefined, false);
    }
    if (bytes.byteLength === 0) return;
    switch (this.mode) {
      case 'none':
        return;
      case 'length': {
        const room = this.expectedLength - this.sentLength;
        if (room <= 0) return;
        const piece = bytes.byteLength > room ? bytes.subarray(0, room) : bytes;
        this.sentLength += piece.byteLength;
        this.channel.writeResponse(this, [piece]);
        return;
      }
      case 'chunked':
        this.sentLength += bytes.byteLength;
        this.channel.writeResponse(this, [chunkSizeLine(bytes.byteLength), bytes, CHUNK_DATA_END]);
        return;
      case 'eof':
        this.sentLength += bytes.byteLength;
        this.channel.writeResponse(this, [bytes]);
        return;
    }
  }

  finish(): void {
    if (this.finished) {
      if (this.lost) return;
      throw new RequestStateError('Request.finish() called twice.');
    }
    if (!this.startedWriting) {
      this.writeHead(undefined, true);
    } else if (this.mode === 'chunked') {
      this.channel.writeResponse(this, [LAST_CHUNK]);
    } else if (this.mode === 'length' && this.sentLength < this.expectedLength) {
      // The client waits for bytes that will never come: only closing tells it.
      this.closeAfter = true;
    }
    if (!this.bodyComplete) this.closeAfter = true;
    this.finished = true;
    this.channel.requestFinished(this);
    this.fireFinish(null);
  }

  /**
   * @internal Respond with `body` as the whole content, headers and body in one write (the
   * path of render() returning bytes). Content-Length is set unless the resource set one.
   */
  finishWithBody(body: Uint8Array): void {
    if (this.startedWriting || this.finished) {
      this.write(body);
      this.finish();
      return;
    }
    this.writeHead(body, true);
    this.finished = true;
    this.channel.requestFinished(this);
    this.fireFinish(null);
  }

  notifyFinish(): Deferred<void> {
    const deferred = new Deferred<void>();
    if (this.finished) {
      if (this.lost)
        deferred.errback(
          new RequestStateError('The connection was lost before the response finished.'),
        );
      else deferred.callback(undefined);
      return deferred;
    }
    (this.finishWaiters ??= []).push(deferred);
    return deferred;
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new RequestStateError(
        'A producer is already registered for this request; unregisterProducer() first.',
      );
    }
    this.producer = producer;
    this.producerStreaming = streaming;
    this.channel.registerRequestProducer(this, producer, streaming);
  }

  unregisterProducer(): void {
    if (this.producer === null) return;
    this.channel.unregisterRequestProducer(this);
    this.producer = null;
  }

  /**
   * Answer 101 Switching Protocols with the response headers set so far (Upgrade, Connection,
   * Sec-WebSocket-Accept…) and hand the connection to `protocol`: it gets makeConnection() with
   * this transport, then every byte after this request, as dataReceived().
   */
  switchProtocols(protocol: IProtocol): void {
    if (this.startedWriting || this.finished) {
      throw new RequestStateError('switchProtocols() after the response started.');
    }
    this.code = 101;
    this.startedWriting = true;
    this.finished = true;
    let head = statusLine('HTTP/1.1', 101, this.codeMessage) + dateHeaderLine();
    const headers = this.responseHeaders;
    for (let i = 0; i < headers.size; i++)
      head += `${headers.nameAt(i)}: ${headers.valueAt(i)}\r\n`;
    this.channel.switchProtocols(this, Buffer.from(head + '\r\n', 'latin1'), protocol);
    this.fireFinish(null);
  }

  /** @internal The connection went away before the response finished. */
  connectionLost(reason: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.lost = true;
    const producer = this.producer;
    this.producer = null;
    if (producer !== null) producer.stopProducing();
    this.bodyStreamImpl?.fail(reason);
    this.fireFinish(reason);
  }

  private fireFinish(reason: unknown): void {
    const waiters = this.finishWaiters;
    if (waiters === null) return;
    this.finishWaiters = null;
    for (const deferred of waiters) {
      if (reason === null) deferred.callback(undefined);
      else deferred.errback(reason);
    }
  }

  /**
   * Serialise the status line and headers; decide how the body is delimited. With `body`,
   * the head and the whole body go out in one buffer.
   */
  private writeHead(body: Uint8Array | undefined, finishing: boolean): void {
    this.startedWriting = true;
    const code = this.code;
    const noContent = statusHasNoBody(code);
    const isHead = this.method === 'HEAD';
    let keepAlive = this.keepAlive;
    let head = statusLine('HTTP/1.1', code, this.codeMessage);
    const headers = this.responseHeaders;
    let hasLength = false;
    let hasDate = false;
    let hasServer = false;
    for (let i = 0; i < headers.size; i++) {
      const lower = headers.lowerNameAt(i);
      if (lower === 'transfer-encoding') continue; // framing is ours to decide
      if (lower === 'connection') {
        if (headers.valueAt(i).toLowerCase().includes('close')) keepAlive = false;
        continue;
      }
      if (lower === 'content-length') {
        if (code === 204 || (code >= 100 && code < 200)) continue;
        const length = Number(headers.valueAt(i));
        if (!Number.isSafeInteger(length) || length < 0) {
          throw new InvalidHeaderError(
            `Invalid Content-Length ${headers.valueAt(i)} set on the response.`,
          );
        }
        hasLength = true;
        this.expectedLength = length;
      } else if (lower === 'date') {
        hasDate = true;
      } else if (lower === 'server') {
        hasServer = true;
      }
      head += `${headers.nameAt(i)}: ${headers.valueAt(i)}\r\n`;
    }
    if (!hasDate) head += dateHeaderLine();
    const serverName = this.channel.serverName;
    if (!hasServer && serverName !== null) head += `Server: ${serverName}\r\n`;
    if (!hasLength && !noContent) {
      if (body !== undefined) {
        head += `Content-Length: ${body.byteLength}\r\n`;
        hasLength = true;
        this.expectedLength = body.byteLength;
      } else if (finishing && !isHead) {
        head += 'Content-Length: 0\r\n';
        hasLength = true;
        this.expectedLength = 0;
      }
    }
    if (noContent || isHead) this.mode = 'none';
    else if (hasLength) this.mode = 'length';
    else if (this.clientproto === 'HTTP/1.1') {
      this.mode = 'chunked';
      head += 'Transfer-Encoding: chunked\r\n';
    } else {
      this.mode = 'eof';
      keepAlive = false;
    }
    // Answering before the body was read (or before it was even sent, with Expect) leaves the
    // rest of the body on the wire: we cannot tell it from the next request, so we close.
    if (finishing && !this.bodyComplete) keepAlive = false;
    if (!keepAlive) {
      head += 'Connection: close\r\n\r\n';
      this.closeAfter = true;
    } else if (this.clientproto === 'HTTP/1.0') {
      head += 'Connection: keep-alive\r\n\r\n';
    } else {
      head += '\r\n';
    }
    if (body !== undefined && this.mode === 'length') {
      const take = Math.min(body.byteLength, this.expectedLength);
      const headLength = head.length;
      const out = Buffer.allocUnsafe(headLength + take);
      // Buffer#latin1Write skips write()'s argument checks: the head is ours and fits.
      (out as Latin1WritableBuffer).latin1Write(head, 0, headLength);
      out.set(take === body.byteLength ? body : body.subarray(0, take), headLength);
      this.sentLength = take;
      if (take < this.expectedLength) this.closeAfter = true;
      this.channel.writeResponse(this, [out]);
      return;
    }
    this.channel.writeResponse(this, [Buffer.from(head, 'latin1')]);
  }
}
