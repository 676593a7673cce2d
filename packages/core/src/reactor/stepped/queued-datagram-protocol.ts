import type { Address } from '../../interfaces/address.js';
import type { IDatagramProtocol, IUDPTransport } from '../../interfaces/protocol.js';
import type { RunQueue } from './run-queue.js';

/** Bounds on what one UDP port may have waiting for the next iterate(). */
export interface DatagramLimits {
  /**
   * Datagrams received but not yet delivered, beyond which new ones are dropped — what a full
   * kernel receive buffer does; UDP protocols already live with loss. Default 1024.
   */
  readonly maxQueuedDatagrams: number;
}

export const DEFAULT_MAX_QUEUED_DATAGRAMS = 1024;

/** What the Node UDP port drives in place of the application's datagram protocol. */
export class QueuedDatagramProtocol implements IDatagramProtocol {
  private queued = 0;
  /** Datagrams dropped because the host did not call iterate() often enough. */
  dropped = 0;

  constructor(
    private readonly queue: RunQueue,
    private readonly limits: DatagramLimits,
    private readonly inner: IDatagramProtocol,
    /** The transport the application sees (so its stopListening also fires in iterate()). */
    private readonly view: (real: IUDPTransport) => IUDPTransport,
  ) {}

  makeConnection(transport: IUDPTransport): void {
    const view = this.view(transport);
    this.queue.dispatch(() => this.inner.makeConnection(view));
  }

  startProtocol(): void {}

  stopProtocol(): void {
    this.queue.dispatch(() => this.inner.stopProtocol());
  }

  datagramReceived(data: Uint8Array, addr: Address): void {
    if (this.queued >= this.limits.maxQueuedDatagrams) {
      this.dropped++;
      return;
    }
    this.queued++;
    this.queue.dispatch(() => {
      this.queued--;
      this.inner.datagramReceived(data, addr);
    });
  }

  connectionRefused(): void {
    this.queue.dispatch(() => this.inner.connectionRefused());
  }
}
