import { Numerics } from '../../wire/numerics.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';

/**
 * True when a query's optional target (`VERSION <target>`, `ADMIN <target>`, …) names this
 * server: nothing, its name, or the nick of a user on it. Otherwise 402 ERR_NOSUCHSERVER is
 * sent and false returned (there is no other server to ask).
 */
export function targetsThisServer(conn: IRCServerProtocol, target: string | undefined): boolean {
  if (target === undefined || target === '') return true;
  const server = conn.server;
  if (server.fold(target) === server.fold(conn.config.serverName)) return true;
  if (server.state.findUser(target) !== undefined) return true;
  conn.numeric(Numerics.ERR_NOSUCHSERVER, target, 'No such server');
  return false;
}

const NOT_CONFIGURED = 'Not configured';

/** ADMIN and INFO (RFC 2812 §3.4.9–10, Modern IRC). */
export const serverInfoCommands: CommandGroup = {
  ADMIN: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      if (!targetsThisServer(conn, params[0])) return;
      const { serverName, admin } = conn.config;
      conn.numeric(Numerics.RPL_ADMINME, serverName, 'Administrative info');
      conn.numeric(Numerics.RPL_ADMINLOC1, admin.location ?? NOT_CONFIGURED);
      conn.numeric(Numerics.RPL_ADMINLOC2, admin.organisation ?? NOT_CONFIGURED);
      conn.numeric(Numerics.RPL_ADMINEMAIL, admin.email ?? NOT_CONFIGURED);
    },
  },
  INFO: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      if (!targetsThisServer(conn, params[0])) return;
      const { config, createdAt } = conn.server;
      for (const line of [
        `${config.serverName}: ${config.description}`,
        `${config.version}: the IRC server of @tw, an event-driven networking framework for TypeScript`,
        `Network: ${config.network}`,
        `Up since ${createdAt.toUTCString()}`,
      ]) {
        conn.numeric(Numerics.RPL_INFO, line);
      }
      conn.numeric(Numerics.RPL_ENDOFINFO, 'End of INFO list');
    },
  },
};
