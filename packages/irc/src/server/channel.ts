import { matchMask } from '../wire/masks.js';
import type { ServerUser } from './user.js';

/** A member's channel privileges. */
export interface Membership {
  op: boolean;
  voice: boolean;
}

/** One entry of a ban (b), exception (e) or invite-exception (I) list. */
export interface MaskListEntry {
  readonly mask: string;
  readonly setBy: string;
  /** Unix seconds. */
  readonly setAt: number;
}

/** The channel flag modes the server knows (CHANMODES type D). */
export const CHANNEL_FLAG_MODES = 'imnst';

/**
 * One channel: members with their privileges, modes, mask lists and topic. Channels exist while
 * they have members.
 */
export class ServerChannel {
  readonly members = new Map<ServerUser, Membership>();
  /** Flag modes set: i, m, n, s, t. */
  readonly modes = new Set<string>();
  key: string | null = null;
  limit: number | null = null;
  readonly bans: MaskListEntry[] = [];
  readonly excepts: MaskListEntry[] = [];
  readonly inviteExcepts: MaskListEntry[] = [];
  topic = '';
  topicSetBy = '';
  topicSetAt = 0;

  constructor(
    readonly name: string,
    /** Unix seconds of creation (329 RPL_CREATIONTIME). */
    readonly createdAt: number,
  ) {}

  isOp(user: ServerUser): boolean {
    return this.members.get(user)?.op === true;
  }

  /** True when `user` may speak despite +m and bans: an op or voiced member. */
  hasVoiceOrOp(user: ServerUser): boolean {
    const m = this.members.get(user);
    return m !== undefined && (m.op || m.voice);
  }

  /**
   * The prefix shown before a member's nick: the highest one (`@` or `+`), or all of them in
   * rank order for clients with multi-prefix.
   */
  prefixOf(user: ServerUser, multiPrefix: boolean): string {
    const m = this.members.get(user);
    if (m === undefined) return '';
    if (multiPrefix) return (m.op ? '@' : '') + (m.voice ? '+' : '');
    return m.op ? '@' : m.voice ? '+' : '';
  }

  /** Banned: some ban matches and no exception (+e) does. */
  isBanned(user: ServerUser): boolean {
    const mask = user.mask;
    return matchesAny(this.bans, mask) && !matchesAny(this.excepts, mask);
  }

  /** Matches an invite exception (+I): may join a +i channel uninvited. */
  isInviteExcepted(user: ServerUser): boolean {
    return matchesAny(this.inviteExcepts, user.mask);
  }

  /** The list a list mode letter (b, e, I) names. */
  listFor(mode: string): MaskListEntry[] {
    return mode === 'b' ? this.bans : mode === 'e' ? this.excepts : this.inviteExcepts;
  }

  /** `+nt` plus `k`/`l` and their parameters; the key only for members. */
  modeString(showKey: boolean): string[] {
    let flags = '+' + [...CHANNEL_FLAG_MODES].filter((m) => this.modes.has(m)).join('');
    const params: string[] = [];
    if (this.key !== null) {
      flags += 'k';
      params.push(showKey ? this.key : '*');
    }
    if (this.limit !== null) {
      flags += 'l';
      params.push(String(this.limit));
    }
    return [flags, ...params];
  }
}

function matchesAny(list: readonly MaskListEntry[], userMask: string): boolean {
  return list.some((entry) => matchMask(entry.mask, userMask, 'rfc1459'));
}
