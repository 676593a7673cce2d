import { TwError } from '../errors/tw-error.js';

/** sendString() was given more bytes than the length prefix can express. */
export class StringTooLongError extends TwError {
  readonly length: number;
  readonly maximum: number;

  constructor(length: number, maximum: number, prefixLength: number) {
    super(
      'TW_FRAMING_STRING_TOO_LONG',
      `Cannot send a string of ${length} bytes with a ${prefixLength}-byte length prefix ` +
        `(at most ${maximum} bytes): split it, or use a receiver with a wider prefix.`,
    );
    this.length = length;
    this.maximum = maximum;
  }
}

/** The peer sent something that is not a netstring (or one longer than MAX_LENGTH). */
export class NetstringParseError extends TwError {
  constructor(message: string) {
    super('TW_FRAMING_NETSTRING_PARSE', message);
  }
}
