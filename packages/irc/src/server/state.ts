import { IRCMap } from '../wire/casemapping.js';
import { ServerChannel } from './channel.js';
import type { ServerUser } from './user.js';

/** One WHOWAS record: who used a nick, kept after they quit or changed nick. */
export interface WhowasEntry {
  readonly nick: string;
  readonly username: string;
  readonly host: string;
  readonly realname: string;
  /** Unix seconds when the nick was given up. */
  readonly at: number;
}

/**
 * Everything the server knows across connections: registered users and channels keyed by
 * case-folded names (rfc1459 casemapping), and a bounded WHOWAS history.
 */
export class IRCServerState {
  readonly users = new IRCMap<ServerUser>('rfc1459');
  readonly channels = new IRCMap<ServerChannel>('rfc1459');
  /** Connections that have not registered yet (253 RPL_LUSERUNKNOWN). */
  unregisteredCount = 0;
  /** The most users registered at once since the server started (265/266). */
  peakUsers = 0;
  private readonly whowas: WhowasEntry[] = [];
  /** Registered users with +o and with +i: LUSERS, sent on every registration, reads them. */
  private operators = 0;
  private invisible = 0;

  constructor(
    /** Case-folds a nick or channel name (the server's CASEMAPPING). */
    readonly fold: (name: string) => string,
    private readonly whowasLimit: number,
  ) {}

  findUser(nick: string): ServerUser | undefined {
    return this.users.get(nick);
  }

  findChannel(name: string): ServerChannel | undefined {
    return this.channels.get(name);
  }

  addUser(user: ServerUser): void {
    this.users.set(user.nick, user);
    this.countModes(user, 1);
    this.peakUsers = Math.max(this.peakUsers, this.users.size);
  }

  removeUser(user: ServerUser): void {
    if (this.users.get(user.nick) !== user) return;
    this.users.delete(user.nick);
    this.countModes(user, -1);
  }

  /** Set (`on`) or clear a user mode; false when it was already so. */
  setUserMode(user: ServerUser, mode: string, on: boolean): boolean {
    const modes = user.modes as Set<string>;
    if (modes.has(mode) === on) return false;
    const listed = this.users.get(user.nick) === user;
    if (listed) this.countModes(user, -1);
    if (on) modes.add(mode);
    else modes.delete(mode);
    if (listed) this.countModes(user, 1);
    return true;
  }

  private countModes(user: ServerUser, delta: 1 | -1): void {
    if (user.modes.has('o')) this.operators += delta;
    if (user.modes.has('i')) this.invisible += delta;
  }

  /** Move `user` to `newNick` in the nick table (remembering the old nick for WHOWAS). */
  renameUser(user: ServerUser, newNick: string, now: number): void {
    this.rememberNick(user, now);
    this.removeUser(user);
    user.nick = newNick;
    this.addUser(user);
  }

  /** The channel, created (empty) when it does not exist yet. */
  channelFor(name: string, now: number): { channel: ServerChannel; created: boolean } {
    const existing = this.channels.get(name);
    if (existing !== undefined) return { channel: existing, created: false };
    const channel = new ServerChannel(name, now);
    this.channels.set(name, channel);
    return { channel, created: true };
  }

  /** Take `user` out of `channel`, dropping the channel once empty. */
  leaveChannel(user: ServerUser, channel: ServerChannel): void {
    channel.members.delete(user);
    user.channels.delete(channel);
    if (channel.members.size === 0) this.channels.delete(channel.name);
  }

  /** Record `user`'s current nick in WHOWAS (oldest entries dropped past the limit). */
  rememberNick(user: ServerUser, now: number): void {
    if (this.whowasLimit <= 0) return;
    this.whowas.push({
      nick: user.nick,
      username: user.username,
      host: user.host,
      realname: user.realname,
      at: now,
    });
    if (this.whowas.length > this.whowasLimit) this.whowas.shift();
  }

  /** WHOWAS entries for `nick`, newest first, at most `count` (0 = all). */
  whowasFor(nick: string, count: number): WhowasEntry[] {
    const key = this.fold(nick);
    const found: WhowasEntry[] = [];
    for (let i = this.whowas.length - 1; i >= 0; i--) {
      const entry = this.whowas[i]!;
      if (this.fold(entry.nick) !== key) continue;
      found.push(entry);
      if (count > 0 && found.length >= count) break;
    }
    return found;
  }

  /** Users who share a channel with `user` (not `user` itself), each once. */
  neighboursOf(user: ServerUser): Set<ServerUser> {
    const seen = new Set<ServerUser>();
    for (const channel of user.channels) {
      for (const member of channel.members.keys()) if (member !== user) seen.add(member);
    }
    return seen;
  }

  /** Registered operators (LUSERS 252). */
  operatorCount(): number {
    return this.operators;
  }

  /** Registered invisible users (LUSERS 251). */
  invisibleCount(): number {
    return this.invisible;
  }
}
