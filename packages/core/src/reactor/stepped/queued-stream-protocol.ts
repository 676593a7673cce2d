import type { Failure } from '../../defer/failure.js';
import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import type { IHalfCloseableProtocol, IProtocol } from '../../interfaces/protocol.js';
import type { ITransport } from '../../interfaces/transport.js';
import { reportError } from '../node/report-error.js';
import { EventInbox, type InboxLimits } from './event-inbox.js';
import type { RunQueue } from './run-queue.js';
import { steppedProducer, transportView } from './transport-view.js';
import { isHalfCloseableProtocol } from '../../transport/capabilities.js';

type StreamEvent =
  | { readonly kind: 'made' }
  | { readonly kind: 'data'; readonly data: Uint8Array }
  | { readonly kind: 'readLost' }
  | { readonly kind: 'writeLost' }
  | { readonly kind: 'lost'; readonly reason: Failure };

/**
 * What the Node transport drives in place of the application's protocol. It records each event
 * and delivers it to the real protocol inside iterate(); the real protocol is built there too
 * (factory.buildProtocol is application code), and a null from the factory closes the
 * connection at that point.
 */
export class QueuedStreamProtocol
  extends EventInbox<StreamEvent>
  implements IHalfCloseableProtocol
{
  private inner: IProtocol | null = null;
  private real: ITransport | null = null;
  private view: ITransport | null = null;
  /** True once no more data may be delivered: refused, closing after EOF, or lost. */
  private dropped = false;

  constructor(
    queue: RunQueue,
    limits: InboxLimits,
    private readonly build: () => IProtocol | null,
  ) {
    super(queue, limits);
  }

  // The Node transport calls these from its socket events.

  makeConnection(transport: ITransport): void {
    this.real = transport;
    this.view = transportView<ITransport>(transport, {
      pauseProducing: () => this.pauseByProtocol(),
      resumeProducing: () => this.resumeByProtocol(),
      registerProducer: (producer: IPushProducer | IPullProducer, streaming: boolean) => {
        transport.registerProducer(steppedProducer(this.queue, producer), streaming);
      },
    });
    this.enqueue({ kind: 'made' });
  }

  connectionMade(): void {}

  dataReceived(data: Uint8Array): void {
    if (!this.dropped) this.enqueue({ kind: 'data', data });
  }

  readConnectionLost(): void {
    this.enqueue({ kind: 'readLost' });
  }

  writeConnectionLost(): void {
    this.enqueue({ kind: 'writeLost' });
  }

  connectionLost(reason: Failure): void {
    this.enqueue({ kind: 'lost', reason }, true);
  }

  // Inside iterate().

  protected deliver(event: StreamEvent): void {
    if (event.kind === 'made') {
      this.start();
      return;
    }
    const inner = this.inner;
    if (inner === null) return; // refused: the connection is closing without a protocol
    switch (event.kind) {
      case 'data':
        if (this.dropped) return;
        this.call(inner, 'dataReceived', () => inner.dataReceived(event.data));
        return;
      case 'readLost':
        if (this.dropped) return;
        if (isHalfCloseableProtocol(inner)) {
          this.call(inner, 'readConnectionLost', () => inner.readConnectionLost());
        } else {
          // As under the Node reactor: a protocol that cannot live half-open is closed cleanly.
          this.dropped = true;
          this.real!.loseConnection();
        }
        return;
      case 'writeLost':
        if (!this.dropped && isHalfCloseableProtocol(inner)) {
          this.call(inner, 'writeConnectionLost', () => inner.writeConnectionLost());
        }
        return;
      case 'lost':
        this.dropped = true;
        try {
          inner.connectionLost(event.reason);
        } catch (error) {
          reportError(`${inner.constructor.name}.connectionLost threw`, error);
        }
        return;
    }
  }

  protected bytesOf(event: StreamEvent): number {
    return event.kind === 'data' ? event.data.byteLength : 0;
  }

  protected pauseSource(): void {
    this.real?.pauseProducing();
  }

  protected resumeSource(): void {
    this.real?.resumeProducing();
  }

  private start(): void {
    let inner: IProtocol | null;
    try {
      inner = this.build();
    } catch (error) {
      reportError('buildProtocol threw; closing the connection', error);
      inner = null;
    }
    if (inner === null) {
      this.dropped = true;
      this.real!.loseConnection();
      return;
    }
    this.inner = inner;
    this.call(inner, 'makeConnection', () => inner.makeConnection(this.view!));
  }

  /** A protocol callback that throws gets its connection aborted, as under the Node reactor. */
  private call(inner: IProtocol, name: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      reportError(`${inner.constructor.name}.${name} threw; aborting the connection`, error);
      this.real!.abortConnection();
    }
  }
}
