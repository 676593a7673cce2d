import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Deferred } from '../defer/deferred.js';
import { ensureDeferred } from '../defer/deferred.js';
import { InvalidUsername, MalformedPasswordHash } from './errors.js';
import {
  hashPassword,
  parsePasswordHash,
  type HashPasswordOptions,
  type ParsedPasswordHash,
} from './scrypt-hash.js';

/**
 * The password file: one user per line, `username:$scrypt$N=…,r=…,p=…$salt$hash`. Lines that
 * are blank or start with `#` (after optional spaces) are ignored; spaces around a line are
 * ignored; CRLF line ends are accepted. A user name is 1–256 characters with no `:`, no
 * whitespace, no control characters, and does not start with `#`. When a user appears twice the
 * first line counts, as in /etc/passwd. A line that does not parse is skipped and reported as a
 * problem naming its line number — never its content, which might be a password typed in clear.
 */

/** Something wrong with one line of a password file (or with the file itself when line is 0). */
export interface PasswordFileProblem {
  /** 1-based line number; 0 for the file as a whole. */
  readonly line: number;
  /** The user name on that line, when one could be read. */
  readonly username?: string;
  /** What is wrong and what to do, without the line's secret part. */
  readonly message: string;
}

export interface ParsedPasswordFile {
  readonly entries: ReadonlyMap<string, ParsedPasswordHash>;
  readonly problems: readonly PasswordFileProblem[];
}

const MAX_USERNAME_LENGTH = 256;
// Control characters (C0, DEL, C1), whitespace, and the field separator.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_USERNAME = /[\u0000-\u001f\u007f-\u009f\s:]/u;

/** Throws InvalidUsername when `username` cannot be stored in a password file. */
export function checkPasswordFileUsername(username: string): void {
  if (username.length === 0) throw new InvalidUsername('it is empty');
  if (username.length > MAX_USERNAME_LENGTH) {
    throw new InvalidUsername(`it is longer than ${MAX_USERNAME_LENGTH} characters`);
  }
  if (FORBIDDEN_IN_USERNAME.test(username)) {
    throw new InvalidUsername("it contains ':', whitespace or a control character");
  }
  if (username.startsWith('#'))
    throw new InvalidUsername("it starts with '#', which marks a comment");
}

interface RawLine {
  readonly username: string;
  readonly hash: string;
}

/** Split a non-comment line into user name and hash; null for blank lines and comments. */
function splitLine(line: string): RawLine | null | 'no-separator' {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  const colon = text.indexOf(':');
  if (colon < 0) return 'no-separator';
  return { username: text.slice(0, colon), hash: text.slice(colon + 1) };
}

/** Parse a password file's text. `source` (a path) prefixes the problem messages. */
export function parsePasswordFile(text: string, source = 'password file'): ParsedPasswordFile {
  const entries = new Map<string, ParsedPasswordHash>();
  const problems: PasswordFileProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const number = index + 1;
    const raw = splitLine(line);
    if (raw === null) return;
    if (raw === 'no-separator') {
      problems.push({
        line: number,
        message: `${source}:${number}: no ':' between user name and hash; line ignored`,
      });
      return;
    }
    const { username, hash } = raw;
    try {
      checkPasswordFileUsername(username);
    } catch (error) {
      problems.push({
        line: number,
        message: `${source}:${number}: ${(error as Error).message} Line ignored.`,
      });
      return;
    }
    if (entries.has(username)) {
      problems.push({
        line: number,
        username,
        message: `${source}:${number}: user '${username}' appears again; the first line counts, this one is ignored`,
      });
      return;
    }
    try {
      entries.set(username, parsePasswordHash(hash));
    } catch (error) {
      const reason = error instanceof MalformedPasswordHash ? error.message : String(error);
      problems.push({
        line: number,
        username,
        message: `${source}:${number}: user '${username}' ignored. ${reason}`,
      });
    }
  });
  return { entries, problems };
}

/** In-process queue per file, so two updates in one process never interleave read and write. */
const fileQueues = new Map<string, Promise<unknown>>();

function serialized<T>(path: string, task: () => Promise<T>): Promise<T> {
  const previous = fileQueues.get(path) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  fileQueues.set(path, settled);
  void settled.then(() => {
    if (fileQueues.get(path) === settled) fileQueues.delete(path);
  });
  return next;
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** Write `text` to `path` atomically: a 0600 temp file beside it, fsync, then rename over it. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx', 0o600);
  try {
    // open()'s mode passes through the umask; chmod makes 0600 exact.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Rewrite `text` with `username`'s line replaced by `replacement` (or removed when null):
 * the first line of the user is replaced in place, later lines of the same user dropped,
 * every other line (comments included) kept as it was.
 */
function rewrite(
  text: string,
  username: string,
  replacement: string | null,
): { text: string; found: boolean } {
  const lines = text === '' ? [] : text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  let found = false;
  for (const line of lines) {
    const raw = splitLine(line);
    if (raw !== null && raw !== 'no-separator' && raw.username === username) {
      if (!found && replacement !== null) out.push(replacement);
      found = true;
      continue;
    }
    out.push(line);
  }
  if (!found && replacement !== null) out.push(replacement);
  return { text: out.length === 0 ? '' : `${out.join('\n')}\n`, found };
}

/**
 * Set `username`'s password in the password file at `path` (what `tw passwd` calls): hashes it
 * with scrypt, replaces the user's line or appends one, and writes the file atomically with
 * mode 0600. Creates the file if missing. Fails with InvalidUsername for a name the format
 * cannot hold.
 */
export function setPasswordInFile(
  path: string,
  username: string,
  password: string,
  options?: HashPasswordOptions,
): Deferred<void> {
  return ensureDeferred(
    (async () => {
      checkPasswordFileUsername(username);
      const encoded = await hashPassword(password, options);
      await serialized(path, async () => {
        const { text } = rewrite(await readIfExists(path), username, `${username}:${encoded}`);
        await writeAtomically(path, text);
      });
    })(),
  );
}

/** Remove `username` from the password file; fires with whether the user was there. */
export function removeUserFromPasswordFile(path: string, username: string): Deferred<boolean> {
  return ensureDeferred(
    serialized(path, async () => {
      const current = await readIfExists(path);
      const { text, found } = rewrite(current, username, null);
      if (found) await writeAtomically(path, text);
      return found;
    }),
  );
}
