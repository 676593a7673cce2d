/**
 * Keeping a static server inside its root. A request's path arrives as decoded segments; each
 * segment must name one entry of a directory — never '.', '..', a path with a separator, or a
 * name with NUL — and the file that the joined path finally reaches, after symlinks are
 * followed, must still lie under the root's own real path.
 *
 * Two checks, because each alone is not enough: the lexical one stops '../' however it was
 * encoded (Site decodes '%2e%2e' and '%2F' before we see them, so they arrive as '..' and 'a/b'),
 * and the realpath one stops symlinks placed inside the root that point out of it.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import type { BigIntStats } from 'node:fs';

/** Why a segment is refused, or null when it is a plain name. */
export function unsafeSegmentReason(
  name: string,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (name === '.' || name === '..') return 'dot segment';
  if (name.includes('\0')) return 'NUL byte';
  if (name.includes('/') || name.includes('\\')) return 'path separator inside a segment';
  if (platform === 'win32') {
    // Windows resolves 'C:x' against a drive, strips trailing dots and spaces ('.. ' is '..')
    // and reserves device names; none of those can name a file under the root safely.
    if (name.includes(':')) return 'drive or stream separator';
    const trimmed = name.replace(/[. ]+$/, '');
    if (trimmed === '' || trimmed === '.') return 'dot segment';
    if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(trimmed)) return 'reserved device name';
  }
  return null;
}

/** True when `child` is `parent` or lies below it. Both must be absolute and normalised. */
export function isWithin(parent: string, child: string): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(sep) ? parent : parent + sep;
  return child.startsWith(prefix);
}

export interface SafePathOptions {
  /**
   * Serve files reached through symlinks that point outside the root (default false: answer
   * 403). Dot segments and separators are refused either way.
   */
  readonly followSymlinksOutsideRoot?: boolean;
}

export type ResolvedPath =
  /** `path` is the real path (symlinks resolved); `stats` are its stat() with bigint times. */
  | { readonly kind: 'found'; readonly path: string; readonly stats: BigIntStats }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden'; readonly reason: string };

/**
 * Resolve `segments` (decoded path segments, as in request.postpath) under the directory whose
 * real path is `realRoot`. Empty segments are skipped (so '/a//b' is '/a/b'). Returns the real
 * path of what they name and its stat, 'not-found', or 'forbidden' with the reason.
 *
 * The path is checked once, here; a caller that opens the returned real path (not the
 * requested one) is not fooled by symlinks along the way. Someone who can write inside the root
 * can still swap a directory for a symlink between this check and the open — a server that
 * shares its root with untrusted writers needs OS-level confinement, not this.
 */
export async function resolveUnderRoot(
  realRoot: string,
  segments: readonly string[],
  options: SafePathOptions = {},
): Promise<ResolvedPath> {
  if (!isAbsolute(realRoot)) return { kind: 'forbidden', reason: 'root is not absolute' };
  const names: string[] = [];
  for (const segment of segments) {
    if (segment === '') continue;
    const reason = unsafeSegmentReason(segment);
    if (reason !== null) return { kind: 'forbidden', reason };
    names.push(segment);
  }
  const requested = join(realRoot, ...names);
  // join() normalises; with no dot segments and no separators it cannot climb, but check anyway:
  // this is the line that must never be crossed.
  if (!isWithin(realRoot, requested)) return { kind: 'forbidden', reason: 'outside the root' };
  let real: string;
  try {
    real = await realpath(requested);
  } catch (error) {
    return failureFor(error);
  }
  if (!isWithin(realRoot, real) && options.followSymlinksOutsideRoot !== true) {
    return { kind: 'forbidden', reason: 'symlink out of the root' };
  }
  try {
    return { kind: 'found', path: real, stats: await stat(real, { bigint: true }) };
  } catch (error) {
    return failureFor(error);
  }
}

/** The real path of a root directory, to pass to resolveUnderRoot. */
export async function realRootOf(root: string): Promise<string> {
  return realpath(root);
}

function failureFor(error: unknown): ResolvedPath {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM')
    return { kind: 'forbidden', reason: 'permission denied' };
  // ENOENT, ENOTDIR (a file used as a directory), ELOOP (a symlink cycle), ENAMETOOLONG: all
  // mean there is nothing to serve at that name.
  return { kind: 'not-found' };
}
