import type { FileStat } from './interfaces.js';

interface NodeCommon {
  /** Permission bits only. */
  mode: number;
  atime: Date;
  mtime: Date;
}

/** A directory of a MemoryFilesystem. */
export interface MemoryDirectory extends NodeCommon {
  readonly kind: 'directory';
  readonly children: Map<string, MemoryNode>;
}

/** A regular file: `data` may be longer than `size` (spare capacity for appends). */
export interface MemoryFile extends NodeCommon {
  readonly kind: 'file';
  data: Uint8Array;
  size: number;
}

/** A symlink: `target` is the text as stored. */
export interface MemoryLink extends NodeCommon {
  readonly kind: 'symlink';
  readonly target: string;
}

export type MemoryNode = MemoryDirectory | MemoryFile | MemoryLink;

const TYPE_BITS = { directory: 0o040000, file: 0o100000, symlink: 0o120000 } as const;

/** The FileStat of a node. */
export function memoryStat(node: MemoryNode, uid: number, gid: number): FileStat {
  const size =
    node.kind === 'file'
      ? node.size
      : node.kind === 'symlink'
        ? new TextEncoder().encode(node.target).length
        : 4096;
  return {
    type: node.kind,
    size,
    mode: TYPE_BITS[node.kind] | node.mode,
    uid,
    gid,
    nlink: node.kind === 'directory' ? 2 : 1,
    atime: node.atime,
    mtime: node.mtime,
  };
}

/** A new node with both times set to now. */
export function newDirectory(mode: number): MemoryDirectory {
  const now = new Date();
  return { kind: 'directory', children: new Map(), mode: mode & 0o7777, atime: now, mtime: now };
}

export function newFile(mode: number): MemoryFile {
  const now = new Date();
  return {
    kind: 'file',
    data: new Uint8Array(0),
    size: 0,
    mode: mode & 0o7777,
    atime: now,
    mtime: now,
  };
}

export function newLink(target: string): MemoryLink {
  const now = new Date();
  return { kind: 'symlink', target, mode: 0o777, atime: now, mtime: now };
}
