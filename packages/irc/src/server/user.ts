import type { ServerChannel } from './channel.js';

/** How the server talks to one client: implemented by IRCServerProtocol. */
export interface IRCClientLink {
  /** Capabilities the client enabled with CAP REQ. */
  readonly enabledCaps: ReadonlySet<string>;
  /** Queue one formatted line (CRLF included, UTF-8) for the client. */
  sendBytes(data: Uint8Array): void;
  /** Close the client's connection, telling it and its channels `reason`. */
  disconnect(reason: string, quitMessage?: string): void;
}

/**
 * One client as the server's state sees it: identity, user modes, away state, account and the
 * channels it is in. Created when the connection opens; listed in IRCServerState.users once it
 * has registered.
 */
export class ServerUser {
  nick = '*';
  username = '';
  realname = '';
  /**
   * User modes set: i (invisible), o (operator), w (wallops). Changed through
   * IRCServerState.setUserMode, which keeps the LUSERS counts.
   */
  readonly modes: ReadonlySet<string> = new Set<string>();
  away: string | null = null;
  /** The SASL account name, or null when not logged in. */
  account: string | null = null;
  readonly channels = new Set<ServerChannel>();
  /** Case-folded names of the channels the user was invited to (bounded; oldest dropped). */
  readonly invites = new Set<string>();
  registered = false;
  /** Unix seconds of registration. */
  signonTime = 0;
  /** Reactor seconds of the last PRIVMSG/NOTICE, for WHOIS idle time. */
  lastMessageAt = 0;
  /** True when the client is connected over TLS (WHOIS 671 RPL_WHOISSECURE). */
  secure = false;

  constructor(
    readonly host: string,
    readonly link: IRCClientLink,
  ) {}

  /** `nick!user@host`, the source of this user's messages. */
  get mask(): string {
    return `${this.nick}!${this.username}@${this.host}`;
  }

  get isOperator(): boolean {
    return this.modes.has('o');
  }

  hasCap(name: string): boolean {
    return this.link.enabledCaps.has(name);
  }

  /** The user modes as `+iow` (the order the server lists them in). */
  modeString(): string {
    return `+${['i', 'o', 'w'].filter((m) => this.modes.has(m)).join('')}`;
  }
}
