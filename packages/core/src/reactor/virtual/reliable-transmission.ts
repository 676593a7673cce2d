import type { IDelayedCall } from '../../interfaces/reactor.js';
import type { SimulatedNetwork, Transmission } from './simulated-network.js';
import type { VirtualReactor } from './virtual-reactor.js';

/** A packet sent again, with exponential backoff, while lost or partitioned (see sendReliable). */
export class ReliableTransmission implements Transmission {
  private call: IDelayedCall | null = null;
  private cancelled = false;
  /** Tries after the first so far: each waits twice as long as the one before. */
  private retries = 0;

  constructor(
    private readonly network: SimulatedNetwork,
    private readonly from: VirtualReactor,
    private readonly to: VirtualReactor,
    private readonly size: number,
    private readonly deliver: () => void,
    private readonly giveUpAt: number,
    private readonly onGiveUp: () => void,
  ) {}

  attempt(): void {
    this.call = null;
    if (this.cancelled) return;
    const { network, from, to } = this;
    const delay = network.transitIfDelivered(from, to, this.size);
    if (delay === undefined) {
      this.retryLater();
      return;
    }
    this.call = from.callLater(delay, () => {
      this.call = null;
      if (!this.cancelled) this.deliver();
    });
  }

  /** This try was lost or could not cross a partition: try again after the RTO, or give up. */
  retryLater(): void {
    const network = this.network;
    const from = this.from;
    const now = network.seconds();
    const rto = network.retransmitDelay(this.retries++);
    if (now + rto > this.giveUpAt) {
      this.call = from.callLater(Math.max(0, this.giveUpAt - now), () => {
        this.call = null;
        if (!this.cancelled) this.onGiveUp();
      });
    } else {
      this.call = from.callLater(rto, () => this.attempt());
    }
  }

  cancel(): void {
    this.cancelled = true;
    if (this.call !== null && this.call.active()) this.call.cancel();
    this.call = null;
  }
}
