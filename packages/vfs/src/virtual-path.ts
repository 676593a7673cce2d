import { FilesystemError } from './errors.js';

/**
 * Resolves `path` against the virtual working directory `cwd` into a canonical virtual path:
 * absolute, no `.`/`..`/empty components, no trailing slash. `..` at `/` stays at `/`, as in a
 * chroot, so no input names anything above the root. A NUL byte fails with InvalidPath: the host
 * would cut the path there.
 */
export function resolveVirtualPath(path: string, cwd = '/'): string {
  if (path.includes('\0') || cwd.includes('\0')) {
    throw new FilesystemError('InvalidPath', '', 'path contains a NUL byte: remove it');
  }
  const parts: string[] = [];
  const push = (text: string): void => {
    for (const part of text.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
  };
  if (!path.startsWith('/')) push(cwd);
  push(path);
  return '/' + parts.join('/');
}

/** The components of a canonical virtual path (`/` has none). */
export function virtualPathParts(canonical: string): string[] {
  return canonical === '/' ? [] : canonical.slice(1).split('/');
}

/** `/a/b` → `/a`; `/` → `/`. */
export function virtualDirname(canonical: string): string {
  const at = canonical.lastIndexOf('/');
  return at <= 0 ? '/' : canonical.slice(0, at);
}

/** `/a/b` → `b`; `/` → ``. */
export function virtualBasename(canonical: string): string {
  return canonical.slice(canonical.lastIndexOf('/') + 1);
}

/**
 * Resolves a symlink target text written in the link's directory `linkDir` *without* clamping at
 * the root: returns undefined when it climbs above `/` (it would point outside the root).
 */
export function resolveLinkTarget(target: string, linkDir: string): string | undefined {
  const parts: string[] = target.startsWith('/') ? [] : virtualPathParts(linkDir);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return '/' + parts.join('/');
}
