import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as connectTLS } from 'node:tls';

/**
 * Open a connection, optionally send `send`, and resolve with what arrived once `done` says it
 * is complete (or the server closed). Every test client here is bounded by the test timeout.
 */
export function converse(
  port: number,
  send: string | null,
  done: (received: string) => boolean,
  tls: { ca: string } | null = null,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const onConnect = (): void => {
      if (send !== null) socket.write(send);
    };
    const socket =
      tls === null
        ? connect({ host: '127.0.0.1', port }, onConnect)
        : connectTLS(
            { host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(tls.ca) },
            onConnect,
          );
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (done(received)) {
        socket.end();
        resolve(received);
      }
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}
