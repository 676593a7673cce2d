/**
 * The shape of one IRC message, as RFC 1459/2812 and IRCv3 message-tags define it:
 *
 * ```
 * [@tags SPACE] [:source SPACE] command *(SPACE param) [SPACE :trailing]
 * ```
 */

/**
 * Where a message came from: `nick!user@host` for a client, a bare server name for a server.
 * `raw` is the text exactly as it appeared after the ':'.
 */
export interface IRCSource {
  /** The nickname, or the server name for a server source (it holds no '!' or '@'). */
  readonly nick: string;
  readonly user?: string;
  readonly host?: string;
  /** The source as sent, without the leading ':'. */
  readonly raw: string;
}

/** One parsed IRC message. */
export interface IRCMessage {
  /** IRCv3 message tags, unescaped; a tag sent without a value maps to ''. */
  readonly tags: ReadonlyMap<string, string>;
  readonly source: IRCSource | null;
  /** The command, upper-cased; numerics stay 3-digit strings ('001'). */
  readonly command: string;
  /** The parameters, the trailing one (after ' :') last and unmarked. */
  readonly params: readonly string[];
}

/** What `formatMessage` accepts: an IRCMessage, or a lighter literal with optional parts. */
export interface IRCMessageInit {
  readonly tags?: ReadonlyMap<string, string> | Readonly<Record<string, string>> | undefined;
  /** A source object (its `raw`, or nick!user@host when raw is ''), a string, or null. */
  readonly source?: IRCSource | string | null | undefined;
  readonly command: string;
  readonly params?: readonly string[] | undefined;
}

const EMPTY_TAGS: ReadonlyMap<string, string> = new Map();

/**
 * Split a source into nick, user and host, as clients do: `nick!user@host`, `nick@host`,
 * `nick!user`, or a bare nick / server name. Never throws: whatever the server sent is kept.
 */
export function parseSource(raw: string): IRCSource {
  const bang = raw.indexOf('!');
  const at = raw.indexOf('@', bang === -1 ? 0 : bang + 1);
  if (bang === -1 && at === -1) return { nick: raw, raw };
  if (bang === -1) return { nick: raw.slice(0, at), host: raw.slice(at + 1), raw };
  if (at === -1) return { nick: raw.slice(0, bang), user: raw.slice(bang + 1), raw };
  return {
    nick: raw.slice(0, bang),
    user: raw.slice(bang + 1, at),
    host: raw.slice(at + 1),
    raw,
  };
}

/** Build `nick!user@host` (omitting the parts that are absent) as a source. */
export function makeSource(nick: string, user?: string, host?: string): IRCSource {
  let raw = nick;
  if (user !== undefined) raw += `!${user}`;
  if (host !== undefined) raw += `@${host}`;
  return parseSource(raw);
}

/**
 * True for a source that names a server rather than a client: no user or host part and a '.'
 * in the name (nicknames may not contain '.').
 */
export function isServerSource(source: IRCSource): boolean {
  return source.user === undefined && source.host === undefined && source.nick.includes('.');
}

/** Build an IRCMessage from its parts (tags from a Map or a record). */
export function createMessage(
  command: string,
  params: readonly string[] = [],
  options: {
    readonly source?: IRCSource | string | null;
    readonly tags?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  } = {},
): IRCMessage {
  const source =
    options.source === undefined || options.source === null
      ? null
      : typeof options.source === 'string'
        ? parseSource(options.source)
        : options.source;
  return { tags: toTagMap(options.tags), source, command: command.toUpperCase(), params };
}

/** Normalise a tag record or map to a ReadonlyMap. */
export function toTagMap(
  tags: ReadonlyMap<string, string> | Readonly<Record<string, string>> | undefined,
): ReadonlyMap<string, string> {
  if (tags === undefined) return EMPTY_TAGS;
  if (isTagMap(tags)) return tags;
  return new Map(Object.entries(tags));
}

function isTagMap(
  tags: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): tags is ReadonlyMap<string, string> {
  // A record could hold a tag named "get"; a map's get is always a function.
  return tags instanceof Map || typeof (tags as { get?: unknown }).get === 'function';
}
