import { Numerics } from '../../wire/numerics.js';
import { normalizeMask } from '../../wire/masks.js';
import { formatModeChanges, parseModeString, type ModeChange } from '../../wire/modes.js';
import type { ServerChannel } from '../channel.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';

const CHANMODES = { A: 'beI', B: 'k', C: 'l', D: 'imnst' };
const PREFIX_MODES = 'ov';
/** Replies for listing each list mode: [entry, end, end text]. */
const LIST_REPLIES: Readonly<Record<string, [string, string, string]>> = {
  b: [Numerics.RPL_BANLIST, Numerics.RPL_ENDOFBANLIST, 'End of channel ban list'],
  e: [Numerics.RPL_EXCEPTLIST, Numerics.RPL_ENDOFEXCEPTLIST, 'End of channel exception list'],
  I: [Numerics.RPL_INVEXLIST, Numerics.RPL_ENDOFINVEXLIST, 'End of channel invite list'],
};

/** The longest channel key accepted. */
const MAX_KEY_LENGTH = 50;

/** 696 ERR_INVALIDMODEPARAM (Modern IRC): `<channel> <mode> * :<why>`. */
function invalidModeParam(
  conn: IRCServerProtocol,
  channel: ServerChannel,
  mode: string,
  why: string,
): void {
  conn.numeric(Numerics.ERR_INVALIDMODEPARAM, channel.name, mode, '*', why);
}

function sendList(conn: IRCServerProtocol, channel: ServerChannel, mode: string): void {
  const [entryCode, endCode, endText] = LIST_REPLIES[mode]!;
  for (const entry of channel.listFor(mode)) {
    conn.numeric(entryCode, channel.name, entry.mask, entry.setBy, String(entry.setAt));
  }
  conn.numeric(endCode, channel.name, endText);
}

/** Apply one change; the change as it should be announced, or null when nothing changed. */
function applyChannelMode(
  conn: IRCServerProtocol,
  channel: ServerChannel,
  change: ModeChange,
): ModeChange | null {
  const { adding, mode, arg } = change;
  const server = conn.server;
  switch (mode) {
    case 'o':
    case 'v': {
      if (arg === undefined) return null;
      const target = server.state.findUser(arg);
      if (target === undefined) {
        conn.numeric(Numerics.ERR_NOSUCHNICK, arg, 'No such nick/channel');
        return null;
      }
      const membership = channel.members.get(target);
      if (membership === undefined) {
        conn.numeric(
          Numerics.ERR_USERNOTINCHANNEL,
          target.nick,
          channel.name,
          "They aren't on that channel",
        );
        return null;
      }
      const key = mode === 'o' ? 'op' : 'voice';
      if (membership[key] === adding) return null;
      membership[key] = adding;
      return { adding, mode, arg: target.nick };
    }
    case 'b':
    case 'e':
    case 'I': {
      if (arg === undefined) return null;
      const list = channel.listFor(mode);
      const mask = normalizeMask(arg);
      const folded = server.fold(mask);
      const index = list.findIndex((entry) => server.fold(entry.mask) === folded);
      if (adding) {
        if (index !== -1) return null;
        if (list.length >= conn.config.maxListEntries) {
          conn.numeric(Numerics.ERR_BANLISTFULL, channel.name, mask, 'Channel list is full');
          return null;
        }
        list.push({ mask, setBy: conn.user.nick, setAt: server.unixNow() });
      } else {
        if (index === -1) return null;
        list.splice(index, 1);
      }
      return { adding, mode, arg: mask };
    }
    case 'k':
      if (adding) {
        if (arg === undefined) return null;
        // Modern IRC: refuse keys that JOIN could not carry (spaces, commas) with 696.
        if (arg === '' || /[\s,]/.test(arg) || arg.length > MAX_KEY_LENGTH) {
          invalidModeParam(
            conn,
            channel,
            'k',
            `Invalid key (1 to ${MAX_KEY_LENGTH} characters, no spaces or commas)`,
          );
          return null;
        }
        channel.key = arg;
        return { adding, mode, arg };
      }
      if (channel.key === null) return null;
      channel.key = null;
      return { adding, mode, arg: '*' };
    case 'l': {
      if (!adding) {
        if (channel.limit === null) return null;
        channel.limit = null;
        return { adding, mode };
      }
      if (arg === undefined) return null;
      const limit = Number(arg);
      if (!/^\d{1,9}$/.test(arg) || limit <= 0) {
        invalidModeParam(conn, channel, 'l', 'Invalid limit (a whole number of at least 1)');
        return null;
      }
      channel.limit = limit;
      return { adding, mode, arg: String(limit) };
    }
    default:
      if (!CHANMODES.D.includes(mode)) {
        conn.numeric(Numerics.ERR_UNKNOWNMODE, mode, 'is unknown mode char to me');
        return null;
      }
      if (channel.modes.has(mode) === adding) return null;
      if (adding) channel.modes.add(mode);
      else channel.modes.delete(mode);
      return { adding, mode };
  }
}

function channelMode(conn: IRCServerProtocol, target: string, rest: readonly string[]): void {
  const server = conn.server;
  const channel = server.state.findChannel(target);
  if (channel === undefined) {
    conn.numeric(Numerics.ERR_NOSUCHCHANNEL, target, 'No such channel');
    return;
  }
  const isMember = channel.members.has(conn.user);
  if (rest.length === 0) {
    conn.numeric(Numerics.RPL_CHANNELMODEIS, channel.name, ...channel.modeString(isMember));
    conn.numeric(Numerics.RPL_CREATIONTIME, channel.name, String(channel.createdAt));
    return;
  }
  const changes = parseModeString(rest[0]!, rest.slice(1), CHANMODES, PREFIX_MODES);
  const isOp = channel.isOp(conn.user);
  const applied: ModeChange[] = [];
  let withArgs = 0;
  let deniedReported = false;
  for (const change of changes) {
    // A list mode without a mask is a query, open to anyone who can see the channel.
    if (CHANMODES.A.includes(change.mode) && change.arg === undefined) {
      sendList(conn, channel, change.mode);
      continue;
    }
    if (!isOp) {
      if (!deniedReported) {
        conn.numeric(Numerics.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator");
        deniedReported = true;
      }
      continue;
    }
    if (change.arg !== undefined && ++withArgs > conn.config.maxModesPerCommand) continue;
    const result = applyChannelMode(conn, channel, change);
    if (result !== null) applied.push(result);
  }
  for (const params of formatModeChanges(applied, conn.config.maxModesPerCommand)) {
    server.deliver(
      {
        source: conn.user.mask,
        command: 'MODE',
        params: [channel.name, ...params],
        account: conn.user.account,
      },
      channel.members.keys(),
    );
  }
}

function userMode(conn: IRCServerProtocol, target: string, rest: readonly string[]): void {
  const user = conn.user;
  const other = conn.server.state.findUser(target);
  if (other === undefined) {
    conn.numeric(Numerics.ERR_NOSUCHNICK, target, 'No such nick/channel');
    return;
  }
  if (other !== user) {
    conn.numeric(Numerics.ERR_USERSDONTMATCH, "Can't change mode for other users");
    return;
  }
  if (rest.length === 0) {
    conn.numeric(Numerics.RPL_UMODEIS, user.modeString());
    return;
  }
  const applied: ModeChange[] = [];
  let unknown = false;
  for (const { adding, mode } of parseModeString(
    rest[0]!,
    [],
    { A: '', B: '', C: '', D: '' },
    '',
  )) {
    if (mode !== 'i' && mode !== 'w' && mode !== 'o') {
      unknown = true;
      continue;
    }
    // +o only through OPER.
    if (mode === 'o' && adding) continue;
    if (conn.server.state.setUserMode(user, mode, adding)) applied.push({ adding, mode });
  }
  if (unknown) conn.numeric(Numerics.ERR_UMODEUNKNOWNFLAG, 'Unknown MODE flag');
  for (const params of formatModeChanges(applied, Infinity)) {
    conn.send({ source: user.mask, command: 'MODE', params: [user.nick, ...params] });
  }
}

export const modeCommands: CommandGroup = {
  MODE: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      const target = params[0]!;
      if (target.startsWith('#')) channelMode(conn, target, params.slice(1));
      else userMode(conn, target, params.slice(1));
    },
  },
};
