import type { ServerUser } from './user.js';

/**
 * The IRCv3 MONITOR lists of one server: which nicks each user watches, and who watches each
 * nick (case-folded both ways, so a lookup on presence changes is one map read).
 */
export class MonitorLists {
  /** Folded nick → the users watching it. */
  private readonly watchers = new Map<string, Set<ServerUser>>();
  /** User → the nicks it watches: folded → as the user spelled it. */
  private readonly lists = new Map<ServerUser, Map<string, string>>();

  constructor(
    private readonly fold: (nick: string) => string,
    /** The most nicks one user may watch. */
    readonly limit: number,
  ) {}

  /** Watch `nicks` for `user`; those past the limit are returned as refused, in order. */
  add(user: ServerUser, nicks: readonly string[]): { added: string[]; refused: string[] } {
    let list = this.lists.get(user);
    const added: string[] = [];
    const refused: string[] = [];
    for (const nick of nicks) {
      const key = this.fold(nick);
      if (list?.has(key) === true) {
        added.push(nick);
        continue;
      }
      if ((list?.size ?? 0) >= this.limit) {
        refused.push(nick);
        continue;
      }
      if (list === undefined) {
        list = new Map();
        this.lists.set(user, list);
      }
      list.set(key, nick);
      let watching = this.watchers.get(key);
      if (watching === undefined) {
        watching = new Set();
        this.watchers.set(key, watching);
      }
      watching.add(user);
      added.push(nick);
    }
    return { added, refused };
  }

  /** Stop watching `nicks` (those not watched are ignored). */
  remove(user: ServerUser, nicks: readonly string[]): void {
    const list = this.lists.get(user);
    if (list === undefined) return;
    for (const nick of nicks) {
      const key = this.fold(nick);
      if (!list.delete(key)) continue;
      this.unwatch(key, user);
    }
    if (list.size === 0) this.lists.delete(user);
  }

  /** Empty `user`'s list (MONITOR C, and when the user leaves). */
  clear(user: ServerUser): void {
    const list = this.lists.get(user);
    if (list === undefined) return;
    for (const key of list.keys()) this.unwatch(key, user);
    this.lists.delete(user);
  }

  /** The nicks `user` watches, as spelled when added. */
  list(user: ServerUser): string[] {
    return [...(this.lists.get(user)?.values() ?? [])];
  }

  /** The users watching `nick`. */
  watchersOf(nick: string): ReadonlySet<ServerUser> {
    return this.watchers.get(this.fold(nick)) ?? NOBODY;
  }

  private unwatch(key: string, user: ServerUser): void {
    const watching = this.watchers.get(key);
    if (watching === undefined) return;
    watching.delete(user);
    if (watching.size === 0) this.watchers.delete(key);
  }
}

const NOBODY: ReadonlySet<ServerUser> = new Set();
