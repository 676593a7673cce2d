import type { IDelayedCall } from '../../interfaces/reactor.js';
import { NO_ARGS, VirtualDelayedCall, type VirtualClock } from './virtual-clock.js';
import type { VirtualReactor } from './virtual-reactor.js';

const NO_BYTES = new Uint8Array(0);

/**
 * A segment of one direction of a stream connection: data, the FIN, or the client's final
 * handshake packet (on whose arrival the server builds its protocol). It is also the call the
 * clock runs when the segment arrives: one object per segment on the wire.
 */
export class Segment extends VirtualDelayedCall {
  /** The channel's epoch when it left: a segment of a cancelled channel is dropped on arrival. */
  epoch = 0;
  /** When it was (last) put on the wire: bytes written at that instant may join it. */
  sentAt = 0;
  arrived = false;
  /** Bytes joined after the first write; null while there are none. */
  private joined: Uint8Array[] | null = null;

  constructor(
    private readonly channel: SegmentChannel,
    readonly kind: 'data' | 'fin' | 'ack',
    /** Its place in the stream's order. */
    readonly streamSeq: number,
    /** Every byte of a data segment once it arrived (before that, the first write's). */
    public bytes: Uint8Array,
    /** How many bytes it carries, joined ones included. */
    public size: number,
  ) {
    super(channel.clock, 0, 0, null, NO_ARGS, channel.local);
  }

  /** Add bytes written at the instant it was sent (see SegmentChannel.sendData). */
  join(bytes: Uint8Array): void {
    (this.joined ??= []).push(bytes);
    this.size += bytes.byteLength;
  }

  /** It reached the peer. */
  protected override fire(): void {
    this.channel.arrived(this);
  }

  /** Put the joined bytes together: the segment arrived. */
  seal(): void {
    const joined = this.joined;
    if (joined === null) return;
    this.joined = null;
    joined.unshift(this.bytes);
    this.bytes = Buffer.concat(joined, this.size);
  }
}

/** Where a channel's segments go: the peer side's in-order receiver. */
export type SegmentReceiver = (segment: Segment) => void;

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
  private readonly blocked: Segment[] = [];
  private blockedSince = 0;
  private retransmitCall: IDelayedCall | null = null;
  /** Retransmissions of the blocked segments so far: TCP's RTO doubles with each. */
  private retransmissions = 0;
  private expectedSeq = 0;
  /** Segments that overtook the expected one: index i holds seq expectedSeq + 1 + i. */
  private readonly outOfOrder: Array<Segment | undefined> = [];
  /** The data segment sent at the current instant, which later writes of the instant join. */
  private openSegment: Segment | null = null;
  /** The peer's receiver: every segment of a channel goes to the same one. */
  private receiver: SegmentReceiver | null = null;

  readonly clock: VirtualClock;

  constructor(
    readonly local: VirtualReactor,
    private readonly remote: VirtualReactor,
    private readonly onTimeout: () => void,
  ) {
    this.clock = local.network.clock;
  }

  private get network() {
    return this.local.network;
  }

  /**
   * Send `bytes` (the caller's own copy) after everything sent before. Data written at the
   * same instant as the data segment before it joins that segment while it is on its way and
   * has room (what Node's corking of writes within a turn, and TCP, do): a server fanning out
   * line after line costs one delivery per peer and instant, not one per line.
   */
  sendData(receiver: SegmentReceiver, bytes: Uint8Array): void {
    const open = this.openSegment;
    if (open !== null && !open.arrived && open.sentAt === this.local.seconds()) {
      if (open.size + bytes.byteLength <= this.network.settings.segmentSize) {
        open.join(bytes);
        // The extra bytes occupy the link too (the segment itself keeps its arrival time).
        this.network.occupyLink(this.local, this.remote, bytes.byteLength);
        return;
      }
    }
    this.send(receiver, 'data', bytes);
  }

  /** Send the FIN, or the handshake's final packet, after everything sent before it. */
  sendControl(receiver: SegmentReceiver, kind: 'fin' | 'ack'): void {
    this.send(receiver, kind, NO_BYTES);
  }

  private send(receiver: SegmentReceiver, kind: Segment['kind'], bytes: Uint8Array): void {
    this.receiver = receiver;
    this.openSegment = null;
    const segment = new Segment(this, kind, this.nextSendSeq++, bytes, bytes.byteLength);
    if (this.blocked.length > 0 || !this.network.reachable(this.local, this.remote)) {
      if (this.blocked.length === 0) {
        this.blockedSince = this.local.seconds();
        this.retransmissions = 0;
      }
      this.blocked.push(segment);
      this.armRetransmission();
      return;
    }
    this.transmit(segment);
  }

  /**
   * A segment arrived: hand it and any that were waiting for it to `process`, in order, while
   * `process` returns true (false: the connection closed, the rest is of no use).
   */
  receive(segment: Segment, process: (segment: Segment) => boolean): void {
    const waiting = this.outOfOrder;
    const seq = segment.streamSeq;
    if (seq !== this.expectedSeq) {
      // Jitter let it overtake: it waits (in a small window) for those before it.
      if (seq > this.expectedSeq) waiting[seq - this.expectedSeq - 1] = segment;
      return;
    }
    let next = segment;
    for (;;) {
      this.expectedSeq++;
      const after = waiting.length > 0 ? waiting.shift() : undefined;
      if (!process(next) || after === undefined) return;
      next = after;
    }
  }

  /** Stop every retransmission: the connection is gone. */
  cancel(): void {
    this.epoch++;
    this.blocked.length = 0;
    if (this.retransmitCall?.active()) this.retransmitCall.cancel();
    this.retransmitCall = null;
  }

  /** @internal A segment of ours reached the peer. */
  arrived(segment: Segment): void {
    segment.arrived = true;
    if (this.openSegment === segment) this.openSegment = null;
    if (segment.epoch !== this.epoch) return;
    segment.seal();
    this.receiver!(segment);
  }

  /** Put one segment on the wire; a lost one is retransmitted until it arrives or times out. */
  private transmit(segment: Segment): void {
    // No per-segment cancellation state: a segment of a cancelled channel is dropped on arrival.
    segment.epoch = this.epoch;
    if (segment.kind === 'data') {
      segment.sentAt = this.local.seconds();
      this.openSegment = segment;
    }
    const size = segment.size;
    const network = this.network;
    const delay = network.transitIfDelivered(this.local, this.remote, size);
    if (delay !== undefined) {
      this.clock.scheduleCall(segment, delay);
      return;
    }
    const epoch = segment.epoch;
    network.retransmitReliable(
      this.local,
      this.remote,
      size,
      () => this.arrived(segment),
      network.settings.userTimeout,
      () => {
        if (epoch === this.epoch) this.onTimeout();
      },
    );
  }

  private armRetransmission(): void {
    if (this.retransmitCall !== null) return;
    const network = this.network;
    const rto = network.retransmitDelay(this.retransmissions++);
    const left = this.blockedSince + network.settings.userTimeout - this.local.seconds();
    this.retransmitCall = this.local.callLater(Math.max(0, Math.min(rto, left)), () =>
      this.retransmitBlocked(),
    );
  }

  private retransmitBlocked(): void {
    this.retransmitCall = null;
    if (this.blocked.length === 0) return;
    if (this.network.reachable(this.local, this.remote)) {
      for (const segment of this.blocked.splice(0)) this.transmit(segment);
      return;
    }
    const waited = this.local.seconds() - this.blockedSince;
    if (waited >= this.network.settings.userTimeout - 1e-9) {
      this.onTimeout();
      return;
    }
    this.armRetransmission();
  }
}
