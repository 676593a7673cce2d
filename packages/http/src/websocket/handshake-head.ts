/**
 * A minimal HTTP/1.1 message-head reader for the two places the WebSocket code talks HTTP on
 * its own: the standalone server (a request without the resource tree) and the client (the
 * server's 101 response). Bytes up to the blank line are collected under a size limit; what
 * follows belongs to the WebSocket stream and is handed back untouched.
 */

/** A parsed request or response head; header names are lower case, values in arrival order. */
export interface HandshakeHead {
  /** Request: [method, target, version]. Response: [version, status, reason]. */
  readonly startLine: readonly [string, string, string];
  readonly headers: ReadonlyMap<string, readonly string[]>;
}

export type HeadReadResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly status: number; readonly message: string }
  | { readonly kind: 'head'; readonly head: HandshakeHead; readonly rest: Uint8Array };

const latin1 = new TextDecoder('latin1');
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Collects a message head across chunks. */
export class HandshakeHeadReader {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  constructor(
    private readonly kind: 'request' | 'response',
    /** The most bytes the head may take (default 16 KiB); beyond it: 431 / an error. */
    private readonly maxHeadSize = 16 * 1024,
    /** The most header lines (default 100). */
    private readonly maxHeaders = 100,
  ) {}

  feed(data: Uint8Array): HeadReadResult {
    const searchFrom = Math.max(0, this.size - 3);
    this.chunks.push(data);
    this.size += data.length;
    const buffer = this.chunks.length === 1 ? data : Buffer.concat(this.chunks);
    if (this.chunks.length > 1) {
      this.chunks.length = 0;
      this.chunks.push(buffer);
    }
    const end = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.length).indexOf(
      '\r\n\r\n',
      searchFrom,
      'latin1',
    );
    if (end === -1) {
      if (this.size > this.maxHeadSize) {
        return {
          kind: 'error',
          status: 431,
          message: `The message head exceeds ${this.maxHeadSize} bytes.`,
        };
      }
      return { kind: 'incomplete' };
    }
    if (end + 4 > this.maxHeadSize) {
      return {
        kind: 'error',
        status: 431,
        message: `The message head exceeds ${this.maxHeadSize} bytes.`,
      };
    }
    const text = latin1.decode(buffer.subarray(0, end));
    const rest = buffer.subarray(end + 4);
    const parsed = this.parse(text);
    if (typeof parsed === 'string') return { kind: 'error', status: 400, message: parsed };
    return { kind: 'head', head: parsed, rest };
  }

  private parse(text: string): HandshakeHead | string {
    const lines = text.split('\r\n');
    const startLine = lines.shift() ?? '';
    const parts =
      this.kind === 'request'
        ? startLine.split(' ')
        : (() => {
            const match = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(startLine);
            return match === null ? [] : [match[1]!, match[2]!, match[3] ?? ''];
          })();
    if (parts.length !== 3) return `Malformed ${this.kind} line: ${JSON.stringify(startLine)}.`;
    if (this.kind === 'request' && !/^HTTP\/\d\.\d$/.test(parts[2]!)) {
      return `Malformed HTTP version: ${JSON.stringify(parts[2])}.`;
    }
    if (lines.length > this.maxHeaders) return `More than ${this.maxHeaders} header lines.`;
    const headers = new Map<string, string[]>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = colon === -1 ? '' : line.slice(0, colon);
      // RFC 9112 §5.1: no whitespace before the colon; obsolete line folding is refused too.
      if (!TOKEN.test(name)) return `Malformed header line: ${JSON.stringify(line)}.`;
      const value = line.slice(colon + 1).trim();
      const key = name.toLowerCase();
      const values = headers.get(key);
      if (values === undefined) headers.set(key, [value]);
      else values.push(value);
    }
    return { startLine: [parts[0]!, parts[1]!, parts[2]!], headers };
  }
}

/** The comma-separated tokens of every value of a header, trimmed (for Connection, Upgrade, …). */
export function headerTokens(
  headers: ReadonlyMap<string, readonly string[]>,
  name: string,
): string[] {
  const tokens: string[] = [];
  for (const value of headers.get(name) ?? []) {
    for (const token of value.split(',')) {
      const trimmed = token.trim();
      if (trimmed !== '') tokens.push(trimmed);
    }
  }
  return tokens;
}
