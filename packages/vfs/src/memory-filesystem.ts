import { filesystemError } from './errors.js';
import type {
  DirectoryEntry,
  FileStat,
  IFileHandle,
  IFilesystem,
  OpenFlags,
  RenameOptions,
  SetAttributes,
  SymlinkPolicy,
} from './interfaces.js';
import { MemoryFileHandle, type MemoryStore } from './memory-file-handle.js';
import {
  memoryStat,
  newDirectory,
  newFile,
  newLink,
  type MemoryDirectory,
  type MemoryFile,
  type MemoryNode,
} from './memory-node.js';
import {
  resolveLinkTarget,
  resolveVirtualPath,
  virtualDirname,
  virtualPathParts,
} from './virtual-path.js';

/** Options of `MemoryFilesystem`. */
export interface MemoryFilesystemOptions {
  /** What to do with symlinks; default `'follow-inside'`. */
  readonly symlinks?: SymlinkPolicy;
  /** Total bytes of file content it may hold; default 256 MiB. Past it writes fail NoSpace. */
  readonly maxBytes?: number;
  /** Files, directories and links it may hold; default 100 000. Past it creation fails NoSpace. */
  readonly maxNodes?: number;
  /** Permission bits cleared on files and directories it creates, like a process umask; default 0o022. */
  readonly umask?: number;
  /** Owner ids reported in stats; default 0. */
  readonly uid?: number;
  readonly gid?: number;
}

// Linux gives up after 40 links in one lookup (ELOOP); so do we.
const MAX_LINK_HOPS = 40;

/** Where a lookup ended: the parent directory, the name in it, and the node (if any). */
interface Found {
  readonly parent: MemoryDirectory;
  readonly name: string;
  /** The canonical virtual path, after following links. */
  readonly path: string;
  readonly node: MemoryNode | undefined;
}

/**
 * An `IFilesystem` held in memory: for tests of SFTP/FTP servers and for applications that serve
 * generated content. Same semantics as LocalFilesystem (symlink policy included), bounded by
 * `maxBytes` and `maxNodes`.
 */
export class MemoryFilesystem implements IFilesystem, MemoryStore {
  readonly symlinks: SymlinkPolicy;
  readonly uid: number;
  readonly gid: number;
  readonly maxBytes: number;
  readonly maxNodes: number;
  readonly umask: number;
  readonly #root: MemoryDirectory = newDirectory(0o755);
  #bytes = 0;
  #nodes = 1;

  constructor(options: MemoryFilesystemOptions = {}) {
    this.symlinks = options.symlinks ?? 'follow-inside';
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.maxNodes = options.maxNodes ?? 100_000;
    this.umask = options.umask ?? 0o022;
    this.uid = options.uid ?? 0;
    this.gid = options.gid ?? 0;
  }

  /** Bytes of file content held now. */
  get bytesUsed(): number {
    return this.#bytes;
  }

  async stat(path: string): Promise<FileStat> {
    return memoryStat(this.#existing(path, true).node, this.uid, this.gid);
  }

  async lstat(path: string): Promise<FileStat> {
    return memoryStat(this.#existing(path, false).node, this.uid, this.gid);
  }

  async readdir(path: string): Promise<DirectoryEntry[]> {
    const found = this.#existing(path, true);
    if (found.node.kind !== 'directory') throw filesystemError('NotADirectory', found.path);
    found.node.atime = new Date();
    return [...found.node.children].map(([name, node]) => ({
      name,
      stat: memoryStat(node, this.uid, this.gid),
    }));
  }

  async open(path: string, flags: OpenFlags, mode = 0o644): Promise<IFileHandle> {
    const found = this.#find(path, true);
    if (flags.read !== true && flags.write !== true) {
      throw filesystemError('InvalidPath', found.path, 'open needs read or write');
    }
    let file: MemoryFile;
    if (found.node === undefined) {
      if (flags.write !== true || flags.create !== true) {
        throw filesystemError('NoSuchFile', found.path);
      }
      file = newFile(mode & ~this.umask);
      this.#add(found, file);
    } else {
      if (found.node.kind === 'directory') throw filesystemError('IsADirectory', found.path);
      if (found.node.kind !== 'file') throw filesystemError('PermissionDenied', found.path);
      if (flags.write === true && flags.create === true && flags.exclusive === true) {
        throw filesystemError('AlreadyExists', found.path);
      }
      file = found.node;
      if (flags.write === true && flags.truncate === true) this.resize(file, 0, found.path);
    }
    return new MemoryFileHandle(file, this, found.path, {
      read: flags.read === true,
      write: flags.write === true,
      append: flags.write === true && flags.append === true,
    });
  }

  async mkdir(path: string, mode = 0o755): Promise<void> {
    const found = this.#find(path, false);
    if (found.node !== undefined) throw filesystemError('AlreadyExists', found.path);
    this.#add(found, newDirectory(mode & ~this.umask));
  }

  async rmdir(path: string): Promise<void> {
    const found = this.#existing(path, false);
    if (found.path === '/') throw filesystemError('PermissionDenied', '/', 'the root stays');
    if (found.node.kind !== 'directory') throw filesystemError('NotADirectory', found.path);
    if (found.node.children.size > 0) throw filesystemError('NotEmpty', found.path);
    this.#unlink(found);
  }

  async remove(path: string): Promise<void> {
    const found = this.#existing(path, false);
    if (found.node.kind === 'directory')
      throw filesystemError('IsADirectory', found.path, 'use rmdir');
    this.#unlink(found);
    if (found.node.kind === 'file') this.resize(found.node, 0, found.path);
  }

  async rename(from: string, to: string, options: RenameOptions = {}): Promise<void> {
    const source = this.#existing(from, false);
    const target = this.#find(to, false);
    if (source.path === '/' || target.path === '/') {
      throw filesystemError('PermissionDenied', '/', 'the root cannot be renamed or replaced');
    }
    if (source.node === target.node) return;
    if (source.node.kind === 'directory' && this.#contains(source.node, target.parent)) {
      throw filesystemError('InvalidPath', target.path, 'cannot move a directory into itself');
    }
    if (target.node !== undefined) {
      if (options.overwrite !== true) throw filesystemError('AlreadyExists', target.path);
      if (target.node.kind === 'directory') {
        if (source.node.kind !== 'directory') throw filesystemError('IsADirectory', target.path);
        if (target.node.children.size > 0) throw filesystemError('NotEmpty', target.path);
      } else if (source.node.kind === 'directory') {
        throw filesystemError('NotADirectory', target.path);
      }
      this.#unlink(target);
      if (target.node.kind === 'file') this.resize(target.node, 0, target.path);
    }
    source.parent.children.delete(source.name);
    target.parent.children.set(target.name, source.node);
    this.#touch(source.parent);
    this.#touch(target.parent);
  }

  async setAttributes(path: string, attributes: SetAttributes): Promise<void> {
    const { node, path: canonical } = this.#existing(path, true);
    if (attributes.size !== undefined) {
      if (node.kind !== 'file') throw filesystemError('IsADirectory', canonical);
      this.resize(node, attributes.size, canonical);
    }
    if (attributes.mode !== undefined) node.mode = attributes.mode & 0o7777;
    if (attributes.atime !== undefined) node.atime = attributes.atime;
    if (attributes.mtime !== undefined) node.mtime = attributes.mtime;
  }

  async readlink(path: string): Promise<string> {
    const found = this.#existing(path, false);
    if (found.node.kind !== 'symlink')
      throw filesystemError('InvalidPath', found.path, 'not a symlink');
    return found.node.target;
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    const found = this.#find(linkPath, false);
    if (this.symlinks === 'deny') {
      throw filesystemError('PermissionDenied', found.path, 'symlinks are disabled on this server');
    }
    if (target === '' || target.includes('\0')) throw filesystemError('InvalidPath', found.path);
    if (resolveLinkTarget(target, virtualDirname(found.path)) === undefined) {
      throw filesystemError('OutsideRoot', found.path, 'the link would point outside the root');
    }
    if (found.node !== undefined) throw filesystemError('AlreadyExists', found.path);
    this.#add(found, newLink(target));
  }

  async realpath(path: string): Promise<string> {
    return this.#find(path, true).path;
  }

  /** Part of MemoryStore: grows or shrinks a file, keeping the byte budget. */
  resize(file: MemoryFile, size: number, path: string): void {
    if (!Number.isSafeInteger(size) || size < 0)
      throw filesystemError('InvalidPath', path, 'bad size');
    const growth = size - file.size;
    if (this.#bytes + growth > this.maxBytes) {
      throw filesystemError(
        'NoSpace',
        path,
        `the ${this.maxBytes}-byte limit (maxBytes) is reached`,
      );
    }
    if (size > file.data.length) {
      // Doubling keeps a file written in many small appends linear, not quadratic.
      const capacity = Math.max(size, Math.min(file.data.length * 2, size + 64 * 1024 * 1024));
      const grown = new Uint8Array(capacity);
      grown.set(file.data.subarray(0, file.size));
      file.data = grown;
    } else if (size < file.size) {
      file.data.fill(0, size, file.size);
    }
    file.size = size;
    this.#bytes += growth;
    file.mtime = new Date();
  }

  #add(found: Found, node: MemoryNode): void {
    if (this.#nodes >= this.maxNodes) {
      throw filesystemError(
        'NoSpace',
        found.path,
        `the ${this.maxNodes}-entry limit (maxNodes) is reached`,
      );
    }
    this.#nodes += 1;
    found.parent.children.set(found.name, node);
    this.#touch(found.parent);
  }

  #unlink(found: Found): void {
    found.parent.children.delete(found.name);
    this.#nodes -= this.#count(found.node);
    this.#touch(found.parent);
  }

  #count(node: MemoryNode | undefined): number {
    if (node === undefined) return 0;
    if (node.kind !== 'directory') return 1;
    let total = 1;
    for (const child of node.children.values()) total += this.#count(child);
    return total;
  }

  #contains(directory: MemoryDirectory, candidate: MemoryDirectory): boolean {
    if (directory === candidate) return true;
    for (const child of directory.children.values()) {
      if (child.kind === 'directory' && this.#contains(child, candidate)) return true;
    }
    return false;
  }

  #touch(directory: MemoryDirectory): void {
    directory.mtime = new Date();
  }

  #existing(path: string, followFinal: boolean): Found & { node: MemoryNode } {
    const found = this.#find(path, followFinal);
    if (found.node === undefined) throw filesystemError('NoSuchFile', found.path);
    return found as Found & { node: MemoryNode };
  }

  /**
   * Walks `path` from the root, following links on the way (and at the end with `followFinal`)
   * within the policy. A missing last component is not an error: `node` is undefined.
   */
  #find(path: string, followFinal: boolean, hops = { count: 0 }): Found {
    const canonical = resolveVirtualPath(path);
    const parts = virtualPathParts(canonical);
    if (parts.length === 0) return { parent: this.#root, name: '', path: '/', node: this.#root };
    let directory = this.#root;
    let at = '/';
    for (let i = 0; i < parts.length; i += 1) {
      const name = parts[i] as string;
      const last = i === parts.length - 1;
      const here = at === '/' ? `/${name}` : `${at}/${name}`;
      let node = directory.children.get(name);
      if (node === undefined) {
        if (last) return { parent: directory, name, path: here, node: undefined };
        throw filesystemError('NoSuchFile', canonical);
      }
      if (node.kind === 'symlink' && (!last || followFinal)) {
        if (this.symlinks === 'deny') {
          throw filesystemError(
            'PermissionDenied',
            canonical,
            'symlinks are not followed on this server',
          );
        }
        hops.count += 1;
        if (hops.count > MAX_LINK_HOPS)
          throw filesystemError('InvalidPath', canonical, 'too many symlinks');
        const target = resolveLinkTarget(node.target, at);
        if (target === undefined) {
          throw filesystemError('OutsideRoot', canonical, 'a symlink points outside the root');
        }
        const resolved = this.#find(target, true, hops);
        if (resolved.node === undefined)
          throw filesystemError('NoSuchFile', canonical, 'dangling symlink');
        if (last) return resolved;
        node = resolved.node;
        at = resolved.path;
      } else {
        if (last) return { parent: directory, name, path: here, node };
        at = here;
      }
      if (node.kind !== 'directory') throw filesystemError('NotADirectory', canonical);
      directory = node;
    }
    throw filesystemError('InvalidPath', canonical);
  }
}
