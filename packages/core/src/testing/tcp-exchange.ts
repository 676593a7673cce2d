/**
 * A plain node:net client for tests that check a server from the outside: send some text, read
 * what comes back. Independent of the reactor under test, on purpose.
 */
import { connect } from 'node:net';

/** Options of {@link exchangeOverTCP}. */
export interface TCPExchangeOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * When to half-close our side, given what was received so far (default: once at least as
   * many characters as were sent came back — an echo). The exchange ends when the server
   * closes; a server that closes by itself (finger) never needs this to hold.
   */
  readonly endWhen?: (received: string) => boolean;
  /** Characters kept at most (default 1 MiB): more rejects, so a runaway server cannot fill memory. */
  readonly maxReceived?: number;
}

/**
 * Connect to `host:port`, send `text` (UTF-8), and resolve with everything received (decoded as
 * UTF-8) once the connection closes. Rejects on a socket error (e.g. ECONNREFUSED).
 */
export function exchangeOverTCP(
  port: number,
  text: string,
  options: TCPExchangeOptions = {},
): Promise<string> {
  const endWhen = options.endWhen ?? ((received: string) => received.length >= text.length);
  const maxReceived = options.maxReceived ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port }, () => socket.write(text));
    let received = '';
    let ended = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length > maxReceived) {
        socket.destroy();
        reject(new Error(`received more than ${maxReceived} characters from port ${port}`));
        return;
      }
      if (!ended && endWhen(received)) {
        ended = true;
        socket.end();
      }
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}
