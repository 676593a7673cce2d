import type { SFTPWrapper } from 'ssh2';

/** The parts of ssh2's server-side SFTP object needed to end its channel the way sshd does. */
interface SFTPChannelInternals {
  outgoing?: { id?: unknown; state?: unknown };
  _protocol?: {
    exitStatus?: (channel: number, status: number) => void;
    channelEOF?: (channel: number) => void;
  };
}

/**
 * Ends an SFTP channel as OpenSSH's sshd does when sftp-server exits: exit-status, EOF, close.
 * ssh2's SFTP stream only offers `end()` (a bare CHANNEL_CLOSE), and `scp` treats a session
 * without an exit status as failed (ssh reports -1), so the status is sent through ssh2's
 * protocol object. Without those internals the channel is still closed.
 */
export function endSFTPChannel(sftp: SFTPWrapper, status: number): void {
  const internals = sftp as unknown as SFTPChannelInternals;
  const outgoing = internals.outgoing;
  const protocol = internals._protocol;
  if (outgoing?.state === 'open' && typeof outgoing.id === 'number' && protocol !== undefined) {
    try {
      protocol.exitStatus?.(outgoing.id, status);
      protocol.channelEOF?.(outgoing.id);
      outgoing.state = 'eof';
    } catch {
      // The connection is going away; closing below is all that is left to do.
    }
  }
  sftp.end();
}
