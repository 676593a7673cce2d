import { promises as fs } from 'node:fs';
import * as net from 'node:net';

import { unixAddress } from '../../address/address.js';
import { Deferred } from '../../defer/deferred.js';
import { CannotListenError } from '../../errors/connection.js';
import type { IClientFactory, IProtocolFactory } from '../../interfaces/protocol.js';
import type { IListeningPort, UNIXListenOptions } from '../../interfaces/reactor.js';
import { Connector } from './connector.js';
import type { ReactorServices } from './open-resources.js';
import { StreamPort } from './stream-port.js';
import { DEFAULT_CONNECT_TIMEOUT } from './tcp.js';

/**
 * listenUNIX: listen on a Unix domain socket at `path`. A socket file left behind by a process
 * that died (nobody accepts on it) is removed first unless `wantPID` is false; a path some live
 * process is listening on fails with CannotListenError, as does a path that is not a socket.
 * `mode` is applied to the socket file once it exists. stopListening() removes the file.
 */
export function listenUNIX(
  services: ReactorServices,
  path: string,
  factory: IProtocolFactory,
  options: UNIXListenOptions = {},
): Deferred<IListeningPort> {
  const description = `Unix socket ${path}`;
  const prepared =
    options.wantPID === false ? Promise.resolve() : removeStaleSocket(path, description);
  const result = new Deferred<IListeningPort>();
  prepared.then(
    () => {
      const server = net.createServer({ allowHalfOpen: true });
      const port = new StreamPort(services, {
        server,
        factory,
        kind: 'UNIX',
        connectionEvent: 'connection',
        description,
      });
      const args: { path: string; backlog?: number } = { path };
      if (options.backlog !== undefined) args.backlog = options.backlog;
      port.listen(args).addCallbacks(
        (listening) => {
          if (options.mode === undefined) {
            result.callback(listening);
            return;
          }
          fs.chmod(path, options.mode).then(
            () => result.callback(listening),
            (error: Error) => {
              listening.stopListening();
              result.errback(
                new CannotListenError(
                  `Could not set the mode of ${description}: ${error.message}`,
                  { cause: error },
                ),
              );
            },
          );
        },
        (failure) => result.errback(failure),
      );
    },
    (error: unknown) => result.errback(error),
  );
  return result;
}

/** Remove `path` if it is a socket file no process accepts on. */
async function removeStaleSocket(path: string, description: string): Promise<void> {
  let stat;
  try {
    stat = await fs.lstat(path);
  } catch {
    return; // nothing there
  }
  if (!stat.isSocket()) {
    throw new CannotListenError(
      `Could not listen on ${description}: the path exists and is not a socket.`,
    );
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) {
    throw new CannotListenError(
      `Could not listen on ${description}: another process is listening on it. Stop it or choose another path.`,
    );
  }
  await fs.unlink(path);
}

export function connectUNIX(
  services: ReactorServices,
  path: string,
  factory: IClientFactory,
  options: { readonly timeout?: number } = {},
): Connector {
  const connector = new Connector(services, {
    factory,
    destination: unixAddress(path),
    kind: 'UNIX',
    timeout: options.timeout ?? DEFAULT_CONNECT_TIMEOUT,
    dial: () => ({ socket: net.connect({ path, allowHalfOpen: true }), readyEvent: 'connect' }),
    description: `unix:${path}`,
  });
  connector.connect();
  return connector;
}
