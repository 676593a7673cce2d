import type { Failure } from '../../defer/failure.js';
import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import type { IProcessProtocol, IProcessTransport } from '../../interfaces/process.js';
import { reportError } from '../node/report-error.js';
import { EventInbox, type InboxLimits } from './event-inbox.js';
import type { RunQueue } from './run-queue.js';
import { steppedProducer, transportView } from './transport-view.js';

type ProcessEvent =
  | { readonly kind: 'made' }
  | { readonly kind: 'data'; readonly fd: number; readonly data: Uint8Array }
  | { readonly kind: 'childLost'; readonly fd: number }
  | { readonly kind: 'exited'; readonly reason: Failure }
  | { readonly kind: 'ended'; readonly reason: Failure };

/**
 * What the Node process transport drives in place of the application's process protocol:
 * output, pipe closes, exit and end are delivered in order inside iterate().
 */
export class QueuedProcessProtocol extends EventInbox<ProcessEvent> implements IProcessProtocol {
  private real: IProcessTransport | null = null;
  /** The transport the application sees: pause/resume and producers go through the inbox. */
  view: IProcessTransport | null = null;

  constructor(
    queue: RunQueue,
    limits: InboxLimits,
    private readonly inner: IProcessProtocol,
  ) {
    super(queue, limits);
  }

  /** The view of `transport`; spawnProcess returns it before any event was delivered. */
  attach(transport: IProcessTransport): IProcessTransport {
    if (this.view !== null && this.real === transport) return this.view;
    this.real = transport;
    this.view = transportView<IProcessTransport>(transport, {
      pauseProducing: () => this.pauseByProtocol(),
      resumeProducing: () => this.resumeByProtocol(),
      registerProducer: (producer: IPushProducer | IPullProducer, streaming: boolean) => {
        transport.registerProducer(steppedProducer(this.queue, producer), streaming);
      },
    });
    return this.view;
  }

  makeConnection(transport: IProcessTransport): void {
    this.attach(transport);
    this.enqueue({ kind: 'made' });
  }

  childDataReceived(childFD: number, data: Uint8Array): void {
    this.enqueue({ kind: 'data', fd: childFD, data });
  }

  childConnectionLost(childFD: number): void {
    this.enqueue({ kind: 'childLost', fd: childFD });
  }

  processExited(reason: Failure): void {
    this.enqueue({ kind: 'exited', reason });
  }

  processEnded(reason: Failure): void {
    this.enqueue({ kind: 'ended', reason }, true);
  }

  protected deliver(event: ProcessEvent): void {
    const inner = this.inner;
    try {
      switch (event.kind) {
        case 'made':
          inner.makeConnection(this.view!);
          return;
        case 'data':
          inner.childDataReceived(event.fd, event.data);
          return;
        case 'childLost':
          inner.childConnectionLost(event.fd);
          return;
        case 'exited':
          inner.processExited(event.reason);
          return;
        case 'ended':
          inner.processEnded(event.reason);
          return;
      }
    } catch (error) {
      reportError(`${inner.constructor.name} threw handling ${event.kind}`, error);
      if (event.kind === 'made' || event.kind === 'data') this.real?.loseConnection();
    }
  }

  protected bytesOf(event: ProcessEvent): number {
    return event.kind === 'data' ? event.data.byteLength : 0;
  }

  protected pauseSource(): void {
    this.real?.pauseProducing();
  }

  protected resumeSource(): void {
    this.real?.resumeProducing();
  }
}
