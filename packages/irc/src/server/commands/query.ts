import { Numerics } from '../../wire/numerics.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';
import { targetsThisServer } from './server-info.js';
import { sendISupport } from './registration.js';

/** 251–255 (LUSERS), the counts a client sees at registration and on request. */
export function sendLusers(conn: IRCServerProtocol): void {
  const state = conn.server.state;
  const users = state.users.size;
  const invisible = state.invisibleCount();
  conn.numeric(
    '251',
    `There are ${users - invisible} users and ${invisible} invisible on 1 servers`,
  );
  const opers = state.operatorCount();
  if (opers > 0) conn.numeric(Numerics.RPL_LUSEROP, String(opers), 'operator(s) online');
  if (state.unregisteredCount > 0) {
    conn.numeric(
      Numerics.RPL_LUSERUNKNOWN,
      String(state.unregisteredCount),
      'unknown connection(s)',
    );
  }
  if (state.channels.size > 0)
    conn.numeric(Numerics.RPL_LUSERCHANNELS, String(state.channels.size), 'channels formed');
  conn.numeric(Numerics.RPL_LUSERME, `I have ${users} clients and 0 servers`);
  // Modern IRC's 265/266 (one server: local and global are the same).
  const peak = String(state.peakUsers);
  conn.numeric(
    Numerics.RPL_LOCALUSERS,
    String(users),
    peak,
    `Current local users ${users}, max ${peak}`,
  );
  conn.numeric(
    Numerics.RPL_GLOBALUSERS,
    String(users),
    peak,
    `Current global users ${users}, max ${peak}`,
  );
}

/** The MOTD lines from the config (text is split on newlines). */
function motdLines(motd: string | readonly string[]): readonly string[] {
  if (typeof motd !== 'string') return motd;
  if (motd === '') return [];
  return motd.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** 375/372/376, or 422 ERR_NOMOTD when there is none. */
export function sendMotd(conn: IRCServerProtocol): void {
  const lines = motdLines(conn.config.motd);
  if (lines.length === 0) {
    conn.numeric(Numerics.ERR_NOMOTD, 'MOTD File is missing');
    return;
  }
  conn.numeric(Numerics.RPL_MOTDSTART, `- ${conn.config.serverName} Message of the day - `);
  // Long lines are cut so the reply stays inside 512 bytes.
  for (const line of lines) conn.numeric(Numerics.RPL_MOTD, `- ${line}`.slice(0, 400));
  conn.numeric(Numerics.RPL_ENDOFMOTD, 'End of /MOTD command.');
}

export const queryCommands: CommandGroup = {
  MOTD: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      if (targetsThisServer(conn, params[0])) sendMotd(conn);
    },
  },
  LUSERS: {
    when: 'registered',
    minParams: 0,
    handle(conn) {
      sendLusers(conn);
    },
  },
  VERSION: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      if (!targetsThisServer(conn, params[0])) return;
      const config = conn.config;
      conn.numeric(Numerics.RPL_VERSION, config.version, config.serverName, config.description);
      sendISupport(conn);
    },
  },
  TIME: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      if (!targetsThisServer(conn, params[0])) return;
      conn.numeric(Numerics.RPL_TIME, conn.config.serverName, conn.config.now().toUTCString());
    },
  },
};
