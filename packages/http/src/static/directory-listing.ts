/**
 * The HTML page listing a directory (twisted.web.static.DirectoryLister). Off unless the File
 * resource is built with `directoryListing: true`. Every name is HTML-escaped in the text and
 * percent-encoded in the link, so a file called `<script>` or `a"b` shows as itself and links to
 * itself.
 */
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeAttribute as escapeHTML } from '../template/escape.js';

export interface DirectoryEntry {
  readonly name: string;
  readonly isDirectory: boolean;
  /** Bytes, or null for directories and entries that could not be stat()ed. */
  readonly size: number | null;
  /** Epoch milliseconds, or null when unknown. */
  readonly mtime: number | null;
}

export interface DirectoryListingPage {
  /** The directory's URL path as the client sees it (decoded), e.g. '/docs/'. */
  readonly urlPath: string;
  readonly entries: readonly DirectoryEntry[];
  /** True when the directory held more entries than were read. */
  readonly truncated: boolean;
}

/**
 * A relative link to an entry: './' keeps a name with a ':' from reading as a URL scheme, and
 * encodeURIComponent keeps '?', '#', '%' and '/' from changing what the link means.
 */
export function entryHref(entry: DirectoryEntry): string {
  return `./${encodeURIComponent(entry.name)}${entry.isDirectory ? '/' : ''}`;
}

/** Directories first, then names in code-point order (stable across locales). */
export function sortEntries(entries: readonly DirectoryEntry[]): DirectoryEntry[] {
  return [...entries].sort((a, b) =>
    a.isDirectory !== b.isDirectory
      ? a.isDirectory
        ? -1
        : 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0,
  );
}

/** Render the listing page (UTF-8 HTML). */
export function renderDirectoryListing(page: DirectoryListingPage): string {
  const title = `Directory listing for ${escapeHTML(page.urlPath)}`;
  const rows = sortEntries(page.entries).map((entry) => {
    const label = escapeHTML(entry.name + (entry.isDirectory ? '/' : ''));
    const size = entry.size === null ? '' : String(entry.size);
    const mtime = entry.mtime === null ? '' : new Date(entry.mtime).toISOString();
    return (
      `<tr><td><a href="${escapeHTML(entryHref(entry))}">${label}</a></td>` +
      `<td>${size}</td><td>${mtime}</td></tr>`
    );
  });
  const parentRow =
    page.urlPath === '/' ? '' : '<tr><td><a href="../">../</a></td><td></td><td></td></tr>\n';
  const note = page.truncated ? '<p>This listing is truncated.</p>\n' : '';
  return (
    `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n` +
    `<body>\n<h1>${title}</h1>\n${note}<table>\n` +
    `<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n` +
    parentRow +
    rows.map((row) => row + '\n').join('') +
    `</table>\n</body>\n</html>\n`
  );
}

/**
 * Read up to `limit` entries of the directory at `path` (a real path already checked to be under
 * the root). Entries are stat()ed through symlinks so a link to a directory lists as one; an
 * entry that cannot be stat()ed is listed without size. Reading stops at `limit` so a directory
 * with a million files costs bounded memory.
 */
export async function readDirectoryEntries(
  path: string,
  limit: number,
): Promise<{ entries: DirectoryEntry[]; truncated: boolean }> {
  const entries: DirectoryEntry[] = [];
  const dir = await opendir(path);
  let truncated = false;
  try {
    for (let dirent = await dir.read(); dirent !== null; dirent = await dir.read()) {
      if (entries.length >= limit) {
        truncated = true;
        break;
      }
      try {
        const stats = await stat(join(path, dirent.name));
        const isDirectory = stats.isDirectory();
        entries.push({
          name: dirent.name,
          isDirectory,
          size: isDirectory ? null : stats.size,
          mtime: stats.mtimeMs,
        });
      } catch {
        entries.push({
          name: dirent.name,
          isDirectory: dirent.isDirectory(),
          size: null,
          mtime: null,
        });
      }
    }
  } finally {
    await dir.close();
  }
  return { entries, truncated };
}
