import type { Address } from '../interfaces/address.js';
import type { IProtocolFactory } from '../interfaces/protocol.js';
import { refuseConnection, type RefusalMessage } from './refused-connection.js';
import { ProtocolWrapper, WrappingFactory } from './wrapping-factory.js';

export interface LimitTotalConnectionsOptions {
  /** The most connections open at once through this factory. Default 1000. */
  readonly connectionLimit?: number;
  /** Sent to a refused connection before it is closed; default: closed without a word. */
  readonly refusalMessage?: RefusalMessage;
}

/**
 * Caps how many connections a factory serves at once (Twisted's
 * `policies.LimitTotalConnectionsFactory`, built on WrappingFactory here). A connection over the
 * cap is refused at once — the wrapped factory never builds a protocol for it — and is closed,
 * after the refusal message when one is set.
 */
export class LimitTotalConnectionsFactory extends WrappingFactory {
  connectionLimit: number;
  refusalMessage: RefusalMessage | undefined;
  /** Connections accepted and not yet lost. */
  connectionCount = 0;
  /** The wrappers counted in connectionCount (a refused connection's wrapper is not). */
  private readonly counted = new WeakSet<ProtocolWrapper>();

  constructor(wrappedFactory: IProtocolFactory, options: LimitTotalConnectionsOptions = {}) {
    super(wrappedFactory);
    this.connectionLimit = options.connectionLimit ?? 1000;
    this.refusalMessage = options.refusalMessage;
  }

  override buildProtocol(addr: Address): ProtocolWrapper | null {
    if (this.connectionCount >= this.connectionLimit) {
      const refused = refuseConnection(addr, this.refusalMessage);
      return refused === null ? null : new ProtocolWrapper(this, refused);
    }
    const wrapper = super.buildProtocol(addr);
    if (wrapper !== null) {
      this.counted.add(wrapper);
      this.connectionCount++;
    }
    return wrapper;
  }

  override unregisterProtocol(protocol: ProtocolWrapper): void {
    super.unregisterProtocol(protocol);
    if (this.counted.delete(protocol)) this.connectionCount--;
  }
}
