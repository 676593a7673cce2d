import type { IFilesystem } from '@tw/vfs';
import type { SFTPWrapper } from 'ssh2';
import type { SFTPSubsystemHandler, SubsystemContext } from '../server/subsystem.js';
import { DEFAULT_SFTP_LIMITS, type SFTPLimits } from './sftp-limits.js';
import { SFTPSession } from './sftp-session.js';

/** Options of `sftpSubsystem`. */
export interface SFTPSubsystemOptions {
  /**
   * The filesystem a session serves, chosen per user: e.g.
   * `({ username }) => homeDirectoryFilesystem('/srv/sftp')(username)`. A rejection fails every
   * request of that session with SSH_FX_FAILURE (and is logged).
   */
  readonly filesystemFor: (context: SubsystemContext) => IFilesystem | Promise<IFilesystem>;
  /** Limits per session; any left out take DEFAULT_SFTP_LIMITS. */
  readonly limits?: Partial<SFTPLimits>;
}

/**
 * The SFTP subsystem handler (`subsystems: [sftpSubsystem({ filesystemFor })]` in the SSH
 * server's options). Each session answers OpenSSH's and other clients' SFTP v3 requests against
 * the IFilesystem of its user.
 */
export function sftpSubsystem(options: SFTPSubsystemOptions): SFTPSubsystemHandler {
  const limits: SFTPLimits = { ...DEFAULT_SFTP_LIMITS, ...options.limits };
  return {
    name: 'sftp',
    startSFTP(sftp: SFTPWrapper, context: SubsystemContext): void {
      let filesystem: Promise<IFilesystem>;
      try {
        filesystem = Promise.resolve(options.filesystemFor(context));
      } catch (error) {
        filesystem = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      new SFTPSession(sftp, context, filesystem, limits);
    },
  };
}
