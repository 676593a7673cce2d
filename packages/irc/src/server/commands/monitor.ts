import { isValidNick } from '../../wire/names.js';
import { Numerics } from '../../wire/numerics.js';
import type { IRCServerProtocol } from '../connection.js';
import { commaLists } from '../../wire/comma-lists.js';
import type { CommandGroup } from './command.js';

/** 730 for the online ones of `nicks` (as nick!user@host), 731 for the others. */
export function sendMonitorStatus(conn: IRCServerProtocol, nicks: readonly string[]): void {
  const state = conn.server.state;
  const online: string[] = [];
  const offline: string[] = [];
  for (const nick of nicks) {
    const user = state.findUser(nick);
    if (user === undefined) offline.push(nick);
    else online.push(user.mask);
  }
  for (const list of commaLists(online)) conn.numeric(Numerics.RPL_MONONLINE, list);
  for (const list of commaLists(offline)) conn.numeric(Numerics.RPL_MONOFFLINE, list);
}

/** `MONITOR + a,b`, `- a,b`, `C`, `L`, `S` (IRCv3 monitor). */
export const monitorCommands: CommandGroup = {
  MONITOR: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      const lists = conn.server.monitor;
      const sub = params[0]!.toUpperCase();
      const targets = (params[1] ?? '')
        .split(',')
        .filter((nick) => nick !== '' && isValidNick(nick, conn.config.nickLen));
      switch (sub) {
        case '+': {
          if (params[1] === undefined) {
            conn.numeric(Numerics.ERR_NEEDMOREPARAMS, 'MONITOR', 'Not enough parameters');
            return;
          }
          const { added, refused } = lists.add(conn.user, targets);
          sendMonitorStatus(conn, added);
          if (refused.length > 0) {
            for (const list of commaLists(refused)) {
              conn.numeric(
                Numerics.ERR_MONLISTFULL,
                String(lists.limit),
                list,
                'Monitor list is full.',
              );
            }
          }
          return;
        }
        case '-':
          if (params[1] === undefined) {
            conn.numeric(Numerics.ERR_NEEDMOREPARAMS, 'MONITOR', 'Not enough parameters');
            return;
          }
          lists.remove(conn.user, targets);
          return;
        case 'C':
          lists.clear(conn.user);
          return;
        case 'L':
          for (const list of commaLists(lists.list(conn.user))) {
            conn.numeric(Numerics.RPL_MONLIST, list);
          }
          conn.numeric(Numerics.RPL_ENDOFMONLIST, 'End of MONITOR list');
          return;
        case 'S':
          sendMonitorStatus(conn, lists.list(conn.user));
          return;
        default:
          // Unknown subcommands are ignored, as the specification's servers do.
          return;
      }
    },
  },
};
