import { Failure } from '../../defer/failure.js';
import { ConnectionDone, ConnectionLost } from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import { ProducerFlow } from './producer-flow.js';
import type { IProtocol, IProtocolFactory } from '../../interfaces/protocol.js';
import { Protocol } from '../../protocol/protocol.js';
import type { TLSOptions } from '../../interfaces/tls.js';
import type { IHalfCloseableTransport, ITLSTransport } from '../../interfaces/transport.js';
import { startTLSOn } from '../../tls/tls-layer.js';
import { SegmentChannel, type Segment } from './segment-channel.js';
import type { VirtualReactor } from './virtual-reactor.js';
import { isHalfCloseableProtocol } from '../../transport/capabilities.js';

type Producer = IPushProducer | IPullProducer;
type State = 'handshake' | 'open' | 'closed';

/** A window update: the peer consumed `bytes` of what its other side sent. */
interface WindowUpdate {
  readonly sentAt: number;
  bytes: number;
  /** Applied to the sender's count: later consumption needs an update of its own. */
  applied: boolean;
  /** When it reaches the sender (for updates applied lazily, see windowUpdateOnItsWay). */
  arrivesAt: number;
}

export interface VirtualStreamOptions {
  readonly local: VirtualReactor;
  readonly remote: VirtualReactor;
  readonly side: 'client' | 'server';
  readonly host: Address;
  readonly peer: Address;
  /** The name a client checks the server's certificate against on startTLS(). */
  readonly peerHostName?: string;
}

/**
 * One side of a stream connection on the simulated network: a full ITransport with TCP's
 * observable behaviour. Bytes go out as segments (at most `segmentSize` bytes) that arrive in
 * order after the link's delays; lost or partitioned segments are retransmitted, and a
 * connection whose segment stays undelivered for `userTimeout` is dropped (ConnectionLost).
 *
 * Back-pressure: bytes written and not yet consumed by the peer's protocol count against
 * `sendBufferSize`; past it a streaming producer is paused, below half it is resumed. When the
 * peer pauses its reading the bytes wait in its receive queue, unacknowledged, so the sender
 * is paused in turn.
 *
 * Closing mirrors SocketTransport: loseConnection() waits for a registered producer, then
 * sends FIN after the data and reports ConnectionDone once what is unconsumed fits the send
 * buffer (the "kernel" keeps retransmitting the rest); abortConnection() sends RST and reports
 * ConnectionLost; data arriving for a closed side is answered with RST.
 */
export class VirtualStreamTransport implements ITLSTransport, IHalfCloseableTransport {
  disconnecting = false;
  protocol: IProtocol | null = null;
  /** The other side, known once the handshake reached it. */
  peerEnd: VirtualStreamTransport | null = null;
  state: State = 'handshake';
  /** Bookkeeping of the port/connector/reactor; called after connectionLost(). */
  onClosed: ((transport: VirtualStreamTransport, reason: Failure) => void) | null = null;
  /** Handshake packets a connector or port wants to hear about. */
  onHandshakeReset: (() => void) | null = null;
  onHandshakeAck: (() => void) | null = null;
  /** Client side: the server's SYN-ACK arrived, carrying its side of the connection. */
  onSynAck: ((serverEnd: VirtualStreamTransport) => void) | null = null;

  readonly local: VirtualReactor;
  readonly remote: VirtualReactor;
  readonly side: 'client' | 'server';
  private readonly hostAddress: Address;
  private readonly peerAddress: Address;
  private readonly peerHostName: string | undefined;

  private readonly channel: SegmentChannel;
  /** Bytes written and not yet consumed by the peer's protocol. */
  private unconsumed = 0;
  /** Segments that arrived while our reading was paused. */
  private readonly inbox: Segment[] = [];
  private readingPaused = false;
  private drainScheduled = false;
  /** The window update on its way to the peer, while more may still be added to it. */
  private ackInFlight: WindowUpdate | null = null;
  /**
   * The peer's window updates on their way while nothing waits for them: no timer each, they
   * are applied when the count is next looked at (see windowUpdateOnItsWay).
   */
  private readonly lazyWindow: WindowUpdate[] = [];

  private readonly flow: ProducerFlow;

  private aborted = false;
  private finSent = false;
  private finReceived = false;
  private eofWritten = false;
  /** loseConnection()'s FIN is sent: ConnectionDone follows once the buffer fits. */
  private closing = false;
  private closeScheduled = false;

  constructor(options: VirtualStreamOptions) {
    this.local = options.local;
    this.remote = options.remote;
    this.side = options.side;
    this.hostAddress = options.host;
    this.peerAddress = options.peer;
    this.peerHostName = options.peerHostName;
    this.channel = new SegmentChannel(this.local, this.remote, () => this.timedOut());
    this.flow = new ProducerFlow(
      {
        reactor: this.local,
        unconsumed: () => this.unconsumedNow(),
        isOpen: () => this.state === 'open',
        producerFailed: (error) => {
          this.network.report('A producer registered with a virtual transport threw', error);
          this.abortConnection();
        },
      },
      this.local.network.settings.sendBufferSize,
    );
  }

  private get network() {
    return this.local.network;
  }

  // The handshake (driven by the connector and the listening port)

  /** Hand the connection to `protocol`: makeConnection() → connectionMade(). */
  establish(protocol: IProtocol): void {
    this.state = 'open';
    this.protocol = protocol;
    try {
      protocol.makeConnection(this);
    } catch (error) {
      this.failProtocol('connectionMade', error);
    }
  }

  /**
   * Build `factory`'s protocol for this connection and start it. A factory that refuses (null)
   * or throws (reported) gets a throwaway protocol, closed at once — as Node's ports and
   * connectors do.
   */
  establishFrom(factory: IProtocolFactory): void {
    let protocol: IProtocol | null;
    try {
      protocol = factory.buildProtocol(this.peerAddress);
    } catch (error) {
      this.network.report(
        `${factory.constructor.name}.buildProtocol threw; closing the connection`,
        error,
      );
      protocol = null;
    }
    this.establish(protocol ?? new Protocol());
    if (protocol === null) this.loseConnection();
  }

  /** Client side: send the final handshake packet, ahead of anything the protocol writes. */
  sendHandshakeAck(): void {
    const peer = this.peerEnd;
    if (peer !== null) this.channel.sendControl(peer.receiveSegment, 'ack');
  }

  // ITransport

  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    const length = data.byteLength;
    if (!this.writable() || length === 0) return;
    const size = this.network.settings.segmentSize;
    const peer = this.peerEnd;
    // Copy: the caller may reuse its buffer, and each peer must get bytes of its own (a Buffer,
    // as from a Node socket; Buffer.from copies from a pool, cheaper than new Uint8Array).
    for (let offset = 0; offset < length; offset += size) {
      const bytes = Buffer.from(
        offset === 0 && length <= size
          ? data
          : data.subarray(offset, Math.min(offset + size, length)),
      );
      this.unconsumed += bytes.byteLength;
      if (peer !== null) this.channel.sendData(peer.receiveSegment, bytes);
    }
    this.flow.wrote();
    this.windowWaitedFor();
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) this.write(chunk);
  }

  loseConnection(): void {
    if (this.disconnecting || this.state !== 'open') return;
    this.disconnecting = true;
    if (this.flow.producer === null) this.closeAfterFlush();
  }

  abortConnection(): void {
    if (this.state !== 'open' || this.aborted) return;
    this.aborted = true;
    this.disconnecting = true;
    // Like a destroyed socket, connectionLost() comes on a later turn.
    this.local.callLater(0, () => {
      this.sendReset();
      this.closeNow(new ConnectionLost('The connection was aborted.'));
    });
  }

  writeEOF(): void {
    if (this.eofWritten || this.disconnecting || this.state !== 'open') return;
    this.eofWritten = true;
    this.sendFin();
    this.local.callLater(0, () => {
      if (this.state !== 'open') return;
      const protocol = this.protocol;
      if (protocol !== null && isHalfCloseableProtocol(protocol)) {
        this.callProtocol('writeConnectionLost', () => protocol.writeConnectionLost());
      }
      if (this.finReceived) this.closeNow(new ConnectionDone());
    });
  }

  getPeer(): Address {
    return this.peerAddress;
  }

  getHost(): Address {
    return this.hostAddress;
  }

  registerProducer(producer: Producer, streaming: boolean): void {
    if (this.state === 'closed' && this.flow.producer === null) {
      producer.stopProducing();
      return;
    }
    this.flow.register(producer, streaming);
    this.windowWaitedFor();
  }

  unregisterProducer(): void {
    this.flow.unregister();
    if (this.disconnecting && !this.aborted && this.state === 'open') this.closeAfterFlush();
  }

  /** Pause reading: what arrives waits, unacknowledged, so the sender is slowed down. */
  pauseProducing(): void {
    this.readingPaused = true;
  }

  resumeProducing(): void {
    this.readingPaused = false;
    this.scheduleInboxDrain();
  }

  stopProducing(): void {
    this.loseConnection();
  }

  /** Switch to TLS now through core's TLS layer (which runs over any stream transport). */
  startTLS(options: TLSOptions): void {
    if (this.state !== 'open' || this.disconnecting || this.protocol === null) return;
    const layer = startTLSOn(this, this.protocol, options, this.side, {
      ...(this.peerHostName === undefined ? {} : { host: this.peerHostName }),
    });
    this.protocol = layer;
  }

  /** How many bytes written here the peer's protocol has not consumed yet. */
  get bufferedAmount(): number {
    return this.unconsumedNow();
  }

  // Packets from the network

  /** An ordered segment arrived; deliver it and any that were waiting for it, in order. */
  readonly receiveSegment = (segment: Segment): void => {
    if (this.state === 'closed') {
      // The kernel of a closed socket answers data with RST.
      if (segment.kind === 'data') this.sendReset();
      return;
    }
    this.channel.receive(segment, this.processSegment);
  };

  /** The next in-order segment: the handshake's end, or data/FIN for the protocol. */
  private readonly processSegment = (segment: Segment): boolean => {
    if (segment.kind === 'ack') {
      this.onHandshakeAck?.();
    } else if (this.readingPaused || this.inbox.length > 0 || this.drainScheduled) {
      this.inbox.push(segment);
    } else {
      this.consume(segment);
    }
    return this.state !== 'closed';
  };

  /**
   * @internal A window update from the peer is on its way and arrives in `delay` seconds.
   * While nothing waits for room (a paused or pull producer, a close waiting for the buffer to
   * fit), it gets no timer: it is applied when the count is next looked at, after its arrival
   * time. Most connections never wait, and this halves the events of a busy simulation.
   */
  windowUpdateOnItsWay(update: WindowUpdate, delay: number): void {
    if (this.waitsForWindow()) {
      this.remote.callLater(delay, this.receiveWindow, update);
      return;
    }
    this.applyArrivedWindow();
    update.arrivesAt = this.local.seconds() + delay;
    this.lazyWindow.push(update);
  }

  /** @internal A window update that was retransmitted (it crossed a partition) reached us. */
  windowUpdateArrived(update: WindowUpdate): void {
    this.receiveWindow(update);
  }

  /** A window update reached us (on its timer): the peer consumed some of what we sent. */
  private readonly receiveWindow = (update: WindowUpdate): void => {
    if (update.applied) return;
    update.applied = true;
    this.unconsumed -= update.bytes;
    this.flow.drained();
    this.maybeFinishClose();
  };

  /** The peer reset the connection. */
  receiveReset(): void {
    if (this.state === 'closed') return;
    if (this.state === 'handshake') {
      this.state = 'closed';
      this.cancelInFlight();
      this.onHandshakeReset?.();
      return;
    }
    this.cancelInFlight();
    this.closeNow(new ConnectionLost('The connection was reset by the peer.'));
  }

  /** Close without a protocol to tell (a handshake that never completed). */
  discard(sendReset: boolean): void {
    if (sendReset) this.sendReset();
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.cancelInFlight();
  }

  // Internals

  private consume(segment: Segment): void {
    if (segment.kind === 'data') {
      // Twisted stops delivering once we are closing; the bytes are still acknowledged.
      if (!this.disconnecting && this.protocol !== null) {
        const protocol = this.protocol;
        try {
          protocol.dataReceived(segment.bytes);
        } catch (error) {
          this.failProtocol('dataReceived', error);
        }
      }
      this.acknowledge(segment.bytes.byteLength);
      return;
    }
    if (segment.kind !== 'fin') return;
    this.finReceived = true;
    if (this.eofWritten) {
      this.closeNow(new ConnectionDone());
    } else if (this.disconnecting) {
      // Our own FIN is on its way (or waits for the producer): nothing more to do.
    } else if (this.protocol !== null && isHalfCloseableProtocol(this.protocol)) {
      const protocol = this.protocol;
      this.callProtocol('readConnectionLost', () => protocol.readConnectionLost());
    } else {
      // The protocol cannot live half-open: the peer's EOF ends the connection cleanly.
      this.disconnecting = true;
      if (this.flow.producer === null) this.closeAfterFlush();
    }
  }

  private scheduleInboxDrain(): void {
    if (this.drainScheduled || this.inbox.length === 0) return;
    this.drainScheduled = true;
    this.local.callLater(0, () => {
      this.drainScheduled = false;
      while (!this.readingPaused && this.state === 'open' && this.inbox.length > 0) {
        this.consume(this.inbox.shift()!);
      }
    });
  }

  private acknowledge(bytes: number): void {
    const peer = this.peerEnd;
    if (peer === null) return;
    const now = this.local.seconds();
    // One window update per instant, however many segments were consumed in it: later
    // consumption at the same instant rides on the update already on its way.
    const pending = this.ackInFlight;
    if (pending !== null && pending.sentAt === now && !pending.applied) {
      pending.bytes += bytes;
      return;
    }
    const update: WindowUpdate = { sentAt: now, bytes, applied: false, arrivesAt: 0 };
    this.ackInFlight = update;
    const network = this.network;
    const delay = network.transitIfDelivered(this.local, this.remote, 0);
    if (delay !== undefined) {
      peer.windowUpdateOnItsWay(update, delay);
      return;
    }
    network.retransmitReliable(
      this.local,
      this.remote,
      0,
      () => peer.windowUpdateArrived(update),
      network.settings.userTimeout,
      () => {},
    );
  }

  /** The bytes not yet consumed by the peer, as far as the window updates that arrived tell. */
  private unconsumedNow(): number {
    this.applyArrivedWindow();
    return this.unconsumed;
  }

  /** Apply the lazily kept window updates whose arrival time has come. */
  private applyArrivedWindow(): void {
    const updates = this.lazyWindow;
    if (updates.length === 0) return;
    const now = this.local.seconds();
    let kept = 0;
    for (const update of updates) {
      if (update.arrivesAt <= now) {
        update.applied = true;
        this.unconsumed -= update.bytes;
      } else {
        updates[kept++] = update;
      }
    }
    updates.length = kept;
  }

  /** Something waits for room in the send buffer, so window updates must arrive on time. */
  private waitsForWindow(): boolean {
    if (this.flow.waitsForRoom) return true;
    return this.closing && !this.closeScheduled && this.state === 'open';
  }

  /** Something may have started to wait for room: give the lazy window updates their timers. */
  private windowWaitedFor(): void {
    const updates = this.lazyWindow;
    if (updates.length === 0 || !this.waitsForWindow()) return;
    this.applyArrivedWindow();
    const now = this.local.seconds();
    for (const update of updates) {
      this.remote.callLater(update.arrivesAt - now, this.receiveWindow, update);
    }
    updates.length = 0;
  }

  private sendFin(): void {
    if (this.finSent) return;
    this.finSent = true;
    const peer = this.peerEnd;
    if (peer !== null) this.channel.sendControl(peer.receiveSegment, 'fin');
  }

  private sendReset(): void {
    const peer = this.peerEnd;
    if (peer === null) return;
    this.network.sendPacket(this.local, this.remote, 0, () => peer.receiveReset());
  }

  private closeAfterFlush(): void {
    if (this.closing) return;
    this.closing = true;
    this.sendFin();
    this.maybeFinishClose();
  }

  private maybeFinishClose(): void {
    if (!this.closing || this.closeScheduled || this.state !== 'open') return;
    if (this.unconsumedNow() > this.network.settings.sendBufferSize) {
      this.windowWaitedFor();
      return;
    }
    this.closeScheduled = true;
    this.local.callLater(0, () => this.closeNow(new ConnectionDone()));
  }

  /** A segment went undelivered for userTimeout: drop the connection. */
  private timedOut(): void {
    this.cancelInFlight();
    if (this.state === 'closed') return;
    this.sendReset();
    this.closeNow(
      new ConnectionLost(
        `The connection to ${this.remote.hostName} timed out: data went unacknowledged for ` +
          `${this.network.settings.userTimeout} s (a partition or a dead peer).`,
      ),
    );
  }

  private cancelInFlight(): void {
    this.channel.cancel();
  }

  /** Report the end of the connection to the protocol, once. */
  private closeNow(error: ConnectionDone | ConnectionLost): void {
    if (this.state === 'closed') return;
    if (error instanceof ConnectionLost) this.cancelInFlight();
    this.state = 'closed';
    this.disconnecting = true;
    this.inbox.length = 0;
    const reason = new Failure(error);
    this.flow.stop();
    const protocol = this.protocol;
    if (protocol !== null) {
      try {
        protocol.connectionLost(reason);
      } catch (thrown) {
        this.network.report(`${protocol.constructor.name}.connectionLost threw`, thrown);
      }
    }
    this.onClosed?.(this, reason);
  }

  private writable(): boolean {
    if (this.state !== 'open' || this.closing || this.aborted || this.eofWritten) return false;
    return !this.disconnecting || this.flow.producer !== null;
  }

  private callProtocol(callback: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.failProtocol(callback, error);
    }
  }

  /** A protocol callback threw: report it and drop the connection; the simulation goes on. */
  private failProtocol(callback: string, error: unknown): void {
    const name = this.protocol?.constructor.name ?? 'Protocol';
    this.network.report(`${name}.${callback} threw; aborting the connection`, error);
    this.abortConnection();
  }
}
