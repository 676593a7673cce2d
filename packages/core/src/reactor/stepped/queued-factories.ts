import type { Failure } from '../../defer/failure.js';
import type { Address } from '../../interfaces/address.js';
import type {
  IClientFactory,
  IConnector,
  IProtocol,
  IProtocolFactory,
} from '../../interfaces/protocol.js';
import type { InboxLimits } from './event-inbox.js';
import { QueuedStreamProtocol } from './queued-stream-protocol.js';
import type { RunQueue } from './run-queue.js';

/**
 * The factory the Node listening port sees: every call into the application's factory happens
 * inside iterate(), and each connection's protocol is a QueuedStreamProtocol.
 */
export class QueuedServerFactory implements IProtocolFactory {
  constructor(
    protected readonly queue: RunQueue,
    protected readonly limits: InboxLimits,
    protected readonly inner: IProtocolFactory,
  ) {}

  buildProtocol(addr: Address): IProtocol {
    return new QueuedStreamProtocol(this.queue, this.limits, () => this.inner.buildProtocol(addr));
  }

  doStart(): void {
    this.queue.dispatch(() => this.inner.doStart());
  }

  doStop(): void {
    this.queue.dispatch(() => this.inner.doStop());
  }
}

/** The client-side counterpart: connector notifications also wait for iterate(). */
export class QueuedClientFactory extends QueuedServerFactory implements IClientFactory {
  constructor(queue: RunQueue, limits: InboxLimits, clientFactory: IClientFactory) {
    super(queue, limits, clientFactory);
  }

  private get client(): IClientFactory {
    return this.inner as IClientFactory;
  }

  startedConnecting(connector: IConnector): void {
    this.queue.dispatch(() => this.client.startedConnecting(connector));
  }

  clientConnectionFailed(connector: IConnector, reason: Failure): void {
    this.queue.dispatch(() => this.client.clientConnectionFailed(connector, reason));
  }

  clientConnectionLost(connector: IConnector, reason: Failure): void {
    this.queue.dispatch(() => this.client.clientConnectionLost(connector, reason));
  }
}
