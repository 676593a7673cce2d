import type { IRCServerConfig } from './config.js';

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
    'EXCEPTS=e',
    'INVEX=I',
    `KICKLEN=${config.kickLen}`,
    `MAXLIST=beI:${config.maxListEntries}`,
    `MODES=${config.maxModesPerCommand}`,
    `NETWORK=${config.network.replace(/\s/g, '')}`,
    `NICKLEN=${config.nickLen}`,
    'PREFIX=(ov)@+',
    'SAFELIST',
    `TARGMAX=JOIN:${targets},KICK:1,NAMES:1,NOTICE:${targets},PART:${targets},PRIVMSG:${targets},TAGMSG:${targets},WHOIS:1`,
    `TOPICLEN=${config.topicLen}`,
    `USERLEN=${USERLEN}`,
  ];
}

/** The longest user name kept (longer USER names are cut), as USERLEN. */
export const USERLEN = 10;
