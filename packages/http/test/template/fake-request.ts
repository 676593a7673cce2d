import { Deferred } from '@tw/core';
import type { IRequest } from '../../src/interfaces.js';

/**
 * Just enough of an IRequest for renderElement(): records the status, headers, body chunks and
 * finish, and can simulate a lost connection. The real Request lives in src/server.
 */
export class FakeRequest {
  code = 200;
  finished = false;
  finishCount = 0;
  readonly uri = '/page';
  readonly chunks: Uint8Array[] = [];
  readonly headers = new Map<string, string>();
  private readonly finishWaiters: Deferred<void>[] = [];

  readonly responseHeaders = {
    hasHeader: (name: string): boolean => this.headers.has(name.toLowerCase()),
  };

  setHeader(name: string, value: string): void {
    if (this.chunks.length > 0) throw new Error('headers already sent');
    this.headers.set(name.toLowerCase(), value);
  }

  setResponseCode(code: number): void {
    if (this.chunks.length > 0) throw new Error('headers already sent');
    this.code = code;
  }

  write(data: Uint8Array | string): void {
    if (this.finished) throw new Error('write() after finish()');
    this.chunks.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  finish(): void {
    if (this.finished) throw new Error('finish() twice');
    this.finished = true;
    this.finishCount++;
    for (const d of this.finishWaiters.splice(0)) d.callback(undefined);
  }

  notifyFinish(): Deferred<void> {
    const d = new Deferred<void>();
    this.finishWaiters.push(d);
    return d;
  }

  /** The connection went away before the response was finished. */
  loseConnection(): void {
    this.finished = true;
    for (const d of this.finishWaiters.splice(0)) d.errback(new Error('connection lost'));
  }

  body(): string {
    return this.chunks.map((c) => new TextDecoder().decode(c)).join('');
  }

  asRequest(): IRequest {
    return this as unknown as IRequest;
  }
}
