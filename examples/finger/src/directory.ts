import type { FingerUser } from './wire.js';

/**
 * Where the finger server looks users up. Lookups may be slow (files, a database), so they
 * return promises; the server answers when they settle.
 */
export interface FingerDirectory {
  /** The user named `login`, or null when there is none. `login` is already validated. */
  lookup(login: string): Promise<FingerUser | null>;
  /** Everyone, for the empty query (only asked when the server allows listing). */
  list(): Promise<readonly FingerUser[]>;
}

/** A directory held in memory: for tests, and for programs that know their users. */
export class MemoryFingerDirectory implements FingerDirectory {
  private readonly users = new Map<string, FingerUser>();

  constructor(users: Iterable<FingerUser> = []) {
    for (const user of users) this.users.set(user.login, user);
  }

  /** Add or replace a user. */
  set(user: FingerUser): void {
    this.users.set(user.login, user);
  }

  lookup(login: string): Promise<FingerUser | null> {
    return Promise.resolve(this.users.get(login) ?? null);
  }

  list(): Promise<readonly FingerUser[]> {
    return Promise.resolve([...this.users.values()].sort((a, b) => a.login.localeCompare(b.login)));
  }
}
