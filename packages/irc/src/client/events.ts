import type { IRCMessage, IRCSource } from '../wire/message.js';
import type { ModeChange } from '../wire/modes.js';

/** What every event carries: when it happened and the message it came from. */
export interface IRCEventBase {
  /** The server-time tag when the server sent one, else the client's clock on arrival. */
  readonly time: Date;
  /** The message tags (IRCv3), e.g. `account`, `msgid`. */
  readonly tags: ReadonlyMap<string, string>;
}

/** A PRIVMSG, NOTICE or CTCP ACTION. */
export interface MessageEvent extends IRCEventBase {
  readonly source: IRCSource;
  /** Where it was sent: a channel, or our own nick for a private message. */
  readonly target: string;
  /** The channel it was sent to, or null for a private message. */
  readonly channel: string | null;
  readonly text: string;
  /** True when we sent it (an echo-message echo). */
  readonly self: boolean;
  /** The sender's account (account-tag), when the server said. */
  readonly account: string | null;
}

/** A CTCP query (PRIVMSG) or reply (NOTICE) other than ACTION. */
export interface CTCPEvent extends IRCEventBase {
  readonly source: IRCSource;
  readonly target: string;
  /** Upper-cased CTCP command, e.g. VERSION. */
  readonly command: string;
  /** Everything after the command (may be ''). */
  readonly params: string;
  readonly self: boolean;
}

export interface ChannelEvent extends IRCEventBase {
  readonly channel: string;
}

export interface UserChannelEvent extends ChannelEvent {
  readonly source: IRCSource;
}

export interface UserJoinedEvent extends UserChannelEvent {
  /** extended-join account, when known. */
  readonly account: string | null;
}

export interface UserLeftEvent extends UserChannelEvent {
  readonly reason: string | null;
}

export interface LeftEvent extends ChannelEvent {
  readonly reason: string | null;
}

export interface UserQuitEvent extends IRCEventBase {
  readonly source: IRCSource;
  readonly reason: string | null;
  /** The channels of ours the user was in. */
  readonly channels: readonly string[];
}

export interface KickEvent extends ChannelEvent {
  /** Who kicked. */
  readonly kicker: IRCSource;
  /** Who was kicked. */
  readonly kicked: string;
  readonly reason: string | null;
}

export interface TopicEvent extends ChannelEvent {
  readonly topic: string;
  /** Who set it: a TOPIC change's source, or the nick 333 RPL_TOPICWHOTIME names; null if unknown. */
  readonly setBy: string | null;
}

export interface ModeEvent extends IRCEventBase {
  /** A channel, or our nick for user modes. */
  readonly target: string;
  readonly source: IRCSource | null;
  readonly changes: readonly ModeChange[];
}

export interface NickEvent extends IRCEventBase {
  readonly oldNick: string;
  readonly newNick: string;
}

export interface UserRenamedEvent extends NickEvent {
  readonly source: IRCSource;
}

export interface AwayEvent extends IRCEventBase {
  readonly source: IRCSource;
  /** The away message, or null when the user came back. */
  readonly message: string | null;
}

export interface RegisteredEvent extends IRCEventBase {
  readonly nickname: string;
  /** The server's name (001's source). */
  readonly server: string;
  /** The 001 welcome text. */
  readonly welcome: string;
}

export interface CapabilitiesEvent extends IRCEventBase {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Every capability enabled now. */
  readonly enabled: readonly string[];
}

export interface LoggedInEvent extends IRCEventBase {
  /** The account, or null after 901 RPL_LOGGEDOUT. */
  readonly account: string | null;
}

export interface ServerErrorEvent extends IRCEventBase {
  /** The ERROR message's text, e.g. "Closing Link: …". */
  readonly message: string;
}

/** MONITOR 730: watched nicks that are online. */
export interface MonitorOnlineEvent extends IRCEventBase {
  /** Each as the server gave it: nick!user@host. */
  readonly users: readonly IRCSource[];
}

/** MONITOR 731: watched nicks that are offline. */
export interface MonitorOfflineEvent extends IRCEventBase {
  readonly nicks: readonly string[];
}

/** MONITOR 734: the server's list is full; `nicks` were not added. */
export interface MonitorListFullEvent extends IRCEventBase {
  readonly limit: number;
  readonly nicks: readonly string[];
}

export interface RawMessageEvent extends IRCEventBase {
  readonly message: IRCMessage;
}

/**
 * Every event an IRCClient emits, with its payload. Subscribe with `client.on(name, handler)`.
 *
 * The names follow Twisted's IRCClient callbacks (`privmsg`, `noticed`, `action`, `joined`,
 * `left`, `userJoined`, `userLeft`, `userQuit`, `kickedFrom`, `userKicked`, `topicUpdated`,
 * `modeChanged`, `nickChanged`, `userRenamed`), with one object argument instead of positional
 * ones, so fields can be added without breaking handlers.
 */
export interface IRCClientEvents {
  /** 001 arrived: registration is complete. */
  registered: RegisteredEvent;
  /** A PRIVMSG that is not CTCP. */
  privmsg: MessageEvent;
  /** A NOTICE that is not a CTCP reply. */
  noticed: MessageEvent;
  /** CTCP ACTION (`/me`). */
  action: MessageEvent;
  /** A CTCP query (e.g. VERSION); automatic replies are sent before this fires. */
  ctcpQuery: CTCPEvent;
  /** A CTCP reply (a NOTICE). */
  ctcpReply: CTCPEvent;
  /** We joined a channel. */
  joined: ChannelEvent;
  /** We left a channel (PART). */
  left: LeftEvent;
  userJoined: UserJoinedEvent;
  userLeft: UserLeftEvent;
  userQuit: UserQuitEvent;
  /** We were kicked. */
  kickedFrom: KickEvent;
  /** Someone else was kicked. */
  userKicked: KickEvent;
  /** A TOPIC change, or 332 on join / on topic(channel). */
  topicUpdated: TopicEvent;
  modeChanged: ModeEvent;
  /** Our own nick changed. */
  nickChanged: NickEvent;
  /** Someone else changed nick. */
  userRenamed: UserRenamedEvent;
  /** away-notify: a user went away or came back. */
  awayChanged: AwayEvent;
  /** CAP ACK / NEW / DEL changed the enabled capabilities. */
  capabilitiesChanged: CapabilitiesEvent;
  /** 900 RPL_LOGGEDIN / 901 RPL_LOGGEDOUT. */
  loggedIn: LoggedInEvent;
  /** 005 ISUPPORT was received and applied. */
  isupport: IRCEventBase;
  /** MONITOR: watched nicks came online (or are, in answer to monitor()). */
  monitorOnline: MonitorOnlineEvent;
  /** MONITOR: watched nicks went offline (or are). */
  monitorOffline: MonitorOfflineEvent;
  /** MONITOR: the server's list for us is full. */
  monitorListFull: MonitorListFullEvent;
  /** The server sent ERROR (it is about to close the link). */
  serverError: ServerErrorEvent;
  /** Every message received, before it is handled (for numerics the client does not model). */
  message: RawMessageEvent;
}
