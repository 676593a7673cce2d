import { isFilesystemError, type FilesystemErrorKind } from '@tw/vfs';
import { SFTP_STATUS as STATUS } from './sftp-constants.js';

/** An SFTP status reply: code and message. */
export interface SFTPStatusReply {
  readonly code: number;
  readonly message: string;
}

const CODE_FOR_KIND: Record<FilesystemErrorKind, number> = {
  NoSuchFile: STATUS.NO_SUCH_FILE,
  PermissionDenied: STATUS.PERMISSION_DENIED,
  OutsideRoot: STATUS.PERMISSION_DENIED,
  NotSupported: STATUS.OP_UNSUPPORTED,
  AlreadyExists: STATUS.FAILURE,
  NotADirectory: STATUS.FAILURE,
  IsADirectory: STATUS.FAILURE,
  NotEmpty: STATUS.FAILURE,
  InvalidPath: STATUS.FAILURE,
  NoSpace: STATUS.FAILURE,
  Closed: STATUS.FAILURE,
  IOError: STATUS.FAILURE,
};

/**
 * The status for a failed operation. SFTP v3 has few codes (RFC draft-ietf-secsh-filexfer-02
 * §7): the FilesystemError message, which names only virtual paths, carries the detail. Anything
 * that is not a FilesystemError is a bug or a host fault: the client gets a bare FAILURE.
 */
export function statusForError(error: unknown): SFTPStatusReply {
  if (isFilesystemError(error)) return { code: CODE_FOR_KIND[error.kind], message: error.message };
  return { code: STATUS.FAILURE, message: 'Failure' };
}
