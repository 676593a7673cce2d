/**
 * Serialising messages for the wire, and the byte arithmetic a client needs to split long
 * messages so they survive the server's relay.
 */
import { InvalidIRCMessageError, InvalidIRCOptionError, LineTooLongError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_TAG_BYTES } from './limits.js';
import type { IRCMessageInit, IRCSource } from './message.js';
import { toTagMap } from './message.js';
import { formatTags } from './tags.js';

export { splitText, utf8ByteLength } from './split-text.js';

/** Options for formatMessage. */
export interface FormatOptions {
  /**
   * 'auto' (default) puts ':' before the last parameter only when it needs one (empty, has a
   * space, starts with ':'); 'always' puts it there whenever there is a parameter, as most
   * servers do for message text.
   */
  readonly trailing?: 'auto' | 'always';
}

/** Options for encodeLine. */
export interface EncodeOptions extends FormatOptions {
  /** The line limit, counting CR LF but not tags (default 512). */
  readonly maxLineBytes?: number;
  /** The tag limit, counting '@' and the space after (default 8191). */
  readonly maxTagBytes?: number;
  /**
   * What to do with a line over maxLineBytes: 'throw' a LineTooLongError (default), or
   * 'truncate' the last parameter on a UTF-8 character boundary. Tags over their limit
   * always throw.
   */
  readonly onTooLong?: 'throw' | 'truncate';
}

const COMMAND = /^(?:[A-Za-z]+|[0-9]{3})$/;
const FORBIDDEN = /[\0\r\n]/;

function sourceText(source: IRCSource | string): string {
  if (typeof source === 'string') return source;
  if (source.raw !== '') return source.raw;
  let raw = source.nick;
  if (source.user !== undefined) raw += `!${source.user}`;
  if (source.host !== undefined) raw += `@${source.host}`;
  return raw;
}

function formatPrefix(msg: IRCMessageInit): { tags: string; rest: string } {
  const tagText = msg.tags === undefined ? '' : formatTags(toTagMap(msg.tags));
  let rest = '';
  if (msg.source !== undefined && msg.source !== null) {
    const source = sourceText(msg.source);
    if (source === '' || source.includes(' ') || FORBIDDEN.test(source)) {
      throw new InvalidIRCMessageError(`invalid IRC source ${JSON.stringify(source)}`);
    }
    rest = `:${source} `;
  }
  if (!COMMAND.test(msg.command)) {
    throw new InvalidIRCMessageError(
      `invalid IRC command ${JSON.stringify(msg.command)}: letters, or a 3-digit numeric`,
    );
  }
  rest += msg.command.toUpperCase();
  return { tags: tagText === '' ? '' : `@${tagText} `, rest };
}

function formatParams(params: readonly string[], trailing: 'auto' | 'always'): string {
  let out = '';
  const last = params.length - 1;
  for (let i = 0; i <= last; i++) {
    const param = params[i]!;
    if (FORBIDDEN.test(param)) {
      throw new InvalidIRCMessageError(`IRC parameter ${i} contains NUL, CR or LF`);
    }
    if (i < last) {
      if (param === '' || param.includes(' ') || param.startsWith(':')) {
        throw new InvalidIRCMessageError(
          `IRC parameter ${i} of ${last + 1} is ${JSON.stringify(param)}: only the last parameter may be empty, hold spaces or start with ':'`,
        );
      }
      out += ` ${param}`;
    } else if (
      trailing === 'always' ||
      param === '' ||
      param.includes(' ') ||
      param.startsWith(':')
    ) {
      out += ` :${param}`;
    } else {
      out += ` ${param}`;
    }
  }
  return out;
}

/**
 * Serialise a message to one line without CR LF:
 * `[@tags ][:source ]COMMAND params... [:trailing]`.
 *
 * @throws InvalidIRCMessageError for CR/LF/NUL anywhere, a space or leading ':' or emptiness
 * in a parameter other than the last, a bad command, source or tag key.
 */
export function formatMessage(msg: IRCMessageInit, options: FormatOptions = {}): string {
  const { tags, rest } = formatPrefix(msg);
  return tags + rest + formatParams(msg.params ?? [], options.trailing ?? 'auto');
}

const encoder = new TextEncoder();
const NO_BYTES = new Uint8Array(0);
const textDecoder = new TextDecoder();

/**
 * Serialise a message to bytes ending in CR LF, checking the line and tag limits.
 *
 * @throws LineTooLongError when a limit is broken (unless onTooLong is 'truncate' and only
 * the line part is too long), InvalidIRCMessageError as formatMessage.
 */
export function encodeLine(msg: IRCMessageInit, options: EncodeOptions = {}): Uint8Array {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxTags = options.maxTagBytes ?? DEFAULT_MAX_TAG_BYTES;
  const { tags, rest } = formatPrefix(msg);
  const tagBytes = tags === '' ? NO_BYTES : encoder.encode(tags);
  if (tagBytes.byteLength > maxTags) {
    throw new LineTooLongError('tags', maxTags, tagBytes.byteLength);
  }
  const params = msg.params ?? [];
  const trailing = options.trailing ?? 'auto';
  let body: Uint8Array = encoder.encode(`${rest}${formatParams(params, trailing)}\r\n`);
  if (body.byteLength > maxLine) {
    if (options.onTooLong !== 'truncate' || params.length === 0) {
      throw new LineTooLongError('line', maxLine, body.byteLength);
    }
    body = truncateLastParam(rest, params, trailing, maxLine, body.byteLength);
  }
  if (tagBytes.byteLength === 0) return body;
  const line = new Uint8Array(tagBytes.byteLength + body.byteLength);
  line.set(tagBytes, 0);
  line.set(body, tagBytes.byteLength);
  return line;
}

function truncateLastParam(
  rest: string,
  params: readonly string[],
  trailing: 'auto' | 'always',
  maxLine: number,
  actual: number,
): Uint8Array {
  const lastBytes = encoder.encode(params[params.length - 1]!);
  const head = params.slice(0, -1);
  // Cutting `excess` bytes nearly always suffices; a cut that makes the parameter need a ':'
  // it did not need before (it became empty) costs one byte more, hence the loop.
  let keep = lastBytes.byteLength - (actual - maxLine);
  for (; keep >= 0; keep--) {
    if (keep < lastBytes.byteLength && (lastBytes[keep]! & 0xc0) === 0x80) continue;
    const cut = textDecoder.decode(lastBytes.subarray(0, keep));
    const body = encoder.encode(`${rest}${formatParams([...head, cut], trailing)}\r\n`);
    if (body.byteLength <= maxLine) return body;
  }
  throw new LineTooLongError('line', maxLine, actual);
}

/** The widest user and host we assume when the caller does not know its own. */
const ASSUMED_USER_BYTES = 10; // '~' plus USERLEN 9 on most ircds
const ASSUMED_HOST_BYTES = 63; // the longest DNS label-limited host most ircds allow

/**
 * How many bytes of text fit in one `PRIVMSG target :text` so that the line the server relays,
 * `:nick!user@host PRIVMSG target :text\r\n`, stays within 512 bytes. Pass undefined for a
 * user or host you do not know to assume the widest common one (10 and 63 bytes).
 */
export function maxTextBytes(
  nick: string,
  user: string | undefined,
  host: string | undefined,
  target: string,
  command = 'PRIVMSG',
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): number {
  const len = (s: string): number => encoder.encode(s).byteLength;
  const prefix =
    1 + // ':'
    len(nick) +
    1 +
    (user === undefined ? ASSUMED_USER_BYTES : len(user)) +
    1 +
    (host === undefined ? ASSUMED_HOST_BYTES : len(host)) +
    1; // ' '
  const fixed = prefix + len(command) + 1 + len(target) + 2 /* ' :' */ + 2; /* CR LF */
  return Math.max(0, maxLineBytes - fixed);
}

/** Check a byte limit argument. */
export function assertByteLimit(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidIRCOptionError(`${name} must be an integer of at least ${min}, got ${value}`);
  }
}
