import type { IRCServerConfig } from './config.js';
import { ELIST } from './commands/list.js';

/** The 005 RPL_ISUPPORT tokens this server advertises, from its config. */
export function isupportTokens(config: IRCServerConfig): string[] {
  const targets = config.maxTargets;
  return [
    `AWAYLEN=${config.awayLen}`,
    'CASEMAPPING=rfc1459',
    `CHANLIMIT=#:${config.maxChannelsPerUser}`,
    'CHANMODES=beI,k,l,imnst',
    `CHANNELLEN=${config.channelLen}`,
    'CHANTYPES=#',
    `ELIST=${ELIST}`,
    'EXCEPTS=e',
    'INVEX=I',
    `KICKLEN=${config.kickLen}`,
    `MAXLIST=beI:${config.maxListEntries}`,
    `MODES=${config.maxModesPerCommand}`,
    `MONITOR=${config.monitorLimit}`,
    `NETWORK=${config.network.replace(/\s/g, '')}`,
    `NAMELEN=${config.realnameLen}`,
    `NICKLEN=${config.nickLen}`,
    'PREFIX=(ov)@+',
    'SAFELIST',
    'STATUSMSG=@+',
    `TARGMAX=JOIN:${targets},KICK:1,NAMES:1,NOTICE:${targets},PART:${targets},PRIVMSG:${targets},TAGMSG:${targets},WHOIS:1`,
    `TOPICLEN=${config.topicLen}`,
    `USERLEN=${USERLEN}`,
    ...(config.utf8Only ? ['UTF8ONLY'] : []),
    'WHOX',
  ];
}

/** The longest user name kept (longer USER names are cut), as USERLEN. */
export const USERLEN = 10;
