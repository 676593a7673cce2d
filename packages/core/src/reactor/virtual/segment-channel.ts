import type { IDelayedCall } from '../../interfaces/reactor.js';
import type { VirtualReactor } from './virtual-reactor.js';

/** What travels in order on one direction of a stream connection. */
export type Segment =
  | { readonly kind: 'data'; readonly bytes: Uint8Array }
  | { readonly kind: 'fin' }
  /** The client's final handshake packet: the server builds its protocol when it arrives. */
  | { readonly kind: 'ack' };

/** A data segment on its way, still open to bytes written at the instant it was sent. */
interface OpenSegment {
  readonly chunks: Uint8Array[];
  size: number;
  readonly sentAt: number;
  arrived: boolean;
}

/** Where a channel's segments go: the peer side's in-order receiver. */
export type SegmentReceiver = (seq: number, segment: Segment) => void;

/**
 * TCP's reliable, ordered delivery for one side of a simulated connection. Outgoing segments
 * are numbered; a lost one is retransmitted after the retransmission timeout (by the network),
 * and across a partition they queue behind one retransmission timer per connection, as TCP's
 * single RTO timer does. A segment still undelivered after `userTimeout` calls `onTimeout`.
 * Incoming segments are handed on in sequence order, whatever order they arrived in.
 */
export class SegmentChannel {
  private nextSendSeq = 0;
  /** Bumped by cancel(): segments sent before it are dropped when they arrive. */
  private epoch = 0;
  /** Segments waiting for a partition to heal, in order, and since when the first waits. */
  private readonly blocked: Array<{ readonly seq: number; readonly segment: Segment }> = [];
  private blockedSince = 0;
  private retransmitCall: IDelayedCall | null = null;
  private expectedSeq = 0;
  private readonly outOfOrder = new Map<number, Segment>();
  /** The data segment sent at the current instant, which later writes of the instant join. */
  private openSegment: OpenSegment | null = null;

  constructor(
    private readonly local: VirtualReactor,
    private readonly remote: VirtualReactor,
    private readonly onTimeout: () => void,
  ) {}

  private get network() {
    return this.local.network;
  }

  /**
   * Send `segment` after everything sent before it, to `receiver` on the peer. Data written at
   * the same instant as the data segment before it joins that segment while it is on its way
   * and has room (what Node's corking of writes within a turn, and TCP, do): a server fanning
   * out line after line costs one delivery per peer and instant, not one per line.
   */
  send(receiver: SegmentReceiver, segment: Segment): void {
    if (segment.kind === 'data' && this.joinOpenSegment(segment.bytes)) return;
    this.openSegment = null;
    const seq = this.nextSendSeq++;
    if (this.blocked.length > 0 || !this.network.reachable(this.local, this.remote)) {
      if (this.blocked.length === 0) this.blockedSince = this.local.seconds();
      this.blocked.push({ seq, segment });
      this.armRetransmission(receiver);
      return;
    }
    this.transmit(receiver, seq, segment);
  }

  /**
   * A segment arrived: hand it and any that were waiting for it to `process`, in order, while
   * `process` returns true (false: the connection closed, the rest is of no use).
   */
  receive(seq: number, segment: Segment, process: (segment: Segment) => boolean): void {
    if (seq === this.expectedSeq && this.outOfOrder.size === 0) {
      this.expectedSeq++;
      process(segment);
      return;
    }
    this.outOfOrder.set(seq, segment);
    for (;;) {
      const next = this.outOfOrder.get(this.expectedSeq);
      if (next === undefined) return;
      this.outOfOrder.delete(this.expectedSeq);
      this.expectedSeq++;
      if (!process(next)) return;
    }
  }

  /** Append `bytes` to the data segment sent at this instant, if it is still on its way. */
  private joinOpenSegment(bytes: Uint8Array): boolean {
    const open = this.openSegment;
    if (open === null || open.arrived || open.sentAt !== this.local.seconds()) return false;
    if (open.size + bytes.byteLength > this.network.settings.segmentSize) return false;
    open.chunks.push(bytes);
    open.size += bytes.byteLength;
    // The extra bytes occupy the link too (the segment itself keeps its arrival time).
    this.network.occupyLink(this.local, this.remote, bytes.byteLength);
    return true;
  }

  /** Stop every retransmission: the connection is gone. */
  cancel(): void {
    this.epoch++;
    this.blocked.length = 0;
    if (this.retransmitCall?.active()) this.retransmitCall.cancel();
    this.retransmitCall = null;
  }

  /** Put one segment on the wire; a lost one is retransmitted until it arrives or times out. */
  private transmit(receiver: SegmentReceiver, seq: number, segment: Segment): void {
    // No per-segment cancellation state: a segment of a cancelled channel is dropped on arrival.
    const epoch = this.epoch;
    let deliver: () => void;
    if (segment.kind === 'data') {
      const open: OpenSegment = {
        chunks: [segment.bytes],
        size: segment.bytes.byteLength,
        sentAt: this.local.seconds(),
        arrived: false,
      };
      this.openSegment = open;
      deliver = () => {
        open.arrived = true;
        if (this.openSegment === open) this.openSegment = null;
        if (epoch !== this.epoch) return;
        const bytes = open.chunks.length === 1 ? open.chunks[0]! : Buffer.concat(open.chunks);
        receiver(seq, { kind: 'data', bytes });
      };
    } else {
      deliver = () => {
        if (epoch === this.epoch) receiver(seq, segment);
      };
    }
    const size = segment.kind === 'data' ? segment.bytes.byteLength : 0;
    this.network.sendReliableOnce(
      this.local,
      this.remote,
      size,
      deliver,
      this.network.settings.userTimeout,
      () => {
        if (epoch === this.epoch) this.onTimeout();
      },
    );
  }

  private armRetransmission(receiver: SegmentReceiver): void {
    if (this.retransmitCall !== null) return;
    const { retransmitTimeout, userTimeout } = this.network.settings;
    const left = this.blockedSince + userTimeout - this.local.seconds();
    this.retransmitCall = this.local.callLater(Math.max(0, Math.min(retransmitTimeout, left)), () =>
      this.retransmitBlocked(receiver),
    );
  }

  private retransmitBlocked(receiver: SegmentReceiver): void {
    this.retransmitCall = null;
    if (this.blocked.length === 0) return;
    if (this.network.reachable(this.local, this.remote)) {
      for (const { seq, segment } of this.blocked.splice(0)) this.transmit(receiver, seq, segment);
      return;
    }
    const waited = this.local.seconds() - this.blockedSince;
    if (waited >= this.network.settings.userTimeout - 1e-9) {
      this.onTimeout();
      return;
    }
    this.armRetransmission(receiver);
  }
}
