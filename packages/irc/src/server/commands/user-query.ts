import { Numerics } from '../../wire/numerics.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';
import { parseWhoQuery, who } from './who.js';

function whois(conn: IRCServerProtocol, nick: string): void {
  const server = conn.server;
  const viewer = conn.user;
  const user = server.state.findUser(nick);
  if (user === undefined) {
    conn.numeric(Numerics.ERR_NOSUCHNICK, nick, 'No such nick/channel');
    conn.numeric(Numerics.RPL_ENDOFWHOIS, nick, 'End of /WHOIS list');
    return;
  }
  conn.numeric(Numerics.RPL_WHOISUSER, user.nick, user.username, user.host, '*', user.realname);
  const multi = viewer.hasCap('multi-prefix');
  const channels = [...user.channels]
    // Secret channels, and every channel of an invisible user, only when the viewer is in it.
    .filter(
      (c) =>
        viewer === user || c.members.has(viewer) || (!c.modes.has('s') && !user.modes.has('i')),
    )
    .map((c) => c.prefixOf(user, multi) + c.name);
  if (channels.length > 0) conn.numeric(Numerics.RPL_WHOISCHANNELS, user.nick, channels.join(' '));
  conn.numeric(
    Numerics.RPL_WHOISSERVER,
    user.nick,
    conn.config.serverName,
    conn.config.description,
  );
  if (user.away !== null) conn.numeric(Numerics.RPL_AWAY, user.nick, user.away);
  if (user.isOperator) conn.numeric(Numerics.RPL_WHOISOPERATOR, user.nick, 'is an IRC operator');
  if (user.secure)
    conn.numeric(Numerics.RPL_WHOISSECURE, user.nick, 'is using a secure connection');
  if (user.account !== null)
    conn.numeric(Numerics.RPL_WHOISACCOUNT, user.nick, user.account, 'is logged in as');
  const idle = Math.max(0, Math.floor(server.reactor.seconds() - user.lastMessageAt));
  conn.numeric(
    '317',
    user.nick,
    String(idle),
    String(user.signonTime),
    'seconds idle, signon time',
  );
  conn.numeric(Numerics.RPL_ENDOFWHOIS, user.nick, 'End of /WHOIS list');
}

export const userQueryCommands: CommandGroup = {
  WHO: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      who(conn, parseWhoQuery(params[0], params[1]), params[0] ?? '*');
    },
  },
  WHOIS: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      // WHOIS [server] nick: the server parameter names us (one server), so take the last.
      const nick = params.length >= 2 ? params[1]! : params[0];
      if (nick === undefined || nick === '') {
        conn.numeric(Numerics.ERR_NONICKNAMEGIVEN, 'No nickname given');
        return;
      }
      whois(conn, nick.split(',')[0]!);
    },
  },
  WHOWAS: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      const nick = params[0]!.split(',')[0]!;
      const count = Math.max(0, Number.parseInt(params[1] ?? '0', 10) || 0);
      const entries = conn.server.state.whowasFor(nick, count);
      if (entries.length === 0)
        conn.numeric(Numerics.ERR_WASNOSUCHNICK, nick, 'There was no such nickname');
      for (const entry of entries) {
        conn.numeric(
          Numerics.RPL_WHOWASUSER,
          entry.nick,
          entry.username,
          entry.host,
          '*',
          entry.realname,
        );
        conn.numeric(
          '312',
          entry.nick,
          conn.config.serverName,
          new Date(entry.at * 1000).toUTCString(),
        );
      }
      conn.numeric(Numerics.RPL_ENDOFWHOWAS, nick, 'End of WHOWAS');
    },
  },
  ISON: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      // Nicks may come as separate parameters or space-separated in the trailing one.
      const nicks = params.flatMap((p) => p.split(' ')).filter((n) => n !== '');
      const online = nicks
        .slice(0, 64)
        .map((nick) => conn.server.state.findUser(nick)?.nick)
        .filter((nick): nick is string => nick !== undefined);
      conn.numeric(Numerics.RPL_ISON, online.join(' '));
    },
  },
  USERHOST: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      const replies: string[] = [];
      for (const nick of params.slice(0, 5)) {
        const user = conn.server.state.findUser(nick);
        if (user === undefined) continue;
        const oper = user.isOperator ? '*' : '';
        const away = user.away === null ? '+' : '-';
        replies.push(`${user.nick}${oper}=${away}${user.username}@${user.host}`);
      }
      conn.numeric(Numerics.RPL_USERHOST, replies.join(' '));
    },
  },
  AWAY: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      const user = conn.user;
      const text = params[0] ?? '';
      user.away = text === '' ? null : text.slice(0, conn.config.awayLen);
      if (user.away === null)
        conn.numeric(Numerics.RPL_UNAWAY, 'You are no longer marked as being away');
      else conn.numeric(Numerics.RPL_NOWAWAY, 'You have been marked as being away');
      const watchers = [...conn.server.state.neighboursOf(user)].filter((u) =>
        u.hasCap('away-notify'),
      );
      conn.server.deliver(
        {
          source: user.mask,
          command: 'AWAY',
          params: user.away === null ? [] : [user.away],
          account: user.account,
        },
        watchers,
      );
    },
  },
};
