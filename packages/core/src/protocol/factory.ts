import type { Failure } from '../defer/failure.js';
import type { Address } from '../interfaces/address.js';
import type {
  IClientFactory,
  IConnector,
  IProtocol,
  IProtocolFactory,
} from '../interfaces/protocol.js';

/** Anything a factory can build: a protocol with an optional `factory` back-reference. */
type Buildable = IProtocol & { factory?: unknown };

/**
 * Builds one protocol per connection. Set `protocol` to a class, or override buildProtocol().
 * startFactory()/stopFactory() run when the first port starts using the factory and when the
 * last one stops (counted, as in Twisted).
 */
export class Factory<P extends IProtocol = IProtocol> implements IProtocolFactory<P> {
  /** The protocol class built for each connection. */
  protocol: (new () => P) | undefined;
  /** How many ports/connectors are using this factory. */
  numPorts = 0;

  constructor(protocol?: new () => P) {
    this.protocol = protocol;
  }

  /** A factory whose buildProtocol returns `build()` for each connection. */
  static forProtocol<P extends IProtocol>(build: (addr: Address) => P | null): Factory<P> {
    const factory = new Factory<P>();
    factory.buildProtocol = (addr: Address) => {
      const protocol = build(addr);
      if (protocol !== null) (protocol as Buildable).factory = factory;
      return protocol;
    };
    return factory;
  }

  doStart(): void {
    if (this.numPorts++ === 0) this.startFactory();
  }

  doStop(): void {
    if (this.numPorts === 0) return;
    if (--this.numPorts === 0) this.stopFactory();
  }

  startFactory(): void {}

  stopFactory(): void {}

  buildProtocol(_addr: Address): P | null {
    if (this.protocol === undefined) {
      throw new Error(
        `${this.constructor.name}.protocol is not set and buildProtocol() was not overridden.`,
      );
    }
    const protocol = new this.protocol();
    (protocol as Buildable).factory = this;
    return protocol;
  }
}

/** A factory for outgoing connections, told when connecting starts, fails, or the connection ends. */
export class ClientFactory<P extends IProtocol = IProtocol>
  extends Factory<P>
  implements IClientFactory<P>
{
  startedConnecting(_connector: IConnector): void {}

  clientConnectionFailed(_connector: IConnector, _reason: Failure): void {}

  clientConnectionLost(_connector: IConnector, _reason: Failure): void {}
}
