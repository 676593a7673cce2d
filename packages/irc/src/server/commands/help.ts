import { matchMask } from '../../wire/masks.js';
import { Numerics } from '../../wire/numerics.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';
import { targetsThisServer } from './server-info.js';

/** One line per command: how to call it, and what it does (HELP <command>). */
const TOPICS: ReadonlyMap<string, string> = new Map([
  ['ADMIN', 'ADMIN [server] — who runs this server'],
  ['AWAY', 'AWAY [message] — mark yourself away, or back without a message'],
  ['CAP', 'CAP LS|REQ|LIST|END — IRCv3 capability negotiation'],
  ['HELP', 'HELP [command] — this list, or how to use one command'],
  ['INFO', 'INFO [server] — about this server'],
  ['INVITE', 'INVITE nick #channel — invite someone; INVITE alone lists your invitations'],
  ['ISON', 'ISON nick… — which of these nicks are online'],
  ['JOIN', 'JOIN #channel[,#channel…] [key[,key…]] — join channels; JOIN 0 leaves them all'],
  ['KICK', 'KICK #channel nick [reason] — remove someone from a channel (operators)'],
  ['KILL', 'KILL nick reason — disconnect a user (IRC operators)'],
  ['LINKS', 'LINKS — the servers of this network (only this one)'],
  ['LIST', 'LIST [#channel…|mask|>n|<n|C>n|T<n…] — channels, with filters'],
  ['LUSERS', 'LUSERS — how many users and channels there are'],
  ['MODE', 'MODE #channel [+-modes [args…]] or MODE nick [+-iw] — read or change modes'],
  ['MONITOR', 'MONITOR +|- nick[,nick…], MONITOR C|L|S — be told when nicks come and go'],
  ['MOTD', 'MOTD [server] — the message of the day'],
  ['NAMES', 'NAMES #channel — who is in a channel'],
  ['NICK', 'NICK newnick — change your nick'],
  ['NOTICE', 'NOTICE target :text — like PRIVMSG, never answered automatically'],
  ['OPER', 'OPER name password — become an IRC operator'],
  ['PART', 'PART #channel[,#channel…] [reason] — leave channels'],
  ['PING', 'PING token — the server answers PONG token'],
  ['PRIVMSG', 'PRIVMSG target[,target…] :text — message a channel or a nick'],
  ['QUIT', 'QUIT [reason] — disconnect'],
  ['SETNAME', 'SETNAME :real name — change your real name (IRCv3 setname)'],
  ['TAGMSG', 'TAGMSG target — a message of client tags only (IRCv3 message-tags)'],
  ['TIME', 'TIME [server] — the server time'],
  ['TOPIC', 'TOPIC #channel [:topic] — read or set a channel topic'],
  ['USERHOST', 'USERHOST nick… — user@host of these nicks'],
  ['VERSION', 'VERSION [server] — the server software and ISUPPORT'],
  ['WALLOPS', 'WALLOPS :text — to every user with +w (IRC operators)'],
  ['WHO', 'WHO mask [o] or WHO mask %fields[,token] — list users (WHOX)'],
  ['WHOIS', 'WHOIS nick — about a user'],
  ['WHOWAS', 'WHOWAS nick [count] — who used a nick before'],
]);

function sendHelp(conn: IRCServerProtocol, subject: string, lines: readonly string[]): void {
  lines.forEach((line, index) => {
    const numeric =
      index === 0
        ? Numerics.RPL_HELPSTART
        : index === lines.length - 1
          ? Numerics.RPL_ENDOFHELP
          : Numerics.RPL_HELPTXT;
    conn.numeric(numeric, subject, line);
  });
}

/** HELP / HELPOP [subject] (Modern IRC: 704, 705…, 706; 524 for an unknown subject). */
function help(conn: IRCServerProtocol, subject: string | undefined): void {
  if (subject === undefined || subject === '') {
    const names = [...TOPICS.keys()];
    const rows: string[] = [];
    for (let i = 0; i < names.length; i += 10) rows.push(names.slice(i, i + 10).join(' '));
    sendHelp(conn, '*', [
      `** Help for ${conn.config.serverName} **`,
      'Commands (HELP <command> for one of them):',
      ...rows,
      'End of /HELP.',
    ]);
    return;
  }
  const topic = TOPICS.get(subject.toUpperCase());
  if (topic === undefined) {
    conn.numeric(Numerics.ERR_HELPNOTFOUND, subject, 'No help available on this topic');
    return;
  }
  sendHelp(conn, subject, [`** ${subject.toUpperCase()} **`, topic, 'End of /HELP.']);
}

/** HELP, HELPOP and LINKS. */
export const helpCommands: CommandGroup = {
  HELP: { when: 'registered', minParams: 0, handle: (conn, { params }) => help(conn, params[0]) },
  HELPOP: { when: 'registered', minParams: 0, handle: (conn, { params }) => help(conn, params[0]) },
  LINKS: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      // LINKS [[remote] mask]: one server, so a remote other than ours is unknown.
      if (params.length >= 2 && !targetsThisServer(conn, params[0])) return;
      const { serverName, description } = conn.config;
      const mask = params.at(-1) ?? '*';
      if (matchMask(mask, serverName, 'ascii')) {
        conn.numeric(Numerics.RPL_LINKS, serverName, serverName, `0 ${description}`);
      }
      conn.numeric(Numerics.RPL_ENDOFLINKS, mask, 'End of /LINKS list');
    },
  },
};
