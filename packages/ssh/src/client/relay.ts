import { Protocol, isHalfCloseableTransport, type Failure } from '@tw/core';

/**
 * One side of a byte relay (port forwarding): what arrives here is written to the other side,
 * with back-pressure (each transport is the other's producer) and half-close passed through
 * (EOF on one side becomes writeEOF on the other when it can half-close, else a close).
 *
 * Data that arrives before the other side exists is held; the side opened first pauses its
 * transport until `RelayProtocol.pair` joins them, so that buffer stays small.
 */
export class RelayProtocol extends Protocol {
  private peer: RelayProtocol | null = null;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private eofReceived = false;
  private lost = false;
  private readonly maxHeldBytes: number;

  constructor(maxHeldBytes = 1024 * 1024) {
    super();
    this.maxHeldBytes = maxHeldBytes;
  }

  /** Join two connected sides; data held by either is delivered now. */
  static pair(a: RelayProtocol, b: RelayProtocol): void {
    a.peer = b;
    b.peer = a;
    a.transport.registerProducer(b.transport, true);
    b.transport.registerProducer(a.transport, true);
    a.flushTo(b);
    b.flushTo(a);
    a.transport.resumeProducing();
    b.transport.resumeProducing();
  }

  /** Hold this side's reading until paired. */
  holdUntilPaired(): void {
    this.transport.pauseProducing();
  }

  override dataReceived(data: Uint8Array): void {
    if (this.peer !== null) {
      this.peer.transport.write(data);
      return;
    }
    this.heldBytes += data.length;
    if (this.heldBytes > this.maxHeldBytes) {
      this.transport.abortConnection();
      return;
    }
    this.held.push(data);
  }

  readConnectionLost(): void {
    this.eofReceived = true;
    const peer = this.peer;
    if (peer === null) return;
    if (peer.eofReceived) {
      this.transport.loseConnection();
      peer.transport.loseConnection();
    } else if (isHalfCloseableTransport(peer.transport)) {
      peer.transport.writeEOF();
    } else {
      peer.transport.loseConnection();
    }
  }

  writeConnectionLost(): void {
    // Our write side is shut; the read side stays open until the peer ends it.
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lost = true;
    const peer = this.peer;
    if (peer !== null && !peer.lost) {
      try {
        peer.transport.unregisterProducer();
      } catch {
        // nothing registered
      }
      peer.transport.loseConnection();
    }
  }

  /** Drop the relay when its other side could not be opened. */
  abandon(): void {
    this.transport.abortConnection();
  }

  private flushTo(other: RelayProtocol): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const chunk of held) other.transport.write(chunk);
    if (this.eofReceived) this.readConnectionLost();
  }
}
