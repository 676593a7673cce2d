import * as fs from 'node:fs/promises';
import * as hostPath from 'node:path';
import { TwError } from '@tw/core';
import type { SymlinkPolicy } from './interfaces.js';
import { LocalFilesystem } from './local-filesystem.js';

/** A username that cannot name a home directory safely. */
export class InvalidUsernameError extends TwError {
  constructor(username: string, why: string) {
    super(
      'TW_VFS_INVALID_USERNAME',
      `username ${JSON.stringify(username)} cannot be a home directory name: ${why}; ` +
        'restrict usernames in the checker or map them to safe names before calling',
    );
  }
}

/** Options of `homeDirectoryFilesystem`. */
export interface HomeDirectoryOptions {
  /** Symlink policy of each user's filesystem; default `'follow-inside'`. */
  readonly symlinks?: SymlinkPolicy;
  /** Mode of a newly created home directory; default `0o700`. */
  readonly mode?: number;
  /** Create a missing home directory; default true. When false, a missing one fails NoSuchFile. */
  readonly create?: boolean;
}

/** Rejects usernames that could leave `<base>` or be cut short by the host. */
function checkUsername(username: string): void {
  if (username === '') throw new InvalidUsernameError(username, 'it is empty');
  if (username === '.' || username === '..')
    throw new InvalidUsernameError(username, 'it is a dot name');
  if (username.includes('/') || username.includes('\\')) {
    throw new InvalidUsernameError(username, 'it contains a slash');
  }
  if (username.includes('\0')) throw new InvalidUsernameError(username, 'it contains a NUL byte');
  if (Buffer.byteLength(username) > 255)
    throw new InvalidUsernameError(username, 'it is over 255 bytes');
}

/**
 * A per-user filesystem factory: `homeDirectoryFilesystem(base)(username)` is a LocalFilesystem
 * rooted at `<base>/<username>`, created (mode 0700) when missing. Usernames with a slash, NUL,
 * or that are `.`/`..` are refused, and an existing home that is a symlink is refused too (it
 * would move the root somewhere else).
 */
export function homeDirectoryFilesystem(
  baseDirectory: string,
  options: HomeDirectoryOptions = {},
): (username: string) => Promise<LocalFilesystem> {
  const base = hostPath.resolve(baseDirectory);
  return async (username: string): Promise<LocalFilesystem> => {
    checkUsername(username);
    const home = hostPath.join(base, username);
    if (options.create !== false) {
      await fs.mkdir(home, { mode: options.mode ?? 0o700 }).catch((error: unknown) => {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
      });
    }
    const stat = await fs.lstat(home);
    if (!stat.isDirectory()) {
      throw new InvalidUsernameError(username, `${home} exists but is not a plain directory`);
    }
    return new LocalFilesystem(
      home,
      options.symlinks === undefined ? {} : { symlinks: options.symlinks },
    );
  };
}
