/**
 * Channel membership prefixes as NAMES, WHO and STATUSMSG carry them: `@nick`, `@+nick`
 * (IRCv3 multi-prefix), `@nick!user@host` (userhost-in-names), `@#channel` (a message to the
 * channel's operators only).
 */
import type { PrefixSpec } from './isupport.js';
import { parseSource } from './message.js';

/** One RPL_NAMREPLY entry, its prefixes mapped back to mode letters. */
export interface ParsedNamesEntry {
  readonly nick: string;
  readonly user?: string;
  readonly host?: string;
  /** The prefix characters as sent, highest first ('@+'). */
  readonly prefixes: string;
  /** Their mode letters, in the same order ('ov'). */
  readonly modes: string;
}

/**
 * Split one NAMES entry into its prefixes and the name after them. Any number of prefixes is
 * accepted (multi-prefix), and `nick!user@host` is split (userhost-in-names).
 */
export function parseNamesEntry(entry: string, prefix: PrefixSpec): ParsedNamesEntry {
  let i = 0;
  let modes = '';
  while (i < entry.length) {
    const rank = prefix.prefixes.indexOf(entry[i]!);
    if (rank === -1) break;
    modes += prefix.modes[rank]!;
    i++;
  }
  const source = parseSource(entry.slice(i));
  return {
    nick: source.nick,
    ...(source.user !== undefined ? { user: source.user } : {}),
    ...(source.host !== undefined ? { host: source.host } : {}),
    prefixes: entry.slice(0, i),
    modes,
  };
}

/**
 * The prefix characters for a member's modes, highest rank first: all of them for a client
 * with multi-prefix, else only the highest (RFC 2812 NAMES shows one).
 */
export function formatMemberPrefixes(
  modes: Iterable<string>,
  prefix: PrefixSpec,
  multiPrefix: boolean,
): string {
  const held = new Set(modes);
  let out = '';
  for (let rank = 0; rank < prefix.modes.length; rank++) {
    if (!held.has(prefix.modes[rank]!)) continue;
    out += prefix.prefixes[rank]!;
    if (!multiPrefix) break;
  }
  return out;
}

/**
 * Split a STATUSMSG target (`@#chan`, `+#chan`) into the lowest member prefix it reaches and
 * the channel; `prefix` is '' for a plain target.
 */
export function splitStatusTarget(
  target: string,
  statusmsg: string,
): { prefix: string; target: string } {
  let i = 0;
  while (i < target.length - 1 && statusmsg.includes(target[i]!)) i++;
  return { prefix: target.slice(0, i), target: target.slice(i) };
}

/** Split a comma-separated target list (`#a,#b,nick`), dropping empty items. */
export function splitTargets(list: string): string[] {
  return list.split(',').filter((item) => item !== '');
}
