import type { Stats } from 'node:fs';
import type { FileStat, FileType } from './interfaces.js';

function typeOf(stats: Stats): FileType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** A FileStat from node:fs Stats. */
export function fileStatFromNode(stats: Stats): FileStat {
  return {
    type: typeOf(stats),
    size: stats.size,
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    nlink: stats.nlink,
    atime: stats.atime,
    mtime: stats.mtime,
  };
}
