import { TwError } from '@tw/core';

/**
 * What went wrong, independent of the storage behind a filesystem. Protocol servers map a kind to
 * their own reply: SFTP to a status code, FTP to a 5xx reply (see docs/vfs.md for both tables).
 */
export type FilesystemErrorKind =
  | 'NoSuchFile'
  | 'PermissionDenied'
  | 'AlreadyExists'
  | 'NotADirectory'
  | 'IsADirectory'
  | 'NotEmpty'
  | 'OutsideRoot'
  | 'InvalidPath'
  | 'NoSpace'
  | 'NotSupported'
  | 'Closed'
  | 'IOError';

const CODES: Record<FilesystemErrorKind, string> = {
  NoSuchFile: 'TW_VFS_NO_SUCH_FILE',
  PermissionDenied: 'TW_VFS_PERMISSION_DENIED',
  AlreadyExists: 'TW_VFS_ALREADY_EXISTS',
  NotADirectory: 'TW_VFS_NOT_A_DIRECTORY',
  IsADirectory: 'TW_VFS_IS_A_DIRECTORY',
  NotEmpty: 'TW_VFS_NOT_EMPTY',
  OutsideRoot: 'TW_VFS_OUTSIDE_ROOT',
  InvalidPath: 'TW_VFS_INVALID_PATH',
  NoSpace: 'TW_VFS_NO_SPACE',
  NotSupported: 'TW_VFS_NOT_SUPPORTED',
  Closed: 'TW_VFS_CLOSED',
  IOError: 'TW_VFS_IO_ERROR',
};

/**
 * The one error type an `IFilesystem` rejects with. `kind` is what a protocol maps; `path` is the
 * *virtual* path the caller asked about (never a host path, so messages are safe to send to a
 * client).
 */
export class FilesystemError extends TwError {
  readonly kind: FilesystemErrorKind;
  readonly path: string;

  constructor(
    kind: FilesystemErrorKind,
    path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(CODES[kind], message, options);
    this.kind = kind;
    this.path = path;
  }
}

/** True when `error` is a FilesystemError, optionally of the given kind. */
export function isFilesystemError(
  error: unknown,
  kind?: FilesystemErrorKind,
): error is FilesystemError {
  return error instanceof FilesystemError && (kind === undefined || error.kind === kind);
}

const ERRNO_KINDS: Record<string, FilesystemErrorKind> = {
  ENOENT: 'NoSuchFile',
  EACCES: 'PermissionDenied',
  EPERM: 'PermissionDenied',
  EROFS: 'PermissionDenied',
  EEXIST: 'AlreadyExists',
  ENOTDIR: 'NotADirectory',
  EISDIR: 'IsADirectory',
  ENOTEMPTY: 'NotEmpty',
  ENOSPC: 'NoSpace',
  EDQUOT: 'NoSpace',
  EFBIG: 'NoSpace',
  ENAMETOOLONG: 'InvalidPath',
  EINVAL: 'InvalidPath',
  ELOOP: 'InvalidPath',
  EXDEV: 'NotSupported',
};

const KIND_TEXT: Record<FilesystemErrorKind, string> = {
  NoSuchFile: 'no such file or directory',
  PermissionDenied: 'permission denied',
  AlreadyExists: 'already exists',
  NotADirectory: 'not a directory',
  IsADirectory: 'is a directory',
  NotEmpty: 'directory not empty',
  OutsideRoot: 'outside the root',
  InvalidPath: 'invalid path',
  NoSpace: 'no space left',
  NotSupported: 'operation not supported',
  Closed: 'handle is closed',
  IOError: 'input/output error',
};

/**
 * Translates a node:fs error into a FilesystemError about `virtualPath`. The host path in the
 * original message stays only in `cause`, so a client never sees where the root lives.
 */
export function filesystemErrorFromNode(error: unknown, virtualPath: string): FilesystemError {
  if (error instanceof FilesystemError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const kind = (typeof code === 'string' ? ERRNO_KINDS[code] : undefined) ?? 'IOError';
  return new FilesystemError(kind, virtualPath, `${virtualPath}: ${KIND_TEXT[kind]}`, {
    cause: error,
  });
}

/** A FilesystemError with the standard message for its kind. */
export function filesystemError(
  kind: FilesystemErrorKind,
  virtualPath: string,
  detail?: string,
): FilesystemError {
  const text = detail === undefined ? KIND_TEXT[kind] : `${KIND_TEXT[kind]} (${detail})`;
  return new FilesystemError(kind, virtualPath, `${virtualPath}: ${text}`);
}
