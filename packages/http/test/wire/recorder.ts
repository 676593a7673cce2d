import { HTTPParser, type HTTPParserHandler } from '../../src/wire/parser.js';
import type { Headers } from '../../src/wire/headers.js';
import type { HTTPParseError } from '../../src/wire/errors.js';
import { resolveHTTPLimits, type HTTPLimits } from '../../src/wire/limits.js';

/** A parser event as plain data, with body pieces merged so splits compare equal. */
export type ParserEvent =
  | ['request', string, string, string]
  | ['status', string, number, string]
  | ['headers', [string, string][]]
  | ['body', string]
  | ['trailers', [string, string][]]
  | ['complete']
  | ['error', number, string];

/** Collects events from a parser; `options.onHeaders` can steer the answer. */
export class ParserRecorder implements HTTPParserHandler {
  readonly events: ParserEvent[] = [];
  readonly parser: HTTPParser;
  answer: 'body' | 'no-body' | undefined;

  constructor(kind: 'request' | 'response' = 'request', limits: Partial<HTTPLimits> = {}) {
    this.parser = new HTTPParser(kind, resolveHTTPLimits(limits), this);
  }

  onRequestLine(method: string, target: string, version: string): void {
    this.events.push(['request', method, target, version]);
  }

  onStatusLine(version: string, code: number, reason: string): void {
    this.events.push(['status', version, code, reason]);
  }

  onHeaders(headers: Headers): 'body' | 'no-body' | void {
    this.events.push(['headers', [...headers]]);
    return this.answer;
  }

  onBody(chunk: Uint8Array): void {
    const text = Buffer.from(chunk).toString('latin1');
    const last = this.events[this.events.length - 1];
    if (last !== undefined && last[0] === 'body') last[1] += text;
    else this.events.push(['body', text]);
  }

  onTrailers(trailers: Headers): void {
    this.events.push(['trailers', [...trailers]]);
  }

  onMessageComplete(): void {
    this.events.push(['complete']);
  }

  onError(error: HTTPParseError): void {
    this.events.push(['error', error.status, error.code]);
  }

  feed(text: string): this {
    this.parser.feed(Buffer.from(text, 'latin1'));
    return this;
  }
}

/** Parse `input` in one piece and return the events. */
export function parse(
  input: string,
  kind: 'request' | 'response' = 'request',
  limits: Partial<HTTPLimits> = {},
): ParserEvent[] {
  return new ParserRecorder(kind, limits).feed(input).events;
}

/** The error status of parsing `input`, or null when it parsed without error. */
export function errorStatus(input: string, limits: Partial<HTTPLimits> = {}): number | null {
  const events = parse(input, 'request', limits);
  const error = events.find((e) => e[0] === 'error');
  return error === undefined ? null : (error[1] as number);
}
