import { Numerics } from '../../wire/numerics.js';
import { isValidNick } from '../../wire/names.js';
import { USERLEN } from '../isupport.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';
import { sendLusers, sendMotd } from './query.js';

/** 001–005, LUSERS and MOTD: what a client gets when registration completes. */
export function sendWelcome(conn: IRCServerProtocol): void {
  const { config, createdAt } = conn.server;
  const user = conn.user;
  conn.numeric(
    Numerics.RPL_WELCOME,
    `Welcome to the ${config.network} Internet Relay Chat Network ${user.mask}`,
  );
  conn.numeric(
    Numerics.RPL_YOURHOST,
    `Your host is ${config.serverName}, running version ${config.version}`,
  );
  conn.numeric(Numerics.RPL_CREATED, `This server was created ${createdAt.toUTCString()}`);
  conn.numeric(
    Numerics.RPL_MYINFO,
    config.serverName,
    config.version,
    'iow',
    'beIiklmnost',
    'beIklov',
  );
  sendISupport(conn);
  sendLusers(conn);
  sendMotd(conn);
  if (user.modes.size > 0) {
    conn.send({ source: user.nick, command: 'MODE', params: [user.nick, user.modeString()] });
  }
}

/** 005 RPL_ISUPPORT, at most 13 tokens a line. */
export function sendISupport(conn: IRCServerProtocol): void {
  const tokens = conn.server.isupport;
  for (let i = 0; i < tokens.length; i += 13) {
    conn.numeric(Numerics.RPL_ISUPPORT, ...tokens.slice(i, i + 13), 'are supported by this server');
  }
}

export const registrationCommands: CommandGroup = {
  PASS: {
    when: 'unregistered',
    minParams: 1,
    handle(conn, { params }) {
      conn.password = params[0]!;
    },
  },
  NICK: {
    when: 'any',
    minParams: 0,
    handle(conn, { params }) {
      const nick = params[0];
      if (nick === undefined || nick === '') {
        conn.numeric(Numerics.ERR_NONICKNAMEGIVEN, 'No nickname given');
        return;
      }
      if (!isValidNick(nick, conn.config.nickLen)) {
        conn.numeric(Numerics.ERR_ERRONEUSNICKNAME, nick, 'Erroneous nickname');
        return;
      }
      const user = conn.user;
      const state = conn.server.state;
      const holder = state.findUser(nick);
      if (holder !== undefined && holder !== user) {
        conn.numeric(Numerics.ERR_NICKNAMEINUSE, nick, 'Nickname is already in use');
        return;
      }
      if (conn.state !== 'registered') {
        user.nick = nick;
        conn.maybeRegister();
        return;
      }
      if (nick === user.nick) return;
      const old = user.mask;
      conn.server.deliverToNeighbours(
        user,
        { source: old, command: 'NICK', params: [nick], account: user.account },
        true,
      );
      const oldNick = user.nick;
      state.renameUser(user, nick, conn.server.unixNow());
      // MONITOR: a case-only change leaves the watched nick online.
      if (conn.server.fold(oldNick) !== conn.server.fold(nick)) {
        conn.server.presenceChanged(oldNick, null);
        conn.server.presenceChanged(nick, user);
      }
    },
  },
  USER: {
    when: 'unregistered',
    minParams: 4,
    handle(conn, { params }) {
      if (conn.user.username !== '') {
        conn.numeric(Numerics.ERR_ALREADYREGISTERED, 'You may not reregister');
        return;
      }
      // Modern IRC: an empty user name (or real name) is as good as a missing parameter.
      if (params[0] === '' || params[3] === '') {
        conn.numeric(Numerics.ERR_NEEDMOREPARAMS, 'USER', 'Not enough parameters');
        return;
      }
      // No ident lookups: the name is the client's claim, marked with '~' as servers do.
      const username = params[0]!.replace(/[^A-Za-z0-9._\-[\]\\`^{}|]/g, '');
      conn.user.username = `~${(username === '' ? 'user' : username).slice(0, USERLEN - 1)}`;
      conn.user.realname = params[3]!.slice(0, conn.config.realnameLen);
      conn.maybeRegister();
    },
  },
  PING: {
    when: 'any',
    minParams: 0,
    handle(conn, { params }) {
      if (params.length === 0 || params[0] === '') {
        conn.numeric(Numerics.ERR_NOORIGIN, 'No origin specified');
        return;
      }
      const name = conn.config.serverName;
      conn.send({ source: name, command: 'PONG', params: [name, params[0]!] });
    },
  },
  PONG: {
    when: 'any',
    minParams: 0,
    handle() {
      // Any line resets the ping timer; nothing more to do.
    },
  },
  QUIT: {
    when: 'any',
    minParams: 0,
    handle(conn, { params }) {
      const reason = params[0] ?? '';
      const quit = reason === '' ? 'Quit:' : `Quit: ${reason}`;
      conn.disconnect(quit, quit);
    },
  },
};
