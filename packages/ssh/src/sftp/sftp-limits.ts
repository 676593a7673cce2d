/**
 * Limits of one SFTP session: each bounds what a hostile or broken client can make the server
 * hold. A breach gets an SSH_FX_FAILURE status naming the limit; only a client that keeps sending
 * while refusing to read replies has its channel closed.
 */
export interface SFTPLimits {
  /** Handles (files + directories) open at once; default 256. */
  readonly maxOpenHandles: number;
  /** Requests received and not yet answered; default 256 (OpenSSH's client keeps up to 64). */
  readonly maxPendingRequests: number;
  /**
   * Longest READ served; longer ones are cut to this (SFTP allows short reads). Default 261120:
   * OpenSSH's SFTP_MAX_READ_LENGTH (256 KiB less 1 KiB of packet overhead).
   */
  readonly maxReadLength: number;
  /**
   * Reads start only while buffered replies plus reads in progress stay under this; the rest
   * wait. This is the back-pressure point: a slow reader is not buffered for. Default 4 MiB.
   */
  readonly readHighWaterMark: number;
  /**
   * Replies buffered because the client's SSH window is shut; past this the client is sending
   * requests without reading answers, and the channel is closed. Default 16 MiB.
   */
  readonly maxBufferedOutput: number;
  /**
   * Bytes of WRITE data received and not yet written; past it further WRITEs get FAILURE.
   * Default 16 MiB (OpenSSH's client keeps at most 64 × 32 KiB = 2 MiB in flight).
   */
  readonly maxPendingWriteBytes: number;
  /** Entries per READDIR reply; default 100 (as OpenSSH's sftp-server). */
  readonly readdirBatch: number;
}

/** The defaults of every SFTP limit. */
export const DEFAULT_SFTP_LIMITS: SFTPLimits = {
  maxOpenHandles: 256,
  maxPendingRequests: 256,
  maxReadLength: 256 * 1024 - 1024,
  readHighWaterMark: 4 * 1024 * 1024,
  maxBufferedOutput: 16 * 1024 * 1024,
  maxPendingWriteBytes: 16 * 1024 * 1024,
  readdirBatch: 100,
};
