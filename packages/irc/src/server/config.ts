import type { ILogger, Portal } from '@tw/core';
import { InvalidIRCOptionError } from '../wire/errors.js';

/** Flood control for what one client sends: a token bucket on the reactor's clock. */
export interface IRCFloodConfig {
  /** Lines a client may send at once before the bucket runs dry. 0 turns flood control off. */
  readonly burst: number;
  /** Lines per second the bucket refills. 0 turns flood control off. */
  readonly perSecond: number;
  /**
   * Lines held back (not yet processed) when the bucket is empty; beyond this the client is
   * dropped with "Excess Flood". Holding some back first keeps paste-happy humans connected.
   */
  readonly maxQueuedLines: number;
}

/** The avatar interface a realm must provide for OPER logins. */
export const IRC_OPERATOR_INTERFACE = 'irc.operator';
/** The avatar interface a realm must provide for SASL logins. */
export const IRC_ACCOUNT_INTERFACE = 'irc.account';

/**
 * Everything an IRCServerFactory needs to know. Build one with `defaultIRCServerConfig(overrides)`;
 * every limit has a default and can be changed here (and from the `tw irc` command line).
 */
export interface IRCServerConfig {
  /** The server's name, as the source of its own messages (`:irc.example.org 001 …`). */
  readonly serverName: string;
  /** One line about the server (WHOIS 312, LINKS). */
  readonly description: string;
  /** NETWORK= in ISUPPORT and the 001 welcome text. */
  readonly network: string;
  /** Message of the day: text (split on newlines) or lines; empty → 422 ERR_NOMOTD. */
  readonly motd: string | readonly string[];
  /** Reported in 351 RPL_VERSION and 004. */
  readonly version: string;
  /**
   * ADMIN's answer: where the server is (257), who runs it (258), and how to reach them (259).
   * Null: "not configured" is said instead.
   */
  readonly admin: {
    readonly location: string | null;
    readonly organisation: string | null;
    readonly email: string | null;
  };
  /** Longest nickname accepted (NICKLEN). */
  readonly nickLen: number;
  /** Longest channel name accepted, prefix included (CHANNELLEN). */
  readonly channelLen: number;
  /** Longest topic kept (TOPICLEN); longer topics are cut. */
  readonly topicLen: number;
  /** Longest KICK reason (KICKLEN) and AWAY message (AWAYLEN). */
  readonly kickLen: number;
  readonly awayLen: number;
  /** Longest real name (USER, SETNAME), as NAMELEN; longer USER names are cut, SETNAME fails. */
  readonly realnameLen: number;
  /** Flag modes a new channel starts with (default `nt`, as most networks do). */
  readonly defaultChannelModes: string;
  /** Channels one user may be in at once (CHANLIMIT=#:n). */
  readonly maxChannelsPerUser: number;
  /** Targets per PRIVMSG/NOTICE/… (TARGMAX) and per JOIN/PART list. */
  readonly maxTargets: number;
  /** Entries per ban/exception/invite-exception list (MAXLIST). */
  readonly maxListEntries: number;
  /** Parameterised mode changes per MODE command (MODES). */
  readonly maxModesPerCommand: number;
  /** Seconds a connection may take to register (NICK + USER + CAP END) before it is closed. */
  readonly registrationTimeout: number;
  /** Seconds of silence from a registered client before the server sends PING. */
  readonly pingInterval: number;
  /** Seconds the server waits for any reply to its PING before "Ping timeout". */
  readonly pingTimeout: number;
  /** Incoming flood control; `{ burst: 0 }` or `{ perSecond: 0 }` turns it off. */
  readonly flood: IRCFloodConfig;
  /**
   * Bytes of output the server keeps for a client that is not reading; beyond this the client is
   * dropped with "SendQ exceeded". Counted once the transport pushed back (its buffer is full).
   * 0 turns the limit off.
   */
  readonly sendQueueBytes: number;
  /** Longest line a client may send, tags excluded (512 per RFC 1459; the CRLF counts). */
  readonly maxLineBytes: number;
  /** Longest tag section a client may send (4094 + '@' + ' ' per the message-tags spec). */
  readonly maxTagBytes: number;
  /** Accept lines that are not valid UTF-8 by reading them as latin-1 (instead of dropping them). */
  readonly latin1Fallback: boolean;
  /**
   * Refuse lines that are not valid UTF-8 (`FAIL <command> INVALID_UTF8`, never relayed) and
   * advertise ISUPPORT `UTF8ONLY`. Overrides `latin1Fallback`. Default false.
   */
  readonly utf8Only: boolean;
  /** Simultaneous connections from one address; 0 = no limit. */
  readonly maxConnectionsPerAddress: number;
  /** Entries kept in WHOWAS history (oldest dropped first). */
  readonly whowasHistory: number;
  /** Nicks one client may watch with IRCv3 MONITOR (ISUPPORT MONITOR=). */
  readonly monitorLimit: number;
  /** Connection password (PASS); null = none required. */
  readonly password: string | null;
  /** OPER name password → `portal.login(new UsernamePassword(name, password), null, 'irc.operator')`. */
  readonly operatorPortal: Portal | null;
  /** SASL PLAIN → `portal.login(…, 'irc.account')`; the avatar id becomes the account name. */
  readonly accountPortal: Portal | null;
  /**
   * IRCv3 capabilities offered. Default: all the server implements (message-tags, server-time,
   * echo-message, multi-prefix, away-notify, account-tag, cap-notify, and sasl when an
   * accountPortal is set).
   */
  readonly capabilities: readonly string[];
  /** Wall-clock time for server-time tags, TIME, signon and topic times (tests pin it). */
  readonly now: () => Date;
  /** Where unexpected errors in command handlers are reported; null: not logged. */
  readonly logger: ILogger | null;
}

/** The capabilities IRCServerProtocol implements. */
export const SERVER_CAPABILITIES: readonly string[] = [
  'message-tags',
  'server-time',
  'echo-message',
  'multi-prefix',
  'away-notify',
  'account-tag',
  'cap-notify',
  'sasl',
  'extended-join',
  'userhost-in-names',
  'invite-notify',
  'setname',
  'batch',
  'labeled-response',
];

/** What callers pass: any subset of the config; `flood` may be given in part too. */
export type IRCServerConfigInput = Partial<Omit<IRCServerConfig, 'flood'>> & {
  readonly flood?: Partial<IRCFloodConfig>;
};

/** A complete config with sensible defaults, `overrides` applied on top. */
export function defaultIRCServerConfig(overrides: IRCServerConfigInput = {}): IRCServerConfig {
  const base: IRCServerConfig = {
    serverName: 'irc.tw.local',
    description: '@tw IRC server',
    network: 'TwNet',
    motd: [],
    version: 'tw-irc-0.0.0',
    admin: { location: null, organisation: null, email: null },
    nickLen: 30,
    channelLen: 50,
    topicLen: 390,
    kickLen: 307,
    awayLen: 200,
    realnameLen: 100,
    defaultChannelModes: 'nt',
    maxChannelsPerUser: 50,
    maxTargets: 4,
    maxListEntries: 100,
    maxModesPerCommand: 4,
    registrationTimeout: 60,
    pingInterval: 120,
    pingTimeout: 60,
    flood: { burst: 10, perSecond: 2, maxQueuedLines: 20 },
    sendQueueBytes: 256 * 1024,
    maxLineBytes: 512,
    maxTagBytes: 4096,
    latin1Fallback: true,
    utf8Only: false,
    maxConnectionsPerAddress: 10,
    whowasHistory: 1000,
    monitorLimit: 100,
    password: null,
    operatorPortal: null,
    accountPortal: null,
    capabilities: SERVER_CAPABILITIES,
    now: () => new Date(),
    logger: null,
  };
  return { ...base, ...overrides, flood: { ...base.flood, ...overrides.flood } };
}

/** Settings that must be whole numbers ≥ the given minimum (0 means "off" where allowed). */
const WHOLE_NUMBER_MINIMUMS: ReadonlyArray<[keyof IRCServerConfig, number]> = [
  ['nickLen', 1],
  ['channelLen', 2],
  ['topicLen', 0],
  ['kickLen', 0],
  ['awayLen', 0],
  ['realnameLen', 1],
  ['maxChannelsPerUser', 1],
  ['maxTargets', 1],
  ['maxListEntries', 0],
  ['maxModesPerCommand', 1],
  ['sendQueueBytes', 0],
  ['maxLineBytes', 512],
  ['maxTagBytes', 2],
  ['maxConnectionsPerAddress', 0],
  ['whowasHistory', 0],
  ['monitorLimit', 1],
];

/**
 * Throw InvalidIRCOptionError (TW_IRC_INVALID_OPTION) for a config the server cannot run with,
 * naming the setting: a server name that is not one word, a negative or fractional limit.
 */
export function checkIRCServerConfig(config: IRCServerConfig): void {
  if (!/^[^\s:!@]+$/.test(config.serverName)) {
    throw new InvalidIRCOptionError(
      `serverName must be one word without ':', '!' or '@', got ${JSON.stringify(config.serverName)}`,
    );
  }
  for (const [name, min] of WHOLE_NUMBER_MINIMUMS) {
    const value = config[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidIRCOptionError(
        `${name} must be a whole number of at least ${min}, got ${String(value)}`,
      );
    }
  }
  for (const name of ['registrationTimeout', 'pingInterval', 'pingTimeout'] as const) {
    if (!Number.isFinite(config[name]) || config[name] < 0) {
      throw new InvalidIRCOptionError(`${name} must be seconds ≥ 0 (0 = off), got ${config[name]}`);
    }
  }
  const { burst, perSecond, maxQueuedLines } = config.flood;
  if (![burst, perSecond, maxQueuedLines].every((n) => Number.isFinite(n) && n >= 0)) {
    throw new InvalidIRCOptionError(
      `flood.burst, flood.perSecond and flood.maxQueuedLines must be ≥ 0 (0 turns flood control off)`,
    );
  }
}
