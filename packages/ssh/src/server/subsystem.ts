import type { Logger } from '@tw/core';
import type { ServerChannel, SFTPWrapper } from 'ssh2';

/** Who a subsystem runs for: the authenticated user of the SSH session that asked for it. */
export interface SubsystemContext {
  /** The name the user authenticated as. */
  readonly username: string;
  /** The avatar the cred portal returned for that user. */
  readonly avatar: unknown;
  /** The session's logger (its events carry the peer and the username). */
  readonly log: Logger;
}

/**
 * A named subsystem (`ssh -s name`). The server accepts the request and hands over the channel;
 * the handler owns it from then on and ends it when done.
 */
export interface SubsystemHandler {
  readonly name: string;
  start(channel: ServerChannel, context: SubsystemContext): void;
}

/**
 * The SFTP subsystem is special in ssh2: the server accepts it as an `SFTPWrapper` (ssh2 speaks
 * the SFTP packet layer; the handler answers OPEN/READ/WRITE/… requests). `startSFTP` receives it.
 */
export interface SFTPSubsystemHandler {
  readonly name: 'sftp';
  startSFTP(sftp: SFTPWrapper, context: SubsystemContext): void;
}
