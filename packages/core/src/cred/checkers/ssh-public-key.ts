import { readFile, stat } from 'node:fs/promises';
import { Deferred, ensureDeferred } from '../../defer/deferred.js';
import { maybeDeferred } from '../../defer/helpers.js';
import type { AvatarId, ICredentialsChecker, ISSHPrivateKey } from '../../interfaces/cred.js';
import type { ILogger } from '../../interfaces/logger.js';
import { parseAuthorizedKeys, type AuthorizedKeysProblem } from '../authorized-keys.js';
import { InvalidSSHKey, UnauthorizedLogin, ValidPublicKey } from '../errors.js';
import {
  parseSSHPublicKey,
  signatureAlgorithmMatchesKey,
  verifySSHSignature,
  type SSHPublicKey,
  type VerifySSHSignatureOptions,
} from '../ssh-key-wire.js';

/** Where a user's authorized public keys come from (Twisted's IAuthorizedKeysDB). */
export interface IAuthorizedKeysDB {
  getAuthorizedKeys(username: string): Deferred<Iterable<SSHPublicKey>> | Iterable<SSHPublicKey>;
}

/** A key given as an SSHPublicKey, a wire blob, or an OpenSSH line (`ssh-ed25519 AAAA… comment`). */
export type SSHPublicKeyInput = SSHPublicKey | Uint8Array | string;

function toPublicKey(input: SSHPublicKeyInput): SSHPublicKey {
  if (typeof input === 'string') {
    const { keys, problems } = parseAuthorizedKeys(input);
    if (keys.length !== 1)
      throw new InvalidSSHKey(problems[0]?.message ?? 'expected exactly one key');
    return keys[0]!;
  }
  if (input instanceof Uint8Array) return parseSSHPublicKey(input);
  return input;
}

/** Authorized keys per user, in memory (Twisted's InMemorySSHKeyDB). */
export class InMemorySSHKeyDB implements IAuthorizedKeysDB {
  private readonly keys = new Map<string, SSHPublicKey[]>();

  constructor(mapping: Readonly<Record<string, readonly SSHPublicKeyInput[]>> = {}) {
    for (const [username, keys] of Object.entries(mapping))
      for (const key of keys) this.addKey(username, key);
  }

  /** Authorize `key` for `username`; throws InvalidSSHKey if it is not a usable key. */
  addKey(username: string, key: SSHPublicKeyInput): void {
    const list = this.keys.get(username) ?? [];
    list.push(toPublicKey(key));
    this.keys.set(username, list);
  }

  getAuthorizedKeys(username: string): Iterable<SSHPublicKey> {
    return this.keys.get(username) ?? [];
  }
}

export interface AuthorizedKeysFilesOptions {
  /** Option names the SSH server enforces itself (see authorized-keys.ts); default none. */
  readonly enforcedOptions?: readonly string[];
  readonly logger?: ILogger;
  readonly onProblem?: (problem: AuthorizedKeysProblem & { readonly path: string }) => void;
  /** A larger file is ignored; default 1 MiB. */
  readonly maxFileBytes?: number;
}

/**
 * A user name safe to put in a path: no separators, no NUL, not `.`/`..`, so a client cannot
 * make pathFor() point at another user's (or any) file.
 */
function isPathSafeUsername(username: string): boolean {
  return (
    username !== '' &&
    username !== '.' &&
    username !== '..' &&
    !username.includes('/') &&
    !username.includes('\\') &&
    !username.includes('\u0000')
  );
}

/**
 * Reads each user's OpenSSH authorized_keys file, at the path(s) `pathFor(username)` names
 * (Twisted's UNIXAuthorizedKeysFiles). Read on every login, so edits apply at once; a missing
 * file means no keys. Problems (malformed lines, unenforced options) go to the logger/onProblem.
 */
export class AuthorizedKeysFiles implements IAuthorizedKeysDB {
  private readonly maxFileBytes: number;

  constructor(
    private readonly pathFor: (username: string) => string | readonly string[] | null,
    private readonly options: AuthorizedKeysFilesOptions = {},
  ) {
    this.maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
  }

  getAuthorizedKeys(username: string): Deferred<Iterable<SSHPublicKey>> {
    return ensureDeferred(
      (async () => {
        if (!isPathSafeUsername(username)) return [];
        const paths = this.pathFor(username);
        if (paths === null) return [];
        const keys: SSHPublicKey[] = [];
        for (const path of typeof paths === 'string' ? [paths] : paths)
          keys.push(...(await this.read(path)));
        return keys;
      })(),
    );
  }

  private async read(path: string): Promise<SSHPublicKey[]> {
    let text: string;
    try {
      const info = await stat(path);
      if (info.size > this.maxFileBytes) {
        this.report(path, {
          line: 0,
          message: `${path}: over the ${this.maxFileBytes}-byte limit (maxFileBytes); ignored`,
        });
        return [];
      }
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        this.report(path, {
          line: 0,
          message: `${path}: cannot read (${code ?? String(error)}); no keys from it`,
        });
      }
      return [];
    }
    const options =
      this.options.enforcedOptions === undefined
        ? { source: path }
        : { source: path, enforcedOptions: this.options.enforcedOptions };
    const { keys, problems } = parseAuthorizedKeys(text, options);
    for (const problem of problems) this.report(path, problem);
    return [...keys];
  }

  private report(path: string, problem: AuthorizedKeysProblem): void {
    this.options.logger?.warn('{message}', { message: problem.message, path, line: problem.line });
    this.options.onProblem?.({ ...problem, path });
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * Checks SSH public-key credentials (Twisted's SSHPublicKeyChecker): the key must be one of the
 * user's authorized keys, and the signature over `sigData` must verify with it. Without a
 * signature (the client asking whether a key would do) it fails with ValidPublicKey for an
 * authorized key, so the SSH server can answer PK_OK; otherwise UnauthorizedLogin.
 * Signature algorithms: ssh-ed25519, rsa-sha2-256, rsa-sha2-512, ecdsa-sha2-nistp256/384/521;
 * ssh-rsa (SHA-1) only with `allowSHA1RSA`.
 */
export class SSHPublicKeyChecker implements ICredentialsChecker<ISSHPrivateKey> {
  readonly credentialInterfaces = ['ssh-key'] as const;

  constructor(
    readonly keyDB: IAuthorizedKeysDB,
    private readonly options: VerifySSHSignatureOptions = {},
  ) {}

  requestAvatarId(credentials: ISSHPrivateKey): Deferred<AvatarId> {
    let offered: SSHPublicKey;
    try {
      offered = parseSSHPublicKey(credentials.blob);
    } catch {
      return Deferred.fail(new UnauthorizedLogin());
    }
    if (!signatureAlgorithmMatchesKey(credentials.algorithm, offered.type)) {
      return Deferred.fail(new UnauthorizedLogin());
    }
    return maybeDeferred(() => this.keyDB.getAuthorizedKeys(credentials.username)).addCallback(
      (keys) => {
        let authorized = false;
        for (const key of keys) {
          if (sameBytes(key.blob, offered.blob)) authorized = true;
        }
        if (!authorized) throw new UnauthorizedLogin();
        if (credentials.signature === undefined) throw new ValidPublicKey();
        if (credentials.sigData === undefined) throw new UnauthorizedLogin();
        const ok = verifySSHSignature(
          offered,
          credentials.algorithm,
          credentials.sigData,
          credentials.signature,
          this.options,
        );
        if (!ok) throw new UnauthorizedLogin();
        return credentials.username as AvatarId;
      },
    );
  }
}

export interface AuthorizedKeysCheckerOptions
  extends AuthorizedKeysFilesOptions, VerifySSHSignatureOptions {}

/**
 * SSHPublicKeyChecker over authorized_keys files:
 * `new AuthorizedKeysChecker((user) => `/home/${user}/.ssh/authorized_keys`)`.
 */
export class AuthorizedKeysChecker extends SSHPublicKeyChecker {
  constructor(
    pathFor: (username: string) => string | readonly string[] | null,
    options: AuthorizedKeysCheckerOptions = {},
  ) {
    super(new AuthorizedKeysFiles(pathFor, options), options);
  }
}
