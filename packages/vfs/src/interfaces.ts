/**
 * The storage contract shared by @tw's file-serving protocols (SFTP in @tw/ssh, FTP in @tw/ftp).
 *
 * Paths are *virtual* POSIX paths: `/` is the user's root, and an implementation must make it
 * impossible to name anything outside it (`..` stops at `/`, absolute paths are relative to the
 * root, symlinks follow the `SymlinkPolicy`). Every method returns a Promise and rejects only
 * with a `FilesystemError` (see docs/vfs.md for why Promise rather than Deferred).
 */

/** What a path names. `other` covers devices, FIFOs and sockets. */
export type FileType = 'file' | 'directory' | 'symlink' | 'other';

/** Metadata of one file, as SFTP ATTRS, FTP MLSD facts and `ls -l` need it. */
export interface FileStat {
  readonly type: FileType;
  /** Bytes; for a symlink the length of its target text. */
  readonly size: number;
  /** Full POSIX `st_mode`: file-type bits and permission bits (e.g. `0o100644`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly nlink: number;
  readonly atime: Date;
  readonly mtime: Date;
}

/** One directory entry with its `lstat` data (a symlink is reported as a symlink). */
export interface DirectoryEntry {
  readonly name: string;
  readonly stat: FileStat;
}

/**
 * How a file is opened. At least one of `read`/`write` must be set. Mirrors SFTP's pflags and
 * covers FTP's RETR (read), STOR (write+create+truncate) and APPE (write+create+append).
 */
export interface OpenFlags {
  readonly read?: boolean;
  readonly write?: boolean;
  /** Create the file when it is missing. */
  readonly create?: boolean;
  /** Cut an existing file to zero length on open. */
  readonly truncate?: boolean;
  /** With `create`: fail with AlreadyExists when the file exists. */
  readonly exclusive?: boolean;
  /** Every write goes to the end of the file, whatever position it names. */
  readonly append?: boolean;
}

/** Attributes a client may change (SFTP SETSTAT, FTP SITE CHMOD / MFMT). Absent = unchanged. */
export interface SetAttributes {
  /** Permission bits only (`0o7777`); file-type bits are ignored. */
  readonly mode?: number;
  readonly atime?: Date;
  readonly mtime?: Date;
  /** Truncate or extend to this length. */
  readonly size?: number;
}

/**
 * An open file. Reads and writes are positional, so a protocol can stream a file of any size in
 * bounded chunks (SFTP READ/WRITE at offsets, FTP REST + RETR) and never hold it whole.
 */
export interface IFileHandle {
  /** The virtual path it was opened as. */
  readonly path: string;
  /**
   * Up to `length` bytes from `position`; fewer near the end, an empty array at or after it.
   */
  read(position: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads into `target` from `position` and resolves how many bytes were read (0 at
   * the end). Lets a server reuse its buffers for a large download instead of allocating one
   * per chunk; servers fall back to `read` when it is missing.
   */
  readInto?(position: number, target: Uint8Array): Promise<number>;
  /** Writes all of `data` at `position` (at the end when opened with `append`). */
  write(position: number, data: Uint8Array): Promise<void>;
  stat(): Promise<FileStat>;
  setAttributes(attributes: SetAttributes): Promise<void>;
  /** Releases the handle; later calls reject with `Closed`. Closing twice is harmless. */
  close(): Promise<void>;
}

/** Options of `rename`. */
export interface RenameOptions {
  /**
   * Replace an existing target (FTP RNTO, POSIX rename). When false (SFTP v3 RENAME) an existing
   * target fails with AlreadyExists.
   */
  readonly overwrite?: boolean;
}

/**
 * A filesystem rooted at a user's `/`. Implementations: `LocalFilesystem` (a host directory),
 * `MemoryFilesystem` (in memory). Protocol servers resolve their client's relative paths and
 * working directory with `resolveVirtualPath` before calling in; implementations accept any
 * string and normalise it themselves too, so a forgotten normalisation cannot escape.
 */
export interface IFilesystem {
  /** Metadata, following symlinks (subject to the symlink policy). */
  stat(path: string): Promise<FileStat>;
  /** Metadata of the path itself: a symlink is reported as a symlink. */
  lstat(path: string): Promise<FileStat>;
  /** The entries of a directory, without `.` and `..`, in no particular order. */
  readdir(path: string): Promise<DirectoryEntry[]>;
  /** Opens a file; `mode` applies when it is created (default `0o644`). */
  open(path: string, flags: OpenFlags, mode?: number): Promise<IFileHandle>;
  /** Creates one directory (its parent must exist); `mode` defaults to `0o755`. */
  mkdir(path: string, mode?: number): Promise<void>;
  /** Removes an empty directory. */
  rmdir(path: string): Promise<void>;
  /** Removes a file or a symlink (never a directory: IsADirectory). */
  remove(path: string): Promise<void>;
  rename(from: string, to: string, options?: RenameOptions): Promise<void>;
  /** Changes attributes, following symlinks. */
  setAttributes(path: string, attributes: SetAttributes): Promise<void>;
  /**
   * The text of a symlink. Relative targets come back as stored; an absolute target inside the
   * root comes back as a virtual path; the host path of the root is never revealed.
   */
  readlink(path: string): Promise<string>;
  /** Creates a symlink at `linkPath` pointing to `target` (a virtual path, relative to the link). */
  symlink(target: string, linkPath: string): Promise<void>;
  /**
   * The canonical virtual path: `..` and `.` removed, symlinks inside the root resolved. A path
   * whose last component does not exist is returned normalised (SFTP REALPATH on a new name).
   */
  realpath(path: string): Promise<string>;
}

/**
 * What a filesystem does with symlinks. `follow-inside`: links are followed when their target
 * lies inside the root, and refused (OutsideRoot) when it does not; new links may only point
 * inside. `deny`: links are listed (lstat, readdir, readlink) but never followed or created.
 */
export type SymlinkPolicy = 'follow-inside' | 'deny';
