import { Failure } from '../../defer/failure.js';
import { ConnectionDone, ConnectionLost } from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import { ProducerFlow } from './producer-flow.js';
import type { IHalfCloseableProtocol, IProtocol } from '../../interfaces/protocol.js';
import type { TLSOptions } from '../../interfaces/tls.js';
import type { IHalfCloseableTransport, ITLSTransport } from '../../interfaces/transport.js';
import { startTLSOn } from '../../tls/tls-layer.js';
import { SegmentChannel, type Segment } from './segment-channel.js';
import type { VirtualReactor } from './virtual-reactor.js';

type Producer = IPushProducer | IPullProducer;
type State = 'handshake' | 'open' | 'closed';

function isHalfCloseable(protocol: IProtocol): protocol is IHalfCloseableProtocol {
  return typeof (protocol as Partial<IHalfCloseableProtocol>).readConnectionLost === 'function';
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
  private ackInFlight: { readonly sentAt: number; bytes: number } | null = null;

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
        unconsumed: () => this.unconsumed,
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

  /** Client side: send the final handshake packet, ahead of anything the protocol writes. */
  sendHandshakeAck(): void {
    this.sendOrdered({ kind: 'ack' });
  }

  // ITransport

  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    if (!this.writable() || data.byteLength === 0) return;
    const size = this.network.settings.segmentSize;
    // Copy: the caller may reuse its buffer, and each peer must get bytes of its own (a Buffer,
    // as from a Node socket; Buffer.from copies from a pool, cheaper than new Uint8Array).
    for (let offset = 0; offset < data.byteLength; offset += size) {
      const bytes = Buffer.from(data.subarray(offset, Math.min(offset + size, data.byteLength)));
      this.unconsumed += bytes.byteLength;
      this.sendOrdered({ kind: 'data', bytes });
    }
    this.flow.wrote();
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
      if (protocol !== null && isHalfCloseable(protocol)) {
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
    return this.unconsumed;
  }

  // Packets from the network

  /** An ordered segment arrived; deliver it and any that were waiting for it, in order. */
  readonly receiveSegment = (seq: number, segment: Segment): void => {
    if (this.state === 'closed') {
      // The kernel of a closed socket answers data with RST.
      if (segment.kind === 'data') this.sendReset();
      return;
    }
    this.channel.receive(seq, segment, this.processSegment);
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

  /** The peer consumed `bytes` of what we sent. */
  receiveWindow(bytes: number): void {
    this.unconsumed -= bytes;
    this.flow.drained();
    this.maybeFinishClose();
  }

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
        this.callProtocol('dataReceived', () => protocol.dataReceived(segment.bytes));
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
    } else if (this.protocol !== null && isHalfCloseable(this.protocol)) {
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
    if (pending !== null && pending.sentAt === now) {
      pending.bytes += bytes;
      return;
    }
    const update = { sentAt: now, bytes };
    this.ackInFlight = update;
    this.network.sendReliable(
      this.local,
      this.remote,
      0,
      () => {
        if (this.ackInFlight === update) this.ackInFlight = null;
        peer.receiveWindow(update.bytes);
      },
      this.network.settings.userTimeout,
    );
  }

  private sendOrdered(segment: Segment): void {
    const peer = this.peerEnd;
    if (peer !== null) this.channel.send(peer.receiveSegment, segment);
  }

  private sendFin(): void {
    if (this.finSent) return;
    this.finSent = true;
    this.sendOrdered({ kind: 'fin' });
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
    if (this.unconsumed > this.network.settings.sendBufferSize) return;
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
