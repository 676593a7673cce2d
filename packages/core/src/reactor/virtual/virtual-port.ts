import { Deferred } from '../../defer/deferred.js';
import type { Address } from '../../interfaces/address.js';
import type { IProtocolFactory } from '../../interfaces/protocol.js';
import type { IListeningPort } from '../../interfaces/reactor.js';
import type { VirtualReactor } from './virtual-reactor.js';
import type { VirtualStreamTransport } from './virtual-stream-transport.js';

const LOOPBACK_INTERFACES = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * A listening stream port (TCP or Unix) on a simulated host. A connection is accepted once the
 * client's handshake completes: then the factory builds the protocol (null refuses: the
 * connection is closed at once, as Node's ports do).
 */
export class VirtualListeningPort implements IListeningPort {
  private listening = true;

  constructor(
    private readonly reactor: VirtualReactor,
    readonly key: number | string,
    readonly factory: IProtocolFactory,
    private readonly address: Address,
    /** The interface bound; a loopback one accepts connections from its own host only. */
    private readonly iface: string,
  ) {}

  getHost(): Address {
    return this.address;
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** Whether a SYN from `from` may reach this port. */
  accepts(from: VirtualReactor): boolean {
    return this.listening && (!LOOPBACK_INTERFACES.has(this.iface) || from === this.reactor);
  }

  stopListening(): Deferred<void> {
    if (this.listening) {
      this.listening = false;
      this.reactor.forgetPort(this);
      try {
        this.factory.doStop();
      } catch (error) {
        this.reactor.network.report(`${this.factory.constructor.name}.doStop threw`, error);
      }
    }
    return Deferred.succeed(undefined);
  }

  /** The client's handshake completed on `end`: build the protocol and start it. */
  accept(end: VirtualStreamTransport): void {
    if (!this.listening) {
      end.discard(true);
      return;
    }
    this.reactor.openConnections.add(end);
    end.onClosed = (closed) => {
      this.reactor.openConnections.delete(closed);
    };
    end.establishFrom(this.factory);
  }
}
