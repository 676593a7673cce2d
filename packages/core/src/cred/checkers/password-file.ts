import { readFile, stat } from 'node:fs/promises';
import type { Deferred } from '../../defer/deferred.js';
import { ensureDeferred } from '../../defer/deferred.js';
import type { AvatarId, ICredentialsChecker, IUsernamePassword } from '../../interfaces/cred.js';
import type { ILogger } from '../../interfaces/logger.js';
import { UnauthorizedLogin } from '../errors.js';
import { parsePasswordFile, type PasswordFileProblem } from '../password-file.js';
import { verifyNothing, verifyPassword, type ParsedPasswordHash } from '../scrypt-hash.js';

export interface PasswordFileCheckerOptions {
  /** Problems found when the file is (re)loaded are logged here at 'warn'. */
  readonly logger?: ILogger;
  /** Called with each problem found when the file is (re)loaded. */
  readonly onProblem?: (problem: PasswordFileProblem) => void;
  /** A larger file is refused (every login fails) rather than read; default 16 MiB. */
  readonly maxFileBytes?: number;
}

interface Loaded {
  readonly signature: string;
  readonly entries: ReadonlyMap<string, ParsedPasswordHash>;
  readonly problems: readonly PasswordFileProblem[];
}

const EMPTY: ReadonlyMap<string, ParsedPasswordHash> = new Map();

/**
 * Checks user name + password against a password file of scrypt hashes (see password-file.ts
 * for the format; `tw passwd` / setPasswordInFile write it). The file is stat()ed on every
 * login and read again when its inode, size or mtime changed, so edits apply without a
 * restart. Lines that do not parse are skipped and reported through `problems`, the logger and
 * `onProblem`; a missing or unreadable file lets nobody in and is reported the same way.
 */
export class PasswordFileChecker implements ICredentialsChecker<IUsernamePassword> {
  readonly credentialInterfaces = ['username-password'] as const;
  private loaded: Loaded | null = null;
  private loading: Promise<Loaded> | null = null;
  private readonly maxFileBytes: number;

  constructor(
    readonly path: string,
    private readonly options: PasswordFileCheckerOptions = {},
  ) {
    this.maxFileBytes = options.maxFileBytes ?? 16 * 1024 * 1024;
  }

  /** The problems found at the last load (empty before the first login or reload()). */
  get problems(): readonly PasswordFileProblem[] {
    return this.loaded?.problems ?? [];
  }

  /** Read the file now if it changed (logins do this themselves); fires with the problems found. */
  reload(): Deferred<readonly PasswordFileProblem[]> {
    return ensureDeferred(this.current().then((loaded) => loaded.problems));
  }

  requestAvatarId(credentials: IUsernamePassword): Deferred<AvatarId> {
    return ensureDeferred(
      (async () => {
        const { entries } = await this.current();
        const stored = entries.get(credentials.username);
        const ok =
          stored === undefined
            ? await verifyNothing(credentials.password)
            : await verifyPassword(credentials.password, stored);
        if (!ok) throw new UnauthorizedLogin();
        return credentials.username as AvatarId;
      })(),
    );
  }

  private current(): Promise<Loaded> {
    // Logins arriving while the file is being read share that one read.
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(): Promise<Loaded> {
    let signature: string;
    let size: number;
    let mode: number;
    try {
      const info = await stat(this.path);
      signature = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
      size = info.size;
      mode = info.mode;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message =
        code === 'ENOENT'
          ? `${this.path}: the password file does not exist, so nobody can log in; create it with \`tw passwd\``
          : `${this.path}: cannot read the password file (${code ?? String(error)}), so nobody can log in`;
      return this.use({
        signature: `error:${code ?? ''}`,
        entries: EMPTY,
        problems: [{ line: 0, message }],
      });
    }
    if (this.loaded !== null && this.loaded.signature === signature) return this.loaded;
    if (size > this.maxFileBytes) {
      const message = `${this.path}: the password file is ${size} bytes, over the ${this.maxFileBytes}-byte limit (maxFileBytes); nobody can log in`;
      return this.use({ signature, entries: EMPTY, problems: [{ line: 0, message }] });
    }
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const message = `${this.path}: cannot read the password file (${code}), so nobody can log in`;
      return this.use({
        signature: `error:${code}`,
        entries: EMPTY,
        problems: [{ line: 0, message }],
      });
    }
    const parsed = parsePasswordFile(text, this.path);
    const problems = [...parsed.problems];
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      problems.unshift({
        line: 0,
        message: `${this.path}: other users can read the password hashes (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
      });
    }
    return this.use({ signature, entries: parsed.entries, problems });
  }

  /** Adopt a load result, reporting its problems when it differs from the previous one. */
  private use(next: Loaded): Loaded {
    const changed = this.loaded === null || this.loaded.signature !== next.signature;
    this.loaded = next;
    if (changed) {
      for (const problem of next.problems) {
        this.options.logger?.warn('{message}', { message: problem.message, line: problem.line });
        this.options.onProblem?.(problem);
      }
    }
    return next;
  }
}
