/**
 * RPL_ISUPPORT (005): the server's announcement of its limits and features, as
 * `KEY`, `KEY=value` or `-KEY` tokens. Values escape bytes as `\xHH` (a space is `\x20`).
 * Defaults are RFC 2812's and Modern IRC's for a server that does not announce a key.
 */
import { type CaseMapping, toCaseMapping } from './casemapping.js';
import type { IRCMessage } from './message.js';

/** The parsed tokens: a value, or true for a key announced without one. */
export type ISupportMap = Map<string, string | true>;

/** Undo `\xHH` escapes (anything else, including a malformed escape, is kept as is). */
export function unescapeISupportValue(value: string): string {
  if (!value.includes('\\x')) return value;
  return value.replace(/\\x([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** Escape a value for a 005 token: space, '\' and '=' and control bytes as `\xHH`. */
export function escapeISupportValue(value: string): string {
  return value.replace(
    /[\0-\x20\\=\x7f]/g,
    (ch) => `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/**
 * Apply ISUPPORT tokens to `into` (a new map by default) and return it: `KEY=value` sets the
 * unescaped value, `KEY` and `KEY=` set true (Modern IRC makes them the same), `-KEY` removes
 * (the accessor then gives the default again). Keys are upper-cased. Pass only the tokens:
 * for a whole 005 message, use parseISupportMessage.
 */
export function parseISupport(
  params: readonly string[],
  into: ISupportMap = new Map(),
): ISupportMap {
  for (const token of params) {
    if (token === '' || token.includes(' ')) continue;
    if (token.startsWith('-')) {
      into.delete(token.slice(1).toUpperCase());
      continue;
    }
    const eq = token.indexOf('=');
    if (eq === -1 || eq === token.length - 1) {
      into.set((eq === -1 ? token : token.slice(0, eq)).toUpperCase(), true);
    } else if (eq > 0) {
      into.set(token.slice(0, eq).toUpperCase(), unescapeISupportValue(token.slice(eq + 1)));
    }
  }
  return into;
}

/** Apply the tokens of one 005 message (params minus the nick and the closing text). */
export function parseISupportMessage(msg: IRCMessage, into: ISupportMap = new Map()): ISupportMap {
  const params = msg.params;
  const last = params.length - 1;
  // The last parameter is "are supported by this server" — unless a server left it out.
  const end =
    last >= 2 && (params[last]!.includes(' ') || params[last] === '') ? last : params.length;
  return parseISupport(params.slice(1, end), into);
}

/** Format tokens for 005 lines: true → `KEY`, a string → `KEY=value` (escaped). */
export function formatISupportTokens(
  entries: Iterable<readonly [string, string | true]>,
): string[] {
  const tokens: string[] = [];
  for (const [key, value] of entries) {
    tokens.push(value === true || value === '' ? key : `${key}=${escapeISupportValue(value)}`);
  }
  return tokens;
}

/** The channel mode types of CHANMODES: A lists, B always a parameter, C a parameter when set, D none. */
export interface ChanModes {
  readonly A: string;
  readonly B: string;
  readonly C: string;
  readonly D: string;
}

/** PREFIX: channel membership modes and their nick prefixes, highest rank first. */
export interface PrefixSpec {
  /** Mode letters, e.g. 'ov'. */
  readonly modes: string;
  /** Their prefixes in the same order, e.g. '@+'. */
  readonly prefixes: string;
}

/** RFC 2812 §5.1 (RPL_ISUPPORT drafts) and Modern IRC defaults for absent keys. */
export const ISUPPORT_DEFAULTS = {
  CASEMAPPING: 'rfc1459' as CaseMapping,
  PREFIX: { modes: 'ov', prefixes: '@+' } as PrefixSpec,
  CHANTYPES: '#&+!',
  CHANMODES: { A: 'beI', B: 'k', C: 'l', D: 'aimnqpsrt' } as ChanModes,
  NICKLEN: 9,
  CHANNELLEN: 50,
  TOPICLEN: Infinity,
  MODES: 3,
  STATUSMSG: '',
} as const;

/** Parse a PREFIX value `(ov)@+`; null when malformed. An empty value means no prefixes. */
export function parsePrefix(value: string): PrefixSpec | null {
  if (value === '') return { modes: '', prefixes: '' };
  const match = /^\(([^)]*)\)(.*)$/.exec(value);
  if (match === null || match[1]!.length !== match[2]!.length) return null;
  return { modes: match[1]!, prefixes: match[2]! };
}

/** Parse a CHANMODES value `A,B,C,D` (extra groups are ignored, as Modern IRC says). */
export function parseChanModes(value: string): ChanModes {
  const [A = '', B = '', C = '', D = ''] = value.split(',');
  return { A, B, C, D };
}

/** Parse TARGMAX `PRIVMSG:4,NOTICE:4,JOIN:` → command → limit (no number: Infinity). */
export function parseTargMax(value: string): Map<string, number> {
  const limits = new Map<string, number>();
  for (const item of value.split(',')) {
    const colon = item.indexOf(':');
    if (colon <= 0) continue;
    const n = item.slice(colon + 1);
    limits.set(item.slice(0, colon).toUpperCase(), /^\d+$/.test(n) ? Number(n) : Infinity);
  }
  return limits;
}

function positiveInt(value: string | true | undefined, fallback: number): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return fallback;
  const n = Number(value);
  return n > 0 ? n : fallback;
}

/**
 * The ISUPPORT state of one connection, with typed accessors that fall back to the defaults.
 *
 * ```ts
 * const isupport = new ISupport();
 * isupport.update(msg); // for each 005
 * isupport.casemapping; // 'rfc1459' | 'strict-rfc1459' | 'ascii'
 * ```
 */
export class ISupport {
  readonly raw: ISupportMap;
  /** The raw CASEMAPPING value `casemappingValue` was derived from. */
  private casemappingOf: string | true | undefined = undefined;
  private casemappingValue: CaseMapping = ISUPPORT_DEFAULTS.CASEMAPPING;
  /** The raw PREFIX value `prefixValue` was parsed from. */
  private prefixOf: string | true | undefined = undefined;
  private prefixValue: PrefixSpec = ISUPPORT_DEFAULTS.PREFIX;

  constructor(raw: ISupportMap = new Map()) {
    this.raw = raw;
  }

  /** Apply a 005 message. */
  update(msg: IRCMessage): void {
    parseISupportMessage(msg, this.raw);
  }

  /** The raw value of a key (true when announced without a value). */
  get(key: string): string | true | undefined {
    return this.raw.get(key.toUpperCase());
  }

  get casemapping(): CaseMapping {
    // Asked for every nick comparison (several per message): remember the last answer.
    const value = this.raw.get('CASEMAPPING');
    if (value === this.casemappingOf) return this.casemappingValue;
    const mapping =
      typeof value === 'string' ? toCaseMapping(value) : ISUPPORT_DEFAULTS.CASEMAPPING;
    this.casemappingOf = value;
    this.casemappingValue = mapping;
    return mapping;
  }

  get prefix(): PrefixSpec {
    // Asked for every NAMES line and MODE: parsed again only when the server changed it.
    const value = this.raw.get('PREFIX');
    if (value === this.prefixOf) return this.prefixValue;
    const prefix =
      value === true
        ? { modes: '', prefixes: '' }
        : ((value === undefined ? null : parsePrefix(value)) ?? ISUPPORT_DEFAULTS.PREFIX);
    this.prefixOf = value;
    this.prefixValue = prefix;
    return prefix;
  }

  get chantypes(): string {
    const value = this.raw.get('CHANTYPES');
    if (value === true) return '';
    return value ?? ISUPPORT_DEFAULTS.CHANTYPES;
  }

  get chanmodes(): ChanModes {
    const value = this.raw.get('CHANMODES');
    return typeof value === 'string' ? parseChanModes(value) : ISUPPORT_DEFAULTS.CHANMODES;
  }

  get nicklen(): number {
    return positiveInt(this.raw.get('NICKLEN'), ISUPPORT_DEFAULTS.NICKLEN);
  }

  get channellen(): number {
    return positiveInt(this.raw.get('CHANNELLEN'), ISUPPORT_DEFAULTS.CHANNELLEN);
  }

  get topiclen(): number {
    return positiveInt(this.raw.get('TOPICLEN'), ISUPPORT_DEFAULTS.TOPICLEN);
  }

  /** Modes with a parameter per MODE command; MODES with no value means no limit. */
  get modes(): number {
    const value = this.raw.get('MODES');
    if (value === true) return Infinity;
    return positiveInt(value, ISUPPORT_DEFAULTS.MODES);
  }

  get network(): string | undefined {
    const value = this.raw.get('NETWORK');
    return typeof value === 'string' ? value : undefined;
  }

  get statusmsg(): string {
    const value = this.raw.get('STATUSMSG');
    return typeof value === 'string' ? value : ISUPPORT_DEFAULTS.STATUSMSG;
  }

  /** Per-command target limits; a command absent from the map has no announced limit. */
  get targmax(): Map<string, number> {
    const value = this.raw.get('TARGMAX');
    return typeof value === 'string' ? parseTargMax(value) : new Map();
  }

  /** A numeric value, or `fallback` when absent or not a positive integer (AWAYLEN, KICKLEN…). */
  getNumber(key: string, fallback: number): number {
    return positiveInt(this.raw.get(key.toUpperCase()), fallback);
  }

  /** The ban-exception mode letter (EXCEPTS; 'e' when announced without one), or undefined. */
  get excepts(): string | undefined {
    const value = this.raw.get('EXCEPTS');
    return value === undefined ? undefined : value === true ? 'e' : value;
  }

  /** The invite-exception mode letter (INVEX; 'I' when announced without one), or undefined. */
  get invex(): string | undefined {
    const value = this.raw.get('INVEX');
    return value === undefined ? undefined : value === true ? 'I' : value;
  }

  /** True when `name` starts with one of CHANTYPES. */
  isChannel(name: string): boolean {
    return name.length > 0 && this.chantypes.includes(name[0]!);
  }
}
