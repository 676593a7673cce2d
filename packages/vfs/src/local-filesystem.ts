import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as hostPath from 'node:path';
import { filesystemError, filesystemErrorFromNode } from './errors.js';
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
import { LocalFileHandle } from './local-file-handle.js';
import { fileStatFromNode } from './node-stat.js';
import {
  resolveLinkTarget,
  resolveVirtualPath,
  virtualBasename,
  virtualDirname,
} from './virtual-path.js';

/** Options of `LocalFilesystem`. */
export interface LocalFilesystemOptions {
  /** What to do with symlinks; default `'follow-inside'`. */
  readonly symlinks?: SymlinkPolicy;
}

/** A virtual path and the host path it was confined to. */
interface Located {
  readonly virtual: string;
  readonly host: string;
}

// Directory listings stat their entries in batches: bounded concurrency on the libuv pool, and a
// directory of a million names does not start a million stats at once.
const STAT_BATCH = 32;

/**
 * An `IFilesystem` over a host directory. Every path is confined with realpath: after resolving
 * `..` virtually (it stops at `/`), the real location of the parent directory — and of the file
 * itself when an operation follows links — must lie inside the real root, or the call fails with
 * OutsideRoot. Files are opened with O_NOFOLLOW on the already-resolved path, so a link swapped in
 * after the check is not followed. (A directory swapped for a link between check and use by a
 * local user with write access to the root remains a window; clients cannot create such links
 * outside the policy.)
 */
export class LocalFilesystem implements IFilesystem {
  readonly root: string;
  readonly symlinks: SymlinkPolicy;
  #realRoot: Promise<string> | undefined;

  constructor(root: string, options: LocalFilesystemOptions = {}) {
    this.root = hostPath.resolve(root);
    this.symlinks = options.symlinks ?? 'follow-inside';
  }

  async stat(path: string): Promise<FileStat> {
    const at = await this.#locate(path, true);
    return this.#node(at, async () => fileStatFromNode(await fs.stat(at.host)));
  }

  async lstat(path: string): Promise<FileStat> {
    const at = await this.#locate(path, false);
    return this.#node(at, async () => fileStatFromNode(await fs.lstat(at.host)));
  }

  async readdir(path: string): Promise<DirectoryEntry[]> {
    const at = await this.#locate(path, true);
    const names = await this.#node(at, () => fs.readdir(at.host));
    const entries: DirectoryEntry[] = [];
    for (let i = 0; i < names.length; i += STAT_BATCH) {
      const batch = names.slice(i, i + STAT_BATCH);
      const stats = await Promise.all(
        batch.map((name) =>
          fs.lstat(hostPath.join(at.host, name)).then(fileStatFromNode, () => undefined),
        ),
      );
      // An entry removed between readdir and lstat is simply not listed.
      batch.forEach((name, k) => {
        const stat = stats[k];
        if (stat !== undefined) entries.push({ name, stat });
      });
    }
    return entries;
  }

  async open(path: string, flags: OpenFlags, mode = 0o644): Promise<IFileHandle> {
    if (flags.read !== true && flags.write !== true) {
      throw filesystemError('InvalidPath', resolveVirtualPath(path), 'open needs read or write');
    }
    const at = await this.#locate(path, true);
    const existing = await fs.stat(at.host).catch(() => undefined);
    // Opening a FIFO or device would block a libuv thread or touch hardware: files only.
    if (existing?.isDirectory() === true) throw filesystemError('IsADirectory', at.virtual);
    if (existing !== undefined && !existing.isFile()) {
      throw filesystemError('PermissionDenied', at.virtual, 'not a regular file');
    }
    let numeric = constants.O_NOFOLLOW;
    if (flags.read === true && flags.write === true) numeric |= constants.O_RDWR;
    else if (flags.write === true) numeric |= constants.O_WRONLY;
    else numeric |= constants.O_RDONLY;
    if (flags.write === true) {
      if (flags.create === true) numeric |= constants.O_CREAT;
      if (flags.create === true && flags.exclusive === true) numeric |= constants.O_EXCL;
      if (flags.truncate === true) numeric |= constants.O_TRUNC;
      if (flags.append === true) numeric |= constants.O_APPEND;
    }
    const handle = await this.#node(at, () => fs.open(at.host, numeric, mode & 0o7777));
    return new LocalFileHandle(handle, at.virtual);
  }

  async mkdir(path: string, mode = 0o755): Promise<void> {
    const at = await this.#locate(path, false);
    await this.#node(at, () => fs.mkdir(at.host, { mode: mode & 0o7777 }));
  }

  async rmdir(path: string): Promise<void> {
    const at = await this.#locate(path, false);
    if (at.virtual === '/') throw filesystemError('PermissionDenied', '/', 'the root stays');
    await this.#node(at, () => fs.rmdir(at.host));
  }

  async remove(path: string): Promise<void> {
    const at = await this.#locate(path, false);
    const stat = await this.#node(at, () => fs.lstat(at.host));
    if (stat.isDirectory()) throw filesystemError('IsADirectory', at.virtual, 'use rmdir');
    await this.#node(at, () => fs.unlink(at.host));
  }

  async rename(from: string, to: string, options: RenameOptions = {}): Promise<void> {
    const source = await this.#locate(from, false);
    const target = await this.#locate(to, false);
    if (source.virtual === '/' || target.virtual === '/') {
      throw filesystemError('PermissionDenied', '/', 'the root cannot be renamed or replaced');
    }
    await this.#node(source, () => fs.lstat(source.host));
    if (options.overwrite !== true) {
      const exists = await fs.lstat(target.host).then(
        () => true,
        () => false,
      );
      if (exists) throw filesystemError('AlreadyExists', target.virtual);
    }
    await this.#node(target, () => fs.rename(source.host, target.host));
  }

  async setAttributes(path: string, attributes: SetAttributes): Promise<void> {
    const at = await this.#locate(path, true);
    await this.#node(at, async () => {
      if (attributes.size !== undefined) {
        const stat = await fs.stat(at.host);
        if (stat.isDirectory()) throw filesystemError('IsADirectory', at.virtual);
        await fs.truncate(at.host, attributes.size);
      }
      if (attributes.mode !== undefined) await fs.chmod(at.host, attributes.mode & 0o7777);
      if (attributes.atime !== undefined || attributes.mtime !== undefined) {
        const current = await fs.stat(at.host);
        await fs.utimes(
          at.host,
          attributes.atime ?? current.atime,
          attributes.mtime ?? current.mtime,
        );
      }
    });
  }

  async readlink(path: string): Promise<string> {
    const at = await this.#locate(path, false);
    const text = await this.#node(at, () => fs.readlink(at.host));
    if (!hostPath.isAbsolute(text)) return text;
    const realRoot = await this.#root();
    const resolved = hostPath.resolve(text);
    if (this.#inside(resolved, realRoot)) return this.#toVirtual(resolved, realRoot);
    // Outside the root: the stored text is no secret, unless it spells the root's own path.
    return text.includes(realRoot) || text.includes(this.root) ? resolved : text;
  }

  async symlink(target: string, linkPath: string): Promise<void> {
    const link = resolveVirtualPath(linkPath);
    if (this.symlinks === 'deny') {
      throw filesystemError('PermissionDenied', link, 'symlinks are disabled on this server');
    }
    if (target.includes('\0') || target === '') throw filesystemError('InvalidPath', link);
    const at = await this.#locate(linkPath, false);
    const realRoot = await this.#root();
    const linkDir = this.#toVirtual(hostPath.dirname(at.host), realRoot);
    const resolved = resolveLinkTarget(target, linkDir);
    if (resolved === undefined) {
      throw filesystemError('OutsideRoot', link, 'the link would point outside the root');
    }
    // Absolute virtual targets are stored relative to the link: the host path of the root must
    // not end up in the link, and the tree stays valid when the root moves.
    const text = target.startsWith('/')
      ? hostPath.posix.relative(linkDir, resolved) || '.'
      : target;
    await this.#node(at, () => fs.symlink(text, at.host));
  }

  async realpath(path: string): Promise<string> {
    const virtual = resolveVirtualPath(path);
    try {
      const at = await this.#locate(virtual, true);
      const real = await fs.realpath(at.host);
      return this.#toVirtual(real, await this.#root());
    } catch (error) {
      const failure = filesystemErrorFromNode(error, virtual);
      if (failure.kind === 'NoSuchFile') return virtual;
      throw failure;
    }
  }

  async #root(): Promise<string> {
    this.#realRoot ??= fs.realpath(this.root).catch((error: unknown) => {
      this.#realRoot = undefined;
      throw filesystemErrorFromNode(error, '/');
    });
    return this.#realRoot;
  }

  #inside(real: string, realRoot: string): boolean {
    return real === realRoot || real.startsWith(realRoot.endsWith('/') ? realRoot : realRoot + '/');
  }

  #toVirtual(real: string, realRoot: string): string {
    return resolveVirtualPath(hostPath.relative(realRoot, real).split(hostPath.sep).join('/'));
  }

  /**
   * Confines `path`: the host path of its parent is realpath'd and must be inside the root (and,
   * under `deny`, equal to the unresolved one: no link on the way). With `followFinal` the same
   * holds for the path itself when it exists.
   */
  async #locate(path: string, followFinal: boolean): Promise<Located> {
    const virtual = resolveVirtualPath(path);
    const realRoot = await this.#root();
    if (virtual === '/') return { virtual, host: realRoot };
    const parentVirtual = virtualDirname(virtual);
    const parentReal =
      parentVirtual === '/'
        ? realRoot
        : await this.#confined(hostPath.join(realRoot, parentVirtual), virtual, realRoot);
    const candidate = hostPath.join(parentReal, virtualBasename(virtual));
    if (!followFinal) return { virtual, host: candidate };
    try {
      return { virtual, host: await this.#confined(candidate, virtual, realRoot) };
    } catch (error) {
      if (!(error instanceof Error) || (error as { kind?: string }).kind !== 'NoSuchFile')
        throw error;
    }
    const stat = await fs.lstat(candidate).catch(() => undefined);
    if (stat?.isSymbolicLink() === true) {
      if (this.symlinks === 'deny') throw this.#denied(virtual);
      const text = await fs.readlink(candidate);
      const target = hostPath.resolve(parentReal, text);
      if (!this.#inside(target, realRoot)) throw this.#outside(virtual);
      throw filesystemError('NoSuchFile', virtual, 'dangling symlink');
    }
    return { virtual, host: candidate };
  }

  async #confined(host: string, virtual: string, realRoot: string): Promise<string> {
    let real: string;
    try {
      real = await fs.realpath(host);
    } catch (error) {
      throw filesystemErrorFromNode(error, virtual);
    }
    if (!this.#inside(real, realRoot)) throw this.#outside(virtual);
    if (this.symlinks === 'deny' && real !== host) throw this.#denied(virtual);
    return real;
  }

  #outside(virtual: string): Error {
    return filesystemError('OutsideRoot', virtual, 'a symlink points outside the root');
  }

  #denied(virtual: string): Error {
    return filesystemError('PermissionDenied', virtual, 'symlinks are not followed on this server');
  }

  async #node<T>(at: Located, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw filesystemErrorFromNode(error, at.virtual);
    }
  }
}
