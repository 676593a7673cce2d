import type { HTTPParseError } from './errors.js';
import type { Headers } from './headers.js';

/**
 * What an HTTPParser reports, in order for each message:
 * onRequestLine | onStatusLine → onHeaders → onBody* → onTrailers? → onMessageComplete,
 * or onError once, after which the parser reports nothing more.
 */
export interface HTTPParserHandler {
  onRequestLine?(method: string, target: string, version: string): void;
  onStatusLine?(version: string, code: number, reason: string): void;
  /**
   * The header section is complete. Framing has been checked (smuggling attempts are refused
   * before this is called), and `parser.bodyFraming` / `contentLength` / `keepAlive` describe
   * the message. A client may return 'no-body' for a response that has none whatever its
   * fields say (the answer to CONNECT); requests ignore the return value.
   */
  onHeaders(headers: Headers): 'body' | 'no-body' | void;
  /** A piece of the body: a view into the fed bytes, valid while the fed chunk is — copy to keep. */
  onBody(chunk: Uint8Array): void;
  /** Trailer fields of a chunked body, when there were any. */
  onTrailers?(trailers: Headers): void;
  onMessageComplete(): void;
  onError(error: HTTPParseError): void;
}
