import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';

/** Standard replies (IRCv3): `FAIL <command> <code> [context…] :<description>`. */
export function sendFail(
  conn: IRCServerProtocol,
  command: string,
  code: string,
  description: string,
): void {
  conn.send({
    source: conn.config.serverName,
    command: 'FAIL',
    params: [command, code, description],
  });
}

export const setnameCommands: CommandGroup = {
  /**
   * IRCv3 setname: change one's real name. Those sharing a channel and the user itself see
   * `SETNAME :new name` when they enabled the cap; a name that is empty or over NAMELEN gets
   * `FAIL SETNAME INVALID_REALNAME`.
   */
  SETNAME: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      const realname = params[0]!;
      if (realname === '' || realname.length > conn.config.realnameLen) {
        sendFail(conn, 'SETNAME', 'INVALID_REALNAME', 'Realname is not valid');
        return;
      }
      const user = conn.user;
      user.realname = realname;
      const watchers = conn.server.state.neighboursOf(user);
      watchers.add(user);
      conn.server.deliver(
        { source: user.mask, command: 'SETNAME', params: [realname], account: user.account },
        [...watchers].filter((u) => u.hasCap('setname')),
      );
    },
  },
};
