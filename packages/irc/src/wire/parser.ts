/**
 * Parsing IRC lines into messages, and cutting a byte stream into lines.
 *
 * `parseMessage` follows RFC 1459 in letting one or more spaces separate the parts (servers
 * such as Unreal send doubled spaces), as the ircdocs parser tests expect.
 */
import { IRCParseError } from './errors.js';
import type { IRCMessage } from './message.js';
import { parseSource } from './message.js';
import { parseTags } from './tags.js';

export { IRCLineDecoder, type IRCLineDecoderOptions } from './line-decoder.js';

const NO_TAGS: ReadonlyMap<string, string> = new Map();

function skipSpaces(line: string, pos: number): number {
  while (pos < line.length && line.charCodeAt(pos) === 0x20) pos++;
  return pos;
}

/**
 * Parse one IRC line (without its line ending; a single trailing CRLF, LF or CR is tolerated)
 * into an IRCMessage. The command is upper-cased.
 *
 * @throws IRCParseError when there is no command, or the line holds NUL, CR or LF.
 */
export function parseMessage(line: string): IRCMessage {
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 0x0a) end--;
  if (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
  if (end !== line.length) line = line.slice(0, end);
  // indexOf, not a regex: a regex runs interpreted until V8 tiers it up, and this is per line.
  if (line.indexOf('\0') !== -1 || line.indexOf('\r') !== -1 || line.indexOf('\n') !== -1) {
    throw new IRCParseError('IRC line contains NUL, CR or LF', line);
  }

  let pos = 0;
  let tags = NO_TAGS;
  if (line.charCodeAt(0) === 0x40 /* @ */) {
    const space = line.indexOf(' ');
    if (space === -1) throw new IRCParseError('IRC line has tags but no command', line);
    tags = parseTags(line.slice(1, space));
    pos = space;
  }
  pos = skipSpaces(line, pos);

  let source = null;
  if (line.charCodeAt(pos) === 0x3a /* : */) {
    const space = line.indexOf(' ', pos);
    if (space === -1) throw new IRCParseError('IRC line has a source but no command', line);
    if (space > pos + 1) source = parseSource(line.slice(pos + 1, space));
    pos = skipSpaces(line, space);
  }

  let space = line.indexOf(' ', pos);
  if (space === -1) space = line.length;
  const command = line.slice(pos, space).toUpperCase();
  if (command === '') throw new IRCParseError('IRC line has no command', line);
  pos = space;

  const params: string[] = [];
  for (;;) {
    pos = skipSpaces(line, pos);
    if (pos >= line.length) break;
    if (line.charCodeAt(pos) === 0x3a) {
      params.push(line.slice(pos + 1));
      break;
    }
    let next = line.indexOf(' ', pos);
    if (next === -1) next = line.length;
    params.push(line.slice(pos, next));
    pos = next;
  }
  return { tags, source, command, params };
}

/** Like parseMessage, but returns null instead of throwing for a line that is not a message. */
export function tryParseMessage(line: string): IRCMessage | null {
  try {
    return parseMessage(line);
  } catch (error) {
    if (error instanceof IRCParseError) return null;
    throw error;
  }
}
