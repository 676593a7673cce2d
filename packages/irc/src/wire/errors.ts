import { TwError } from '@tw/core';

function brand(error: TwError, code: string): void {
  // A per-code brand lets code holding another copy of @tw/irc recognise the error.
  Object.defineProperty(error, Symbol.for(`tw.error.${code}`), { value: true });
}

/**
 * A line that is not an IRC message: no command, a malformed command, or a forbidden byte
 * (NUL, CR, LF inside the line). Code TW_IRC_PARSE. A server answers with ERR_UNKNOWNCOMMAND
 * or ignores the line; it never closes the connection for it alone.
 */
export class IRCParseError extends TwError {
  /** The line that failed, for logs (already bounded by the line decoder's limits). */
  readonly line: string;

  constructor(message: string, line: string) {
    super('TW_IRC_PARSE', message);
    this.line = line;
    brand(this, 'TW_IRC_PARSE');
  }
}

/**
 * A message that would corrupt the stream if sent: CR/LF/NUL in a parameter, a space in a
 * parameter other than the last, an empty middle parameter, a bad command or tag key.
 * Code TW_IRC_INVALID_MESSAGE.
 */
export class InvalidIRCMessageError extends TwError {
  constructor(message: string) {
    super('TW_IRC_INVALID_MESSAGE', message);
    brand(this, 'TW_IRC_INVALID_MESSAGE');
  }
}

/**
 * A serialised message longer than the line limit (512 bytes with CRLF, not counting tags) or
 * the tag limit. Code TW_IRC_LINE_TOO_LONG. `kind` says which part broke its limit.
 */
export class LineTooLongError extends TwError {
  readonly kind: 'line' | 'tags';
  readonly limit: number;
  readonly actual: number;

  constructor(kind: 'line' | 'tags', limit: number, actual: number) {
    super(
      'TW_IRC_LINE_TOO_LONG',
      kind === 'line'
        ? `IRC line is ${actual} bytes; the limit is ${limit} bytes including CRLF (maxLineBytes)`
        : `IRC message tags are ${actual} bytes; the limit is ${limit} bytes (maxTagBytes)`,
    );
    this.kind = kind;
    this.limit = limit;
    this.actual = actual;
    brand(this, 'TW_IRC_LINE_TOO_LONG');
  }
}

/** A wire-layer option or argument outside its range (a limit that is not a positive integer). Code TW_IRC_INVALID_OPTION. */
export class InvalidIRCOptionError extends TwError {
  constructor(message: string) {
    super('TW_IRC_INVALID_OPTION', message);
    brand(this, 'TW_IRC_INVALID_OPTION');
  }
}
