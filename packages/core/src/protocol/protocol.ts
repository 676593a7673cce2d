import type { Failure } from '../defer/failure.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { ITransport } from '../interfaces/transport.js';

/**
 * The base class for stream protocols. Subclasses override connectionMade, dataReceived and
 * connectionLost; `this.transport` is set by makeConnection before connectionMade runs.
 *
 * Call grammar: makeConnection(transport) → connectionMade() → dataReceived(data)*
 * → connectionLost(reason).
 */
export class Protocol implements IProtocol {
  /** Set by makeConnection(); reading it before then throws a clear error. */
  get transport(): ITransport {
    if (this.currentTransport === null) {
      throw new Error(
        `${this.constructor.name} has no transport yet: makeConnection() has not been called.`,
      );
    }
    return this.currentTransport;
  }

  set transport(transport: ITransport | null) {
    this.currentTransport = transport;
  }

  /** True between makeConnection() and connectionLost(). */
  connected = false;
  /** The factory that built this protocol, when one did. */
  factory: IProtocolFactory | null = null;

  private currentTransport: ITransport | null = null;

  /** Whether a transport has been attached (without throwing like `transport` does). */
  get hasTransport(): boolean {
    return this.currentTransport !== null;
  }

  makeConnection(transport: ITransport): void {
    this.connected = true;
    this.currentTransport = transport;
    this.connectionMade();
  }

  connectionMade(): void {}

  dataReceived(_data: Uint8Array): void {}

  connectionLost(_reason: Failure): void {
    this.connected = false;
  }
}
