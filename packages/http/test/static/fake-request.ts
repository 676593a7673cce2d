/**
 * A stand-in IRequest for driving resources without a channel: it records the status, headers
 * and body, and lets a test pause and resume the registered producer like a slow connection.
 */
import {
  Deferred,
  type IConsumer,
  type IPullProducer,
  type IPushProducer,
  ipv4Address,
} from '@tw/core';
import { StringTransport } from '@tw/core/testing';

import { NOT_DONE_YET, type IRequest, type IResource } from '../../src/interfaces.js';
import { getChildForRequest } from '../../src/resource/resource.js';
import { pathSegments } from '../../src/server/request-target.js';
import { Headers } from '../../src/wire/headers.js';

export class FakeRequest implements IRequest {
  readonly args = new Map<string, readonly string[]>();
  readonly clientproto = 'HTTP/1.1';
  readonly requestHeaders: Headers;
  readonly responseHeaders = new Headers();
  readonly prepath: string[] = [];
  readonly postpath: string[];
  readonly content = new Uint8Array(0);
  readonly received_cookies = new Map<string, string>();
  readonly transport = new StringTransport();
  readonly path: string;
  finished = false;
  code = 200;
  readonly chunks: Uint8Array[] = [];
  producer: IPushProducer | IPullProducer | null = null;
  /** Pause the producer on every write, as a connection whose buffer is always full would. */
  pauseOnWrite = false;
  private readonly finishWaiters: Deferred<void>[] = [];
  private readonly done = new Deferred<void>();
  readonly bodyStream = null;

  constructor(
    readonly method: string,
    readonly uri: string,
    headers: Record<string, string | string[]> = {},
  ) {
    this.requestHeaders = new Headers(headers);
    this.path = uri.split('?')[0]!;
    this.postpath = pathSegments(this.path);
  }

  get consumer(): IConsumer {
    return {
      registerProducer: (p, s) => this.registerProducer(p, s),
      unregisterProducer: () => this.unregisterProducer(),
      write: (d) => this.write(d),
    };
  }

  getHeader(name: string): string | null {
    return this.requestHeaders.getHeader(name);
  }
  setHeader(name: string, value: string): void {
    this.responseHeaders.setRawHeaders(name, [value]);
  }
  setResponseCode(code: number): void {
    this.code = code;
  }
  addCookie(): void {}
  getCookie(): string | null {
    return null;
  }
  write(data: Uint8Array | string): void {
    if (this.finished) throw new Error('write after finish');
    this.chunks.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    if (this.pauseOnWrite && this.producer !== null && 'pauseProducing' in this.producer) {
      this.producer.pauseProducing();
    }
  }
  finish(): void {
    if (this.finished) throw new Error('finish twice');
    if (this.producer !== null) throw new Error('finish with a producer registered');
    this.finished = true;
    this.done.callback(undefined);
    for (const d of this.finishWaiters.splice(0)) d.callback(undefined);
  }
  notifyFinish(): Deferred<void> {
    const d = new Deferred<void>();
    this.finishWaiters.push(d);
    return d;
  }
  /** Simulate the connection going away mid-response. */
  loseConnection(): void {
    this.finished = true;
    this.producer?.stopProducing();
    for (const d of this.finishWaiters.splice(0)) d.errback(new Error('connection lost'));
  }
  registerProducer(producer: IPushProducer | IPullProducer, _streaming: boolean): void {
    if (this.producer !== null) throw new Error('producer already registered');
    this.producer = producer;
  }
  unregisterProducer(): void {
    this.producer = null;
  }
  getClientAddress() {
    return ipv4Address('TCP', '127.0.0.1', 1234);
  }
  getHost() {
    return ipv4Address('TCP', '127.0.0.1', 8080);
  }
  getRequestHostname(): string {
    return 'localhost';
  }
  isSecure(): boolean {
    return false;
  }
  redirect(url: string, code = 302): void {
    this.setResponseCode(code);
    this.setHeader('location', url);
  }
  getSession(): never {
    throw new Error('no sessions here');
  }

  header(name: string): string | null {
    return this.responseHeaders.getHeader(name);
  }
  body(): Buffer {
    return Buffer.concat(this.chunks);
  }
  whenDone(): Promise<void> {
    return this.done.asPromise();
  }
}

/** Traverse `root` for the request and render, as Site would; resolves once finished. */
export async function renderRequest(
  root: IResource,
  method: string,
  uri: string,
  headers: Record<string, string | string[]> = {},
): Promise<FakeRequest> {
  const request = new FakeRequest(method, uri, headers);
  const resource = getChildForRequest(root, request);
  const result = resource.render(request);
  if (result !== NOT_DONE_YET) {
    if (method !== 'HEAD') request.write(result);
    request.finish();
  }
  await request.whenDone();
  return request;
}
