import { Failure } from '../../defer/failure.js';
import type { ConnectError } from '../../errors/connection.js';
import {
  ConnectionRefusedError,
  ConnectTimeoutError,
  DNSLookupError,
  UserError,
} from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type { IClientFactory, IConnector } from '../../interfaces/protocol.js';
import type { IDelayedCall } from '../../interfaces/reactor.js';
import type { Transmission } from './simulated-network.js';
import type { VirtualReactor } from './virtual-reactor.js';
import type { VirtualStreamTransport } from './virtual-stream-transport.js';

/** Where a connector dials: a TCP port by host name/address, or a Unix path on its own host. */
export type VirtualDestination =
  | { readonly kind: 'TCP'; readonly host: string; readonly port: number }
  | { readonly kind: 'UNIX'; readonly path: string };

type ConnectorState = 'disconnected' | 'connecting' | 'connected';

/**
 * One outgoing stream connection on the simulated network and its retries (Twisted's
 * BaseConnector), with the notifications Node's connector gives: startedConnecting, then
 * clientConnectionFailed (DNSLookupError for an unknown name, ConnectionRefusedError after a
 * round trip to a closed port, ConnectTimeoutError when the SYN cannot get through in time) or
 * a connection whose end is clientConnectionLost.
 */
export class VirtualConnector implements IConnector {
  state: ConnectorState = 'disconnected';
  private factoryStarted = false;
  private timeoutCall: IDelayedCall | null = null;
  private syn: Transmission | null = null;
  private attempt: VirtualStreamTransport | null = null;
  private transport: VirtualStreamTransport | null = null;

  constructor(
    private readonly reactor: VirtualReactor,
    readonly factory: IClientFactory,
    private readonly destination: VirtualDestination,
    private readonly timeout: number,
  ) {}

  private get description(): string {
    return this.destination.kind === 'TCP'
      ? `${this.destination.host}:${this.destination.port}`
      : `unix:${this.destination.path}`;
  }

  connect(): void {
    if (this.state !== 'disconnected') {
      throw new Error(
        `connect() on a connector that is already ${this.state} (to ${this.description}).`,
      );
    }
    this.state = 'connecting';
    this.reactor.openConnectors.add(this);
    if (!this.factoryStarted) {
      this.factory.doStart();
      this.factoryStarted = true;
    }
    this.callFactory('startedConnecting', () => this.factory.startedConnecting(this));
    if (this.state !== 'connecting') return;
    this.timeoutCall = this.reactor.callLater(this.timeout, () => {
      this.failAttempt(
        new ConnectTimeoutError(
          `Connecting to ${this.description} took longer than ${this.timeout} seconds.`,
        ),
      );
    });
    const target =
      this.destination.kind === 'TCP'
        ? this.reactor.network.lookup(this.reactor, this.destination.host)
        : this.reactor;
    if (target === undefined) {
      this.reactor.callLater(0, () =>
        this.failAttempt(
          new DNSLookupError(
            `Could not resolve the host name of ${this.description}: no host of that name ` +
              `on the simulated network (addHost() it).`,
          ),
        ),
      );
      return;
    }
    const end = this.reactor.newClientEnd(target, this.destination);
    this.attempt = end;
    end.onSynAck = (serverEnd) => this.synAckArrived(end, serverEnd);
    end.onHandshakeReset = () => {
      if (this.attempt !== end) return;
      this.failAttempt(
        new ConnectionRefusedError(`${this.description} refused the connection (no listener).`),
      );
    };
    this.syn = this.reactor.network.sendReliable(this.reactor, target, 0, () => {
      this.syn = null;
      target.receiveSyn(end, this.destination);
    });
  }

  private synAckArrived(end: VirtualStreamTransport, serverEnd: VirtualStreamTransport): void {
    if (this.attempt !== end || this.state !== 'connecting') {
      // We gave up on this attempt meanwhile: tell the server's side.
      end.peerEnd = serverEnd;
      end.discard(true);
      return;
    }
    this.clearAttempt();
    this.state = 'connected';
    this.reactor.openConnectors.delete(this);
    end.peerEnd = serverEnd;
    end.onClosed = (closed, reason) => {
      this.reactor.openConnections.delete(closed);
      this.connectionLost(reason);
    };
    this.transport = end;
    this.reactor.openConnections.add(end);
    end.sendHandshakeAck();
    end.establishFrom(this.factory);
  }

  stopConnecting(): void {
    if (this.state !== 'connecting') return;
    this.failAttempt(
      new UserError(`Connecting to ${this.description} was stopped by stopConnecting().`),
    );
  }

  disconnect(): void {
    if (this.state === 'connecting') this.stopConnecting();
    else if (this.state === 'connected') this.transport?.loseConnection();
  }

  getDestination(): Address {
    return this.destination.kind === 'TCP'
      ? {
          family: 'IPv4',
          type: 'TCP',
          host: this.destination.host,
          port: this.destination.port,
        }
      : { family: 'UNIX', path: this.destination.path };
  }

  private connectionLost(reason: Failure): void {
    this.state = 'disconnected';
    this.transport = null;
    this.callFactory('clientConnectionLost', () => this.factory.clientConnectionLost(this, reason));
    this.stopFactoryIfIdle();
  }

  private failAttempt(error: ConnectError): void {
    if (this.state !== 'connecting') return;
    const end = this.attempt;
    this.clearAttempt();
    end?.discard(false);
    this.state = 'disconnected';
    this.reactor.openConnectors.delete(this);
    this.callFactory('clientConnectionFailed', () =>
      this.factory.clientConnectionFailed(this, new Failure(error)),
    );
    this.stopFactoryIfIdle();
  }

  private clearAttempt(): void {
    this.attempt = null;
    if (this.timeoutCall?.active()) this.timeoutCall.cancel();
    this.timeoutCall = null;
    this.syn?.cancel();
    this.syn = null;
  }

  private stopFactoryIfIdle(): void {
    if (this.state !== 'disconnected' || !this.factoryStarted) return;
    this.factoryStarted = false;
    this.callFactory('doStop', () => this.factory.doStop());
  }

  private callFactory(method: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.reactor.network.report(`${this.factory.constructor.name}.${method} threw`, error);
    }
  }
}
