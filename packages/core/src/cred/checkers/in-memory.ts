import { Deferred } from '../../defer/deferred.js';
import { maybeDeferred } from '../../defer/helpers.js';
import type {
  AvatarId,
  ICredentialsChecker,
  IUsernameHashedPassword,
  IUsernamePassword,
} from '../../interfaces/cred.js';
import { UnauthorizedLogin } from '../errors.js';
import {
  hashPassword,
  parsePasswordHash,
  verifyNothing,
  verifyPassword,
  type HashPasswordOptions,
  type ParsedPasswordHash,
} from '../scrypt-hash.js';

/**
 * Users and clear passwords in memory (Twisted's InMemoryUsernamePasswordDatabaseDontUse — the
 * name is a warning kept on purpose). For tests and examples; it is also the only checker that
 * can serve `username-hashed-password` credentials (APOP, CRAM-MD5), which need the clear
 * password. Anything real should use InMemoryPasswordChecker or PasswordFileChecker.
 */
export class InMemoryUsernamePasswordDatabaseDontUse implements ICredentialsChecker<
  IUsernamePassword | IUsernameHashedPassword
> {
  readonly credentialInterfaces = ['username-password', 'username-hashed-password'] as const;
  private readonly users = new Map<string, string>();

  constructor(users: Readonly<Record<string, string>> = {}) {
    for (const [username, password] of Object.entries(users)) this.addUser(username, password);
  }

  addUser(username: string, password: string): void {
    this.users.set(username, password);
  }

  requestAvatarId(credentials: IUsernamePassword | IUsernameHashedPassword): Deferred<AvatarId> {
    const stored = this.users.get(credentials.username);
    if (stored === undefined) return Deferred.fail(new UnauthorizedLogin());
    return maybeDeferred(() => credentials.checkPassword(stored)).addCallback((ok) => {
      if (!ok) throw new UnauthorizedLogin();
      return credentials.username as AvatarId;
    });
  }
}

/**
 * Users with scrypt-hashed passwords in memory. An unknown user costs one scrypt run, like a
 * wrong password, so response time does not tell which user names exist.
 */
export class InMemoryPasswordChecker implements ICredentialsChecker<IUsernamePassword> {
  readonly credentialInterfaces = ['username-password'] as const;
  private readonly hashes = new Map<string, ParsedPasswordHash>();

  /** Hash `password` and store it; fires once stored. */
  addUser(username: string, password: string, options?: HashPasswordOptions): Deferred<void> {
    return hashPassword(password, options).addCallback((encoded) => {
      this.addUserHash(username, encoded);
    });
  }

  /** Store an already hashed password (`$scrypt$…`); throws MalformedPasswordHash if it is not one. */
  addUserHash(username: string, encoded: string): void {
    this.hashes.set(username, parsePasswordHash(encoded));
  }

  removeUser(username: string): boolean {
    return this.hashes.delete(username);
  }

  requestAvatarId(credentials: IUsernamePassword): Deferred<AvatarId> {
    const stored = this.hashes.get(credentials.username);
    const check =
      stored === undefined
        ? verifyNothing(credentials.password)
        : verifyPassword(credentials.password, stored);
    return check.addCallback((ok) => {
      if (!ok) throw new UnauthorizedLogin();
      return credentials.username as AvatarId;
    });
  }
}
