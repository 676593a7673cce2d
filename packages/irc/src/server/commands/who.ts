import { Numerics } from '../../wire/numerics.js';
import { matchMask } from '../../wire/masks.js';
import { isIPLiteral } from '@tw/core';
import type { ServerChannel } from '../channel.js';
import type { IRCServerProtocol } from '../connection.js';
import type { ServerUser } from '../user.js';

/** RPL_WHOSPCRPL, the WHOX reply (IRCv3 whox). */
const RPL_WHOSPCRPL = '354';

/** WHOX fields in the one order replies carry them, whatever order the client asked in. */
const WHOX_FIELD_ORDER = 'tcuihsnfdlaor';

/** What a WHO command asked for: the mask, `o` (operators only), and WHOX fields and token. */
interface WhoQuery {
  readonly mask: string;
  readonly opersOnly: boolean;
  /** WHOX fields requested (letters of WHOX_FIELD_ORDER), or null for a classic 352 reply. */
  readonly fields: string | null;
  readonly token: string;
}

/** `WHO mask [flags][%fields[,token]]` → the query (unknown flags and fields are ignored). */
export function parseWhoQuery(mask: string | undefined, options: string | undefined): WhoQuery {
  const arg = options ?? '';
  const percent = arg.indexOf('%');
  const flags = percent === -1 ? arg : arg.slice(0, percent);
  let fields: string | null = null;
  let token = '0';
  if (percent !== -1) {
    const [letters = '', rawToken] = arg.slice(percent + 1).split(',', 2);
    fields = [...WHOX_FIELD_ORDER].filter((f) => letters.includes(f)).join('');
    // The spec allows a token of 1 to 3 digits; anything else is not echoed back.
    if (rawToken !== undefined && /^\d{1,3}$/.test(rawToken)) token = rawToken;
  }
  return {
    mask: mask === undefined || mask === '' || mask === '0' ? '*' : mask,
    opersOnly: flags.includes('o'),
    fields,
    token,
  };
}

/** `H`/`G` (here/gone), `*` for operators, then the member's prefixes when seen through a channel. */
function whoFlags(
  viewer: ServerUser,
  user: ServerUser,
  channel: ServerChannel | undefined,
): string {
  let flags = user.away === null ? 'H' : 'G';
  if (user.isOperator) flags += '*';
  if (channel !== undefined) flags += channel.prefixOf(user, viewer.hasCap('multi-prefix'));
  return flags;
}

function whoReply(
  conn: IRCServerProtocol,
  query: WhoQuery,
  user: ServerUser,
  channel: ServerChannel | undefined,
): void {
  const flags = whoFlags(conn.user, user, channel);
  const serverName = conn.config.serverName;
  if (query.fields === null) {
    conn.numeric(
      Numerics.RPL_WHOREPLY,
      channel?.name ?? '*',
      user.username,
      user.host,
      serverName,
      user.nick,
      flags,
      `0 ${user.realname}`,
    );
    return;
  }
  const idle = Math.max(0, Math.floor(conn.server.reactor.seconds() - user.lastMessageAt));
  const values: Record<string, string> = {
    t: query.token,
    c: channel?.name ?? '*',
    u: user.username,
    i: isIPLiteral(user.host) ? user.host : '255.255.255.255',
    h: user.host,
    s: serverName,
    n: user.nick,
    f: flags,
    d: '0',
    l: String(idle),
    a: user.account ?? '0',
    o: 'n/a',
    r: user.realname,
  };
  conn.numeric(RPL_WHOSPCRPL, ...[...query.fields].map((f) => values[f]!));
}

function sharesChannel(a: ServerUser, b: ServerUser): boolean {
  for (const channel of a.channels) if (channel.members.has(b)) return true;
  return false;
}

/** Users +i are found by a mask only by themselves and by those who share a channel with them. */
function canSee(viewer: ServerUser, user: ServerUser): boolean {
  return viewer === user || !user.modes.has('i') || sharesChannel(viewer, user);
}

/**
 * WHO (Modern IRC, IRCv3 WHOX): a channel lists its visible members; an exact nickname finds
 * that user even when invisible; any other mask is matched against nick, user, host, server and
 * real name of the users the client may see. RPL_ENDOFWHO echoes the mask as the client sent it.
 */
export function who(conn: IRCServerProtocol, query: WhoQuery, sentMask: string): void {
  const server = conn.server;
  const viewer = conn.user;
  const mask = query.mask;
  const wanted = (user: ServerUser): boolean => !query.opersOnly || user.isOperator;
  if (mask.startsWith('#')) {
    const channel = server.state.findChannel(mask);
    if (channel !== undefined) {
      const isMember = channel.members.has(viewer);
      if (isMember || !channel.modes.has('s')) {
        for (const user of channel.members.keys()) {
          if (wanted(user) && (isMember || !user.modes.has('i'))) {
            whoReply(conn, query, user, channel);
          }
        }
      }
    }
  } else {
    const exact = /[*?]/.test(mask) ? undefined : server.state.findUser(mask);
    if (exact !== undefined) {
      if (wanted(exact)) whoReply(conn, query, exact, undefined);
    } else {
      const serverName = conn.config.serverName;
      for (const user of server.state.users.values()) {
        if (!wanted(user) || !canSee(viewer, user)) continue;
        const fields = [user.nick, user.username, user.host, serverName, user.realname];
        if (!fields.some((field) => matchMask(mask, field, 'rfc1459'))) continue;
        whoReply(conn, query, user, undefined);
      }
    }
  }
  conn.numeric(Numerics.RPL_ENDOFWHO, sentMask === '' ? '*' : sentMask, 'End of /WHO list');
}
