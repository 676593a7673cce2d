import { Numerics } from '../../wire/numerics.js';
import { matchMask } from '../../wire/masks.js';
import type { ServerChannel } from '../channel.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';

/** The ELIST conditions LIST understands (ISUPPORT `ELIST=CMNTU`). */
export const ELIST = 'CMNTU';

/** One LIST parameter item, parsed. */
type ListItem =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'mask'; readonly mask: string; readonly negated: boolean }
  | {
      readonly kind: 'compare';
      /** Users, creation time (minutes ago) or topic time (minutes ago). */
      readonly field: 'U' | 'C' | 'T';
      readonly above: boolean;
      readonly value: number;
    };

/** `>5`, `<3`, `C>10`, `T<60`, `!*spam*`, `#chan*`, `#chan` → a LIST condition. */
function parseItem(item: string): ListItem {
  const compare = /^([CT]?)([<>])(\d{1,9})$/.exec(item);
  if (compare !== null) {
    return {
      kind: 'compare',
      field: (compare[1] || 'U') as 'U' | 'C' | 'T',
      above: compare[2] === '>',
      value: Number(compare[3]),
    };
  }
  if (item.startsWith('!')) return { kind: 'mask', mask: item.slice(1), negated: true };
  if (/[*?]/.test(item)) return { kind: 'mask', mask: item, negated: false };
  return { kind: 'name', name: item };
}

/** The channel's value for a comparison: its users, or minutes since creation / topic. */
function measure(channel: ServerChannel, field: 'U' | 'C' | 'T', nowSeconds: number): number {
  if (field === 'U') return channel.members.size;
  const at = field === 'C' ? channel.createdAt : channel.topicSetAt;
  return Math.floor((nowSeconds - at) / 60);
}

/**
 * LIST (Modern IRC with ELIST=CMNTU): channel names, masks (`*x*`), negated masks (`!*x*`),
 * user counts (`>n`, `<n`), and creation or topic age in minutes (`C>n`, `T<n`). Conditions
 * are combined with "and"; several names or masks with "or". Secret channels are listed only
 * to their members.
 */
function list(conn: IRCServerProtocol, arg: string | undefined): void {
  const state = conn.server.state;
  const items = (arg ?? '')
    .split(',')
    .filter((i) => i !== '')
    .slice(0, 32)
    .map(parseItem);
  const names = items.flatMap((i) => (i.kind === 'name' ? [i.name] : []));
  const masks = items.filter((i) => i.kind === 'mask' && !i.negated);
  const negated = items.filter((i) => i.kind === 'mask' && i.negated);
  const compares = items.filter((i) => i.kind === 'compare');
  const candidates =
    names.length > 0
      ? names
          .map((name) => state.findChannel(name))
          .filter((c): c is ServerChannel => c !== undefined)
      : [...state.channels.values()];
  const now = conn.server.unixNow();
  const matches = (channel: ServerChannel, item: ListItem): boolean =>
    item.kind === 'mask'
      ? matchMask(item.mask, channel.name, 'rfc1459')
      : item.kind === 'compare'
        ? item.above
          ? measure(channel, item.field, now) > item.value
          : measure(channel, item.field, now) < item.value
        : false;
  conn.numeric(Numerics.RPL_LISTSTART, 'Channel', 'Users  Name');
  for (const channel of new Set(candidates)) {
    if (channel.modes.has('s') && !channel.members.has(conn.user)) continue;
    if (masks.length > 0 && !masks.some((m) => matches(channel, m))) continue;
    if (negated.some((m) => matches(channel, m))) continue;
    if (compares.some((c) => c.kind === 'compare' && c.field === 'T' && channel.topic === '')) {
      continue;
    }
    if (!compares.every((c) => matches(channel, c))) continue;
    conn.numeric(Numerics.RPL_LIST, channel.name, String(channel.members.size), channel.topic);
  }
  conn.numeric(Numerics.RPL_LISTEND, 'End of /LIST');
}

export const listCommands: CommandGroup = {
  LIST: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      list(conn, params[0]);
    },
  },
};
