import { formatAddress } from '../../address/address.js';
import type { Failure } from '../../defer/failure.js';
import type { Address } from '../../interfaces/address.js';
import { Logger } from '../../log/logger.js';

/** One logger per transport kind, so `--log-level tw.core.tls=debug` can pick one out. */
const loggers = {
  tcp: new Logger('tw.core.tcp'),
  tls: new Logger('tw.core.tls'),
  unix: new Logger('tw.core.unix'),
} as const;

/** What the connection log needs to know about a socket transport. */
export interface LoggedConnection {
  readonly side: 'client' | 'server';
  readonly host: Address;
  readonly peer: Address;
  /** Whether the socket speaks TLS now (a startTLS() connection is logged as TLS once it does). */
  readonly tls: boolean;
}

function loggerFor(connection: LoggedConnection): Logger {
  if (connection.host.family === 'UNIX') return loggers.unix;
  return connection.tls ? loggers.tls : loggers.tcp;
}

/** Addresses as text (for the message) and as data (for JSON consumers). */
function addressFields(connection: LoggedConnection): Record<string, unknown> {
  return {
    side: connection.side,
    peer: formatAddress(connection.peer),
    host: formatAddress(connection.host),
    peerAddress: connection.peer,
    hostAddress: connection.host,
  };
}

/** Log, at 'debug', that a connection was accepted (server) or established (client). */
export function logConnectionOpened(connection: LoggedConnection): void {
  loggerFor(connection).debug(
    connection.side === 'server'
      ? 'Connection from {peer} on {host}'
      : 'Connected to {peer} from {host}',
    addressFields(connection),
  );
}

/** Log, at 'debug', that a connection ended, cleanly or not, and why. */
export function logConnectionLost(connection: LoggedConnection, reason: Failure): void {
  loggerFor(connection).debug('Connection with {peer} lost: {reason}', {
    ...addressFields(connection),
    reason: reason.getErrorMessage(),
    reasonType: (reason.type as { name?: string } | undefined)?.name,
  });
}
