/**
 * SFTP v3 protocol numbers (draft-ietf-secsh-filexfer-02). Spelled out here rather than read from
 * ssh2's `utils.sftp`, which Node's ESM loader does not expose as a named export of the CJS module.
 */
export const SFTP_STATUS = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

/** SSH_FXF_* pflags of OPEN. */
export const SFTP_OPEN = {
  READ: 0x01,
  WRITE: 0x02,
  APPEND: 0x04,
  CREAT: 0x08,
  TRUNC: 0x10,
  EXCL: 0x20,
} as const;
