import type { Failure } from '../defer/failure.js';
import type { Address } from '../interfaces/address.js';
import type {
  IClientFactory,
  IConnector,
  IProtocol,
  IProtocolFactory,
} from '../interfaces/protocol.js';
import type { TLSOptions } from '../interfaces/tls.js';
import {
  TLSProtocolWrapper,
  validateTLSOptions,
  type TLSProtocolWrapperOptions,
  type TLSSide,
} from './tls-layer.js';

/**
 * Wraps a factory so every protocol it builds runs over TLS (Twisted's TLSMemoryBIOFactory).
 * Hand it to anything that takes a factory for a plain stream transport — a memory pipe, an SSH
 * channel, a TCP port — and the connections it serves or makes are TLS:
 *
 * ```ts
 * const secured = new TLSWrappingFactory(echoFactory, { credentials }, 'server');
 * reactor.listenTCP(8443, secured);   // the same as listenTLS, through the generic layer
 * ```
 *
 * Client-side notifications (startedConnecting, clientConnectionFailed/Lost) are passed on to
 * the wrapped factory when it has them.
 *
 * @throws TLSOptionsError at construction for options that are refused (e.g. TLS below 1.2).
 */
export class TLSWrappingFactory implements IClientFactory<TLSProtocolWrapper> {
  readonly wrappedFactory: IProtocolFactory;
  readonly options: TLSOptions;
  readonly side: TLSSide;
  private readonly layerOptions: Omit<TLSProtocolWrapperOptions, 'alreadyConnected'>;

  constructor(
    wrappedFactory: IProtocolFactory,
    options: TLSOptions,
    side: TLSSide,
    layerOptions: Omit<TLSProtocolWrapperOptions, 'alreadyConnected'> = {},
  ) {
    validateTLSOptions(options, side);
    this.wrappedFactory = wrappedFactory;
    this.options = options;
    this.side = side;
    this.layerOptions = layerOptions;
  }

  buildProtocol(addr: Address): TLSProtocolWrapper | null {
    const wrapped: IProtocol | null = this.wrappedFactory.buildProtocol(addr);
    if (wrapped === null) return null;
    const wrapper = new TLSProtocolWrapper(wrapped, this.options, this.side, this.layerOptions);
    wrapper.factory = this;
    return wrapper;
  }

  doStart(): void {
    this.wrappedFactory.doStart();
  }

  doStop(): void {
    this.wrappedFactory.doStop();
  }

  startedConnecting(connector: IConnector): void {
    (this.wrappedFactory as Partial<IClientFactory>).startedConnecting?.(connector);
  }

  clientConnectionFailed(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as Partial<IClientFactory>).clientConnectionFailed?.(connector, reason);
  }

  clientConnectionLost(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as Partial<IClientFactory>).clientConnectionLost?.(connector, reason);
  }
}
