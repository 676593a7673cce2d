import type { Address } from '../interfaces/address.js';
import type { IDatagramProtocol, IUDPTransport } from '../interfaces/protocol.js';

/**
 * The base class for UDP protocols (Twisted's DatagramProtocol). Subclasses override
 * datagramReceived(data, addr) and reply with `this.transport.write(data, addr)`.
 *
 * Call grammar: makeConnection(transport) → startProtocol() → datagramReceived(data, addr)*
 * → stopProtocol() (when the port stops listening). `T` is the transport type: use
 * `DatagramProtocol<IMulticastTransport>` for a protocol given to listenMulticast().
 */
export class DatagramProtocol<
  T extends IUDPTransport = IUDPTransport,
> implements IDatagramProtocol {
  private currentTransport: T | null = null;

  /** Set by makeConnection(); reading it before then throws a clear error. */
  get transport(): T {
    if (this.currentTransport === null) {
      throw new Error(
        `${this.constructor.name} has no transport yet: it is not listening on a port.`,
      );
    }
    return this.currentTransport;
  }

  set transport(transport: T | null) {
    this.currentTransport = transport;
  }

  /** Whether a transport has been attached (without throwing like `transport` does). */
  get hasTransport(): boolean {
    return this.currentTransport !== null;
  }

  makeConnection(transport: IUDPTransport): void {
    this.currentTransport = transport as T;
    this.startProtocol();
  }

  /** The port is listening: set up here. */
  startProtocol(): void {}

  /** The port stopped listening: tear down here. */
  stopProtocol(): void {}

  datagramReceived(_data: Uint8Array, _addr: Address): void {}

  /** On a connected port: the peer answered with ICMP port unreachable. */
  connectionRefused(): void {}
}
