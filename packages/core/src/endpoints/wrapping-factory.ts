import { Deferred } from '../defer/deferred.js';
import { Failure } from '../defer/failure.js';
import type { Address } from '../interfaces/address.js';
import type {
  IClientFactory,
  IConnector,
  IProtocol,
  IProtocolFactory,
} from '../interfaces/protocol.js';
import type { ITransport } from '../interfaces/transport.js';
import { ConnectingCancelledError, NoProtocolError } from './errors.js';

/**
 * Start an outgoing connection for a client endpoint and return the Deferred its connect()
 * hands back (Twisted's `_WrappingFactory`).
 *
 * `start` receives a client factory wrapping `factory` and returns the reactor's connector.
 * The Deferred fires with the protocol `factory` built, once its connectionMade() has run; it
 * errbacks with the connector's failure (ConnectionRefusedError, ConnectTimeoutError, …) or with
 * whatever buildProtocol() threw. Cancelling it stops the connector and errbacks with
 * ConnectingCancelledError (a CancelledError).
 */
export function connectWithWrappingFactory<P extends IProtocol>(
  factory: IProtocolFactory<P>,
  start: (wrappingFactory: IClientFactory) => IConnector,
): Deferred<P> {
  let connector: IConnector | null = null;
  const whenConnected = new Deferred<P>((deferred) => {
    deferred.errback(new ConnectingCancelledError(safeDestination(connector)));
    if (connector !== null) {
      try {
        connector.stopConnecting();
      } catch {
        // The attempt was already over; the abandoned connection (if any) is closed by
        // WrappingProtocol when it arrives.
      }
    }
  });
  const wrapping = new WrappingClientFactory(factory, whenConnected);
  try {
    connector = start(wrapping);
  } catch (error) {
    wrapping.fail(error);
  }
  return whenConnected;
}

function safeDestination(connector: IConnector | null): Address | null {
  try {
    return connector?.getDestination() ?? null;
  } catch {
    return null;
  }
}

/** Builds the user's protocol inside a WrappingProtocol and reports the outcome on a Deferred. */
class WrappingClientFactory<P extends IProtocol> implements IClientFactory {
  constructor(
    private readonly wrapped: IProtocolFactory<P>,
    private readonly whenConnected: Deferred<P>,
  ) {}

  doStart(): void {
    this.wrapped.doStart();
  }

  doStop(): void {
    this.wrapped.doStop();
  }

  buildProtocol(addr: Address): IProtocol | null {
    // Cancelled already: refuse the connection rather than build a protocol nobody awaits.
    if (this.whenConnected.called) return null;
    let protocol: P | null;
    try {
      protocol = this.wrapped.buildProtocol(addr);
    } catch (error) {
      this.fail(error);
      return null;
    }
    if (protocol === null) {
      this.fail(new NoProtocolError(addr));
      return null;
    }
    return new WrappingProtocol(protocol, this.whenConnected);
  }

  startedConnecting(_connector: IConnector): void {}

  clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    this.fail(reason);
  }

  clientConnectionLost(_connector: IConnector, _reason: Failure): void {}

  fail(error: unknown): void {
    // After a cancel the connector still reports UserError; the Deferred has its answer already.
    if (!this.whenConnected.called) this.whenConnected.errback(Failure.from(error));
  }
}

/**
 * Sits between the transport and the user's protocol only to notice connectionMade: every call
 * is passed through. Half-close notifications are forwarded only when the wrapped protocol
 * implements them, so transports that look for them see the same capability.
 */
class WrappingProtocol<P extends IProtocol> implements IProtocol {
  /** True when the connection arrived after the connect() Deferred was cancelled. */
  private abandoned = false;
  readConnectionLost?: () => void;
  writeConnectionLost?: () => void;

  constructor(
    readonly wrapped: P,
    private readonly whenConnected: Deferred<P>,
  ) {
    const halfCloseable = wrapped as Partial<{
      readConnectionLost: () => void;
      writeConnectionLost: () => void;
    }>;
    if (typeof halfCloseable.readConnectionLost === 'function') {
      this.readConnectionLost = () => halfCloseable.readConnectionLost!();
    }
    if (typeof halfCloseable.writeConnectionLost === 'function') {
      this.writeConnectionLost = () => halfCloseable.writeConnectionLost!();
    }
  }

  makeConnection(transport: ITransport): void {
    if (this.whenConnected.called) {
      this.abandoned = true;
      transport.abortConnection();
      return;
    }
    this.wrapped.makeConnection(transport);
    this.whenConnected.callback(this.wrapped);
  }

  connectionMade(): void {
    // makeConnection() above already ran the wrapped protocol's connectionMade().
  }

  dataReceived(data: Uint8Array): void {
    if (!this.abandoned) this.wrapped.dataReceived(data);
  }

  connectionLost(reason: Failure): void {
    if (!this.abandoned) this.wrapped.connectionLost(reason);
  }
}
