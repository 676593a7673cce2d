import type { Server, Socket } from 'node:net';

import { ipAddress, unixAddress } from '../../address/address.js';
import { Deferred } from '../../defer/deferred.js';
import { CannotListenError } from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type { IProtocol, IProtocolFactory } from '../../interfaces/protocol.js';
import type { IListeningPort } from '../../interfaces/reactor.js';
import type { ReactorServices } from './open-resources.js';
import { reportError } from './report-error.js';
import { SocketTransport } from './socket-transport.js';

export type StreamKind = 'TCP' | 'UNIX';

/** The local and remote address of a connected socket, typed. */
export function socketAddresses(
  socket: Socket,
  kind: StreamKind,
  unixPath: string | null = null,
): { host: Address; peer: Address } {
  if (kind === 'UNIX') return { host: unixAddress(unixPath), peer: unixAddress(null) };
  return {
    host: ipAddress('TCP', socket.localAddress ?? '', socket.localPort ?? 0),
    peer: ipAddress('TCP', socket.remoteAddress ?? '', socket.remotePort ?? 0),
  };
}

export interface StreamPortOptions {
  readonly server: Server;
  readonly factory: IProtocolFactory;
  readonly kind: StreamKind;
  /** 'secureConnection' for a tls.Server: the protocol meets the socket after the handshake. */
  readonly connectionEvent: 'connection' | 'secureConnection';
  /** What we listen on, for messages: "TCP port 8080 on 127.0.0.1". */
  readonly description: string;
}

/**
 * A listening stream port (TCP, TLS or Unix) over a net.Server or tls.Server. It starts the
 * factory when listening begins and stops it in stopListening(); each accepted socket gets a
 * protocol from factory.buildProtocol(peer) — null closes the socket — and a SocketTransport.
 */
export class StreamPort implements IListeningPort {
  private listening = false;
  private boundAddress: Address | null = null;
  private stopped: Deferred<void> | null = null;
  private readonly server: Server;
  private readonly factory: IProtocolFactory;
  private readonly kind: StreamKind;
  private readonly description: string;

  constructor(
    private readonly services: ReactorServices,
    options: StreamPortOptions,
  ) {
    this.server = options.server;
    this.factory = options.factory;
    this.kind = options.kind;
    this.description = options.description;
    this.server.on(options.connectionEvent, (socket: Socket) => this.accept(socket));
  }

  /** Bind; fires with this port once listening, or fails with CannotListenError. */
  listen(args: {
    port?: number;
    host?: string;
    path?: string;
    backlog?: number;
  }): Deferred<StreamPort> {
    const result = new Deferred<StreamPort>();
    const onError = (error: Error): void => {
      result.errback(
        new CannotListenError(`Could not listen on ${this.description}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    this.server.once('error', onError);
    this.server.listen({ ...args, exclusive: true }, () => {
      this.server.off('error', onError);
      // Later errors (EMFILE on accept, …) must not crash the process.
      this.server.on('error', (error) => reportError(`Error on ${this.description}`, error));
      this.listening = true;
      this.boundAddress = this.readBoundAddress();
      this.factory.doStart();
      this.services.resources.ports.add(this);
      result.callback(this);
    });
    return result;
  }

  /** The bound address; still answers after stopListening(), as in Twisted. */
  getHost(): Address {
    if (this.boundAddress === null) throw new Error(`${this.description} is not listening yet.`);
    return this.boundAddress;
  }

  private readBoundAddress(): Address {
    const bound = this.server.address();
    if (this.kind === 'UNIX' || typeof bound === 'string') {
      return unixAddress(typeof bound === 'string' ? bound : null);
    }
    return ipAddress('TCP', bound?.address ?? '', bound?.port ?? 0);
  }

  /**
   * Stop accepting. Fires once the listening socket is closed; open connections are left alone
   * (Node's own server 'close' waits for them, so we do not wait for that event).
   */
  stopListening(): Deferred<void> {
    if (this.stopped !== null) return this.stopped;
    const stopped = new Deferred<void>();
    this.stopped = stopped;
    this.services.resources.ports.delete(this);
    if (!this.listening) {
      stopped.callback(undefined);
      return stopped;
    }
    this.listening = false;
    this.server.close();
    try {
      this.factory.doStop();
    } catch (error) {
      reportError(`${this.factory.constructor.name}.doStop threw`, error);
    }
    // The handle is released on the next loop turn (libuv closes it asynchronously).
    setImmediate(() => stopped.callback(undefined));
    return stopped;
  }

  private accept(socket: Socket): void {
    if (!this.listening) {
      socket.destroy();
      return;
    }
    const unixPath = this.boundAddress?.family === 'UNIX' ? this.boundAddress.path : null;
    const { host, peer } = socketAddresses(socket, this.kind, unixPath);
    let protocol: IProtocol | null;
    try {
      protocol = this.factory.buildProtocol(peer);
    } catch (error) {
      reportError(
        `${this.factory.constructor.name}.buildProtocol threw; closing the connection`,
        error,
      );
      protocol = null;
    }
    if (protocol === null) {
      socket.destroy();
      return;
    }
    const resources = this.services.resources;
    const transport = new SocketTransport({
      socket,
      protocol,
      side: 'server',
      host,
      peer,
      onClosed: (closed) => resources.removeConnection(closed),
    });
    resources.addConnection(transport);
    transport.start();
  }
}
