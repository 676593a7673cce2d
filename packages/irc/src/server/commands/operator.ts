import { Numerics } from '../../wire/numerics.js';
import { UsernamePassword } from '@tw/core';
import { IRC_OPERATOR_INTERFACE } from '../config.js';
import type { CommandGroup } from './command.js';

export const operatorCommands: CommandGroup = {
  OPER: {
    when: 'registered',
    minParams: 2,
    handle(conn, { params }) {
      const portal = conn.config.operatorPortal;
      if (portal === null) {
        conn.numeric(Numerics.ERR_NOOPERHOST, 'No O-lines for your host');
        return;
      }
      const credentials = new UsernamePassword(params[0]!, params[1]!);
      portal
        .loginFrom(conn.transport.getPeer(), credentials, null, IRC_OPERATOR_INTERFACE)
        .addCallback((result) => {
          result.logout();
          if (conn.state !== 'registered') return;
          const user = conn.user;
          if (conn.server.state.setUserMode(user, 'o', true)) {
            conn.send({ source: user.mask, command: 'MODE', params: [user.nick, '+o'] });
          }
          conn.numeric(Numerics.RPL_YOUREOPER, 'You are now an IRC operator');
        })
        .addErrback(() => {
          // The same reply whatever went wrong, so OPER does not reveal which names exist.
          if (conn.state === 'registered')
            conn.numeric(Numerics.ERR_PASSWDMISMATCH, 'Password incorrect');
        });
    },
  },
  WALLOPS: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      if (!conn.user.isOperator) {
        conn.numeric(Numerics.ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator");
        return;
      }
      const recipients = [...conn.server.state.users.values()].filter((u) => u.modes.has('w'));
      conn.server.deliver(
        {
          source: conn.user.mask,
          command: 'WALLOPS',
          params: [params[0]!],
          account: conn.user.account,
        },
        recipients,
      );
    },
  },
  KILL: {
    when: 'registered',
    minParams: 2,
    handle(conn, { params }) {
      const killer = conn.user;
      if (!killer.isOperator) {
        conn.numeric(Numerics.ERR_NOPRIVILEGES, "Permission Denied- You're not an IRC operator");
        return;
      }
      const nick = params[0]!;
      if (conn.server.fold(nick) === conn.server.fold(conn.config.serverName)) {
        conn.numeric(Numerics.ERR_CANTKILLSERVER, 'You cant kill a server!');
        return;
      }
      const victim = conn.server.state.findUser(nick);
      if (victim === undefined) {
        conn.numeric(Numerics.ERR_NOSUCHNICK, nick, 'No such nick/channel');
        return;
      }
      const comment = params[1]!;
      conn.server.deliver(
        { source: killer.mask, command: 'KILL', params: [victim.nick, comment] },
        [victim],
      );
      const reason = `Killed (${killer.nick} (${comment}))`;
      victim.link.disconnect(reason, reason);
    },
  },
};
