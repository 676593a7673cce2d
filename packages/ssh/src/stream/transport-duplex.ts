/**
 * ssh2 speaks to a Node Duplex (the server's `injectSocket(socket)`, the client's `sock`
 * option). This file lets SSH run over *any* @tw/core stream transport (TCP, TLS, Unix, a
 * memory pipe, a WebSocket, another SSH channel): a Protocol attached to the transport feeds
 * a Duplex that ssh2 reads and writes.
 */
import { Duplex } from 'node:stream';

import type { Failure } from '@tw/core';
import { ConnectionDone, Protocol, type Address, type ITransport } from '@tw/core';

/**
 * A Duplex over an @tw transport. Bytes written to it go to `transport.write`; bytes the
 * transport receives are pushed to its readable side. Back-pressure both ways: a full readable
 * buffer pauses the transport's reading; `pauseWrites()` holds the Duplex's write callbacks. `end()` is `loseConnection()`, `destroy()` is
 * `abortConnection()`.
 *
 * It carries the socket-like fields ssh2 reads (`remoteAddress`, `remotePort`, `remoteFamily`,
 * `connecting`, `setNoDelay`, `setTimeout`).
 */
export class TransportDuplex extends Duplex {
  readonly transport: ITransport;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly remoteFamily: string | undefined;
  /** Always false: the transport is connected when the Duplex is made. */
  readonly connecting = false;

  private transportReadingPaused = false;
  private writesPaused = false;
  private heldCallbacks: Array<() => void> = [];
  private transportGone = false;

  constructor(transport: ITransport) {
    super({ allowHalfOpen: false });
    this.transport = transport;
    const peer = transport.getPeer();
    const fields = socketFieldsOf(peer);
    this.remoteAddress = fields.address;
    this.remotePort = fields.port;
    this.remoteFamily = fields.family;
    // Deliberately no producer registered on the transport: a registered producer makes the
    // transport's loseConnection() wait for it, and ssh2 ignores write() back-pressure anyway
    // (its SSH channel windows bound what it queues). `pauseWrites`/`resumeWrites` remain for
    // owners that want to relay the transport's pauses.
  }

  /** Hold write callbacks (the transport is full); for an owner relaying producer pauses. */
  pauseWrites(): void {
    this.writesPaused = true;
  }

  /** Release held write callbacks. */
  resumeWrites(): void {
    this.writesPaused = false;
    const held = this.heldCallbacks;
    this.heldCallbacks = [];
    for (const callback of held) callback();
  }

  /** Bytes the transport received. */
  receive(data: Uint8Array): void {
    if (this.destroyed) return;
    if (!this.push(data) && !this.transportReadingPaused) {
      this.transportReadingPaused = true;
      this.transport.pauseProducing();
    }
  }

  /** The transport closed: cleanly (end of stream) or not (the reason becomes an 'error'). */
  transportLost(reason: Failure): void {
    if (this.transportGone) return;
    this.transportGone = true;
    const held = this.heldCallbacks;
    this.heldCallbacks = [];
    for (const callback of held) callback();
    if (this.destroyed) return;
    if (reason.check(ConnectionDone) !== null) {
      this.push(null);
      // A reader that never drains would keep the stream open forever: close regardless.
      this.once('end', () => this.destroy());
      if (this.readableFlowing !== true) this.destroy();
    } else {
      this.destroy(reason.value instanceof Error ? reason.value : new Error(String(reason.value)));
    }
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  setTimeout(): this {
    return this;
  }

  override _read(): void {
    if (this.transportReadingPaused && !this.transportGone) {
      this.transportReadingPaused = false;
      this.transport.resumeProducing();
    }
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.transportGone) {
      callback();
      return;
    }
    this.transport.write(chunk);
    if (this.writesPaused) this.heldCallbacks.push(() => callback());
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.transportGone) this.transport.loseConnection();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.transportGone) {
      this.transportGone = true;
      this.transport.abortConnection();
    }
    callback(error);
  }
}

/**
 * The Protocol that sits on an @tw transport and feeds a TransportDuplex. `onDuplex` runs in
 * connectionMade with the Duplex to hand to ssh2 (`server.injectSocket(duplex)` or the client's
 * `sock`).
 */
export class TransportDuplexProtocol extends Protocol {
  /** The Duplex, once connected. */
  duplex: TransportDuplex | null = null;

  private readonly onDuplex: ((duplex: TransportDuplex) => void) | null;

  constructor(onDuplex: ((duplex: TransportDuplex) => void) | null = null) {
    super();
    this.onDuplex = onDuplex;
  }

  override connectionMade(): void {
    this.duplex = new TransportDuplex(this.transport);
    this.onDuplex?.(this.duplex);
  }

  override dataReceived(data: Uint8Array): void {
    this.duplex?.receive(data);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.duplex?.transportLost(reason);
  }
}

function socketFieldsOf(peer: Address): {
  address: string | undefined;
  port: number | undefined;
  family: string | undefined;
} {
  switch (peer.family) {
    case 'IPv4':
    case 'IPv6':
      return { address: peer.host, port: peer.port, family: peer.family };
    case 'UNIX':
      return { address: peer.path ?? 'unix', port: undefined, family: 'UNIX' };
    case 'memory':
      return { address: peer.name, port: undefined, family: 'memory' };
    case 'process':
      return { address: `pid:${peer.pid ?? '?'}`, port: undefined, family: 'process' };
    case 'custom':
      return { address: peer.description, port: undefined, family: peer.scheme };
  }
}
