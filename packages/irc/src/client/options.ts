import type { ILogger, IReactorTime } from '@tw/core';

import type { FloodOptions } from './flood.js';

/** SASL credentials: PLAIN (account + password) or EXTERNAL (a TLS client certificate). */
export type SASLOptions =
  | {
      readonly mechanism: 'PLAIN';
      readonly username: string;
      readonly password: string;
      /** Fail registration when SASL fails (default true); false carries on unauthenticated. */
      readonly required?: boolean;
    }
  | {
      readonly mechanism: 'EXTERNAL';
      /** Fail registration when SASL fails (default true); false carries on unauthenticated. */
      readonly required?: boolean;
    };

/** Options of an IRCClient. Only `nickname` and `reactor` are required. */
export interface IRCClientOptions {
  /** The nickname to register with. */
  readonly nickname: string;
  /**
   * What to try when the server refuses a nick during registration (433/432/437): a list tried
   * in order, or a function from the refused nick to the next one. Default: append `_`.
   */
  readonly alternativeNicks?: readonly string[] | ((refused: string) => string);
  /** The USER name (ident); default the nickname. */
  readonly username?: string;
  /** The real name (gecos); default the nickname. */
  readonly realname?: string;
  /** Server password, sent as PASS before NICK/USER. */
  readonly password?: string;
  /**
   * IRCv3 capabilities to request when the server offers them. Default: cap-notify,
   * multi-prefix, server-time, message-tags, echo-message, away-notify, account-tag, and sasl
   * when `sasl` is given. Pass `[]` to negotiate nothing (CAP LS is still sent).
   */
  readonly caps?: readonly string[];
  /** SASL credentials; when set, `sasl` is requested and registration waits for it. */
  readonly sasl?: SASLOptions;
  /** Time for flood control, the QUIT grace period and CTCP reply limits. */
  readonly reactor: IReactorTime;
  /** Outgoing token bucket (default 5 lines, then 0.5/s); `0` or a 0 field turns it off. */
  readonly flood?: FloodOptions | 0;
  /** Decode lines that are not UTF-8 as latin-1 (default true) instead of dropping them. */
  readonly latin1Fallback?: boolean;
  /** The VERSION CTCP reply; null disables automatic VERSION replies. */
  readonly versionReply?: string | null;
  /** Automatic CTCP replies allowed (default 3 at once, then one per 2 s); the rest are dropped. */
  readonly ctcpReplyRate?: FloodOptions;
  /** Limits on what the server may make the client hold. */
  readonly limits?: Partial<IRCClientLimits>;
  /** Wall-clock time for events without a server-time tag (default `new Date()`). */
  readonly now?: () => Date;
  /** Seconds to wait for the server to close after QUIT before closing ourselves (default 10). */
  readonly quitTimeout?: number;
  /** Seconds to wait for 001 before giving up on the connection (default 60; 0 = forever). */
  readonly registrationTimeout?: number;
  /**
   * Seconds of silence from the server before the client PINGs it; after as many again with
   * nothing received the connection is closed (default 120; 0 turns the check off).
   */
  readonly pingInterval?: number;
  /** Where the client logs (default namespace `tw.irc.client`). */
  readonly log?: ILogger;
}

/** Bounds on server-driven state, so a hostile server cannot make the client grow without end. */
export interface IRCClientLimits {
  /**
   * Longest line accepted from the server, CR LF included, tags not (bytes). Longer lines are
   * logged and dropped. The default is above RFC 2812's 512 because some servers send more.
   */
  readonly maxLineBytes: number;
  /** Longest tag section accepted from the server (bytes, IRCv3 message-tags). */
  readonly maxTagBytes: number;
  /** Most entries one NAMES reply may collect. */
  readonly maxNamesEntries: number;
  /** Most members remembered per channel. */
  readonly maxChannelMembers: number;
  /** Most rows one WHO reply may collect. */
  readonly maxWhoReplies: number;
  /** Most lines one WHOIS reply may collect. */
  readonly maxWhoisLines: number;
  /** Most capabilities a CAP LS may list. */
  readonly maxCapabilities: number;
  /** Most ISUPPORT tokens kept. */
  readonly maxISupportTokens: number;
  /** Most registration nicknames to try before giving up. */
  readonly maxNickAttempts: number;
}

export const DEFAULT_CLIENT_LIMITS: IRCClientLimits = {
  maxLineBytes: 4096,
  maxTagBytes: 8191,
  maxNamesEntries: 100_000,
  maxWhoReplies: 100_000,
  maxChannelMembers: 100_000,
  maxWhoisLines: 200,
  maxCapabilities: 500,
  maxISupportTokens: 500,
  maxNickAttempts: 20,
};

/** The capabilities asked for when `caps` is not given. */
export const DEFAULT_CAPS: readonly string[] = [
  'cap-notify',
  'multi-prefix',
  'server-time',
  'message-tags',
  'echo-message',
  'away-notify',
  'account-tag',
];
