import type { Socket } from 'node:net';

import { unixAddress } from '../../address/address.js';
import { Failure } from '../../defer/failure.js';
import {
  ConnectError,
  ConnectionRefusedError,
  ConnectTimeoutError,
  DNSLookupError,
  UserError,
} from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type { IClientFactory, IConnector, IProtocol } from '../../interfaces/protocol.js';
import type { IDelayedCall } from '../../interfaces/reactor.js';
import { Protocol } from '../../protocol/protocol.js';
import type { ReactorServices } from './open-resources.js';
import { reportError } from './report-error.js';
import { SocketTransport } from './socket-transport.js';
import { socketAddresses, type StreamKind } from './stream-port.js';

/** Opens the socket for one attempt; `readyEvent` is when it is usable ('secureConnect' for TLS). */
export type Dialer = () => { socket: Socket; readyEvent: 'connect' | 'secureConnect' };

export interface ConnectorOptions {
  readonly factory: IClientFactory;
  readonly destination: Address;
  readonly kind: StreamKind;
  /** Seconds before an attempt fails with ConnectTimeoutError. */
  readonly timeout: number;
  readonly dial: Dialer;
  /** For messages: "127.0.0.1:8080", "unix:/run/x.sock". */
  readonly description: string;
  /** The server name a client checks on startTLS(). */
  readonly peerHostName?: string;
}

type ConnectorState = 'disconnected' | 'connecting' | 'connected';

/**
 * One outgoing stream connection and its retries (Twisted's BaseConnector). The factory is
 * started before the first attempt and stopped once the connector is disconnected and the
 * factory did not ask to connect again from clientConnectionFailed/Lost.
 */
export class Connector implements IConnector {
  state: ConnectorState = 'disconnected';
  private factoryStarted = false;
  private socket: Socket | null = null;
  private timeoutCall: IDelayedCall | null = null;
  private transport: SocketTransport | null = null;
  private readonly options: ConnectorOptions;

  constructor(
    private readonly services: ReactorServices,
    options: ConnectorOptions,
  ) {
    this.options = options;
  }

  get factory(): IClientFactory {
    return this.options.factory;
  }

  connect(): void {
    if (this.state !== 'disconnected') {
      throw new Error(
        `connect() on a connector that is already ${this.state} (to ${this.options.description}).`,
      );
    }
    this.state = 'connecting';
    this.services.resources.connectors.add(this);
    if (!this.factoryStarted) {
      this.factory.doStart();
      this.factoryStarted = true;
    }
    this.callFactory('startedConnecting', () => this.factory.startedConnecting(this));
    if (this.state !== 'connecting') return; // startedConnecting() called stopConnecting()
    let socket: Socket;
    let readyEvent: 'connect' | 'secureConnect';
    try {
      ({ socket, readyEvent } = this.options.dial());
    } catch (error) {
      this.failAttempt(error instanceof ConnectError ? error : this.connectErrorFor(error));
      return;
    }
    this.socket = socket;
    this.timeoutCall = this.services.callLater(this.options.timeout, () => {
      this.failAttempt(
        new ConnectTimeoutError(
          `Connecting to ${this.options.description} took longer than ${this.options.timeout} seconds.`,
        ),
      );
    });
    socket.once(readyEvent, () => this.connected(socket));
    socket.on('error', this.onAttemptError);
    socket.once('close', this.onAttemptClose);
  }

  stopConnecting(): void {
    if (this.state !== 'connecting') return;
    this.failAttempt(
      new UserError(`Connecting to ${this.options.description} was stopped by stopConnecting().`),
    );
  }

  disconnect(): void {
    if (this.state === 'connecting') this.stopConnecting();
    else if (this.state === 'connected') this.transport?.loseConnection();
  }

  getDestination(): Address {
    return this.options.destination;
  }

  private readonly onAttemptError = (error: Error): void => {
    this.failAttempt(this.connectErrorFor(error));
  };

  private readonly onAttemptClose = (): void => {
    this.failAttempt(
      new ConnectError(
        `The connection to ${this.options.description} closed before it was established.`,
      ),
    );
  };

  private connected(socket: Socket): void {
    if (this.state !== 'connecting' || this.socket !== socket) return;
    this.clearAttempt(socket);
    this.state = 'connected';
    this.services.resources.connectors.delete(this);
    // A Unix client socket has no name of its own; its peer is the path we dialled.
    const { host, peer } =
      this.options.kind === 'UNIX'
        ? { host: unixAddress(null), peer: this.options.destination }
        : socketAddresses(socket, 'TCP');
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
    // Twisted: a refused connection still gets a (throwaway) protocol, closed at once, so the
    // factory hears clientConnectionLost like for any other connection.
    const refused = protocol === null;
    const resources = this.services.resources;
    const transport = new SocketTransport({
      socket,
      protocol: protocol ?? new Protocol(),
      side: 'client',
      host,
      peer,
      ...(this.options.peerHostName !== undefined
        ? { peerHostName: this.options.peerHostName }
        : {}),
      onClosed: (closed, reason) => {
        resources.removeConnection(closed);
        this.connectionLost(reason);
      },
    });
    this.transport = transport;
    resources.addConnection(transport);
    transport.start();
    if (refused) transport.loseConnection();
  }

  private connectionLost(reason: Failure): void {
    this.state = 'disconnected';
    this.transport = null;
    this.callFactory('clientConnectionLost', () => this.factory.clientConnectionLost(this, reason));
    this.stopFactoryIfIdle();
  }

  private failAttempt(error: ConnectError): void {
    if (this.state !== 'connecting') return;
    const socket = this.socket;
    if (socket !== null) {
      this.clearAttempt(socket);
      // Errors that trail a destroyed attempt (a late RST) are of no interest to anyone.
      socket.on('error', () => {});
      socket.destroy();
    }
    this.state = 'disconnected';
    this.services.resources.connectors.delete(this);
    this.callFactory('clientConnectionFailed', () =>
      this.factory.clientConnectionFailed(this, new Failure(error)),
    );
    this.stopFactoryIfIdle();
  }

  private clearAttempt(socket: Socket): void {
    this.socket = null;
    if (this.timeoutCall?.active()) this.timeoutCall.cancel();
    this.timeoutCall = null;
    socket.off('error', this.onAttemptError);
    socket.off('close', this.onAttemptClose);
  }

  private stopFactoryIfIdle(): void {
    // The factory may have called connect() again from its callback; then it stays started.
    if (this.state !== 'disconnected' || !this.factoryStarted) return;
    this.factoryStarted = false;
    this.callFactory('doStop', () => this.factory.doStop());
  }

  private callFactory(method: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      reportError(`${this.factory.constructor.name}.${method} threw`, error);
    }
  }

  /** Map a Node socket error to the ConnectError subclass Twisted would give. */
  private connectErrorFor(error: unknown): ConnectError {
    const code = (error as { code?: unknown } | null)?.code;
    const what = this.options.description;
    const message = error instanceof Error ? error.message : String(error);
    switch (code) {
      case 'ECONNREFUSED':
        return new ConnectionRefusedError(`${what} refused the connection (${message}).`, {
          cause: error,
        });
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_FAIL':
      case 'EAI_NONAME':
      case 'EAI_NODATA':
        return new DNSLookupError(`Could not resolve the host name of ${what} (${message}).`, {
          cause: error,
        });
      case 'ETIMEDOUT':
        return new ConnectTimeoutError(`Connecting to ${what} timed out (${message}).`, {
          cause: error,
        });
      default:
        return new ConnectError(`Connecting to ${what} failed: ${message}`, { cause: error });
    }
  }
}
