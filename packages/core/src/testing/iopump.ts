import { ipv4Address } from '../address/address.js';
import { ConnectionDone, ConnectionLost } from '../errors/connection.js';
import type { Address } from '../interfaces/address.js';
import type {
  IHalfCloseableProtocol,
  IProtocol,
  IProtocolFactory,
} from '../interfaces/protocol.js';
import { FakeTransport, isHalfCloseableProtocol } from './fake-transport.js';

/** Cuts the bytes moved in one pump step into the chunks dataReceived() gets. */
export type ChunkSplitter = (data: Uint8Array) => Uint8Array[];

export interface IOPumpOptions {
  /** Deliver at most this many bytes per dataReceived() call. */
  readonly chunkSize?: number;
  /** Or cut each delivery with this function (e.g. from arbitraryChunkSplitter()); wins over chunkSize. */
  readonly split?: ChunkSplitter;
  /** A clock to move on each pump step (a Clock or MemoryReactor). */
  readonly clock?: { advance(seconds: number): void };
  /** Seconds to advance the clock per pump step (default 0: run only what is due now). */
  readonly clockStep?: number;
  /** flush() gives up with an error after this many steps (default 10 000): a protocol that never goes quiet. */
  readonly maxSteps?: number;
}

export interface ConnectedPairOptions extends IOPumpOptions {
  /** Flush once right after connecting, so greetings are exchanged (default true). */
  readonly greet?: boolean;
  readonly serverAddress?: Address;
  readonly clientAddress?: Address;
  /** Outgoing bytes above which a producer registered on either transport is paused (default 64 KiB). */
  readonly bufferSize?: number;
}

/** Two protocols connected in memory, and the pump that moves their bytes. */
export interface ConnectedPair<S extends IProtocol, C extends IProtocol> {
  readonly server: S;
  readonly client: C;
  readonly serverTransport: FakeTransport;
  readonly clientTransport: FakeTransport;
  readonly pump: IOPump;
}

/**
 * Moves bytes between two FakeTransports, one step at a time, deterministically (Twisted's
 * iosim.IOPump). A step takes what each side has written, delivers it to the other side in the
 * chunks the options ask for, lets producers write again, and — once no bytes are moving —
 * carries out half-closes and closes: loseConnection() gives both sides connectionLost with
 * ConnectionDone, abortConnection() both ConnectionLost (unsent bytes discarded).
 */
export class IOPump {
  private readonly split: ChunkSplitter;
  private readonly clock: { advance(seconds: number): void } | undefined;
  private readonly clockStep: number;
  private readonly maxSteps: number;

  constructor(
    readonly client: IProtocol,
    readonly server: IProtocol,
    readonly clientTransport: FakeTransport,
    readonly serverTransport: FakeTransport,
    options: IOPumpOptions = {},
  ) {
    this.split =
      options.split ??
      (options.chunkSize !== undefined ? fixedSizeSplitter(options.chunkSize) : (data) => [data]);
    this.clock = options.clock;
    this.clockStep = options.clockStep ?? 0;
    this.maxSteps = options.maxSteps ?? 10_000;
  }

  /**
   * Pump until nothing moves (no bytes, no closes). Returns whether anything moved at all.
   * Throws after `maxSteps` steps, which means the two sides never go quiet.
   */
  flush(): boolean {
    let movedAny = false;
    for (let step = 0; step < this.maxSteps; step++) {
      if (!this.pump()) return movedAny;
      movedAny = true;
    }
    throw new Error(
      `IOPump.flush() gave up after ${this.maxSteps} steps: the protocols keep sending. ` +
        'Pump step by step with pump(), or raise maxSteps.',
    );
  }

  /** One step: move what is buffered each way, or carry out one pending EOF or close. Returns whether anything happened. */
  pump(): boolean {
    this.clock?.advance(this.clockStep);
    const ends = [this.serverTransport, this.clientTransport] as const;
    for (const end of ends) {
      if (end.aborted && !end.disconnected) {
        this.abort(end);
        return true;
      }
    }
    // Take both buffers before delivering, so replies written during delivery wait a step.
    const fromClient = this.take(this.clientTransport, this.serverTransport);
    const fromServer = this.take(this.serverTransport, this.clientTransport);
    let moved = false;
    if (fromClient !== null)
      moved = this.deliver(fromClient, this.clientTransport, this.serverTransport) || moved;
    if (fromServer !== null)
      moved = this.deliver(fromServer, this.serverTransport, this.clientTransport) || moved;
    this.clientTransport.drained();
    this.serverTransport.drained();
    if (moved) return true;
    // A producer let go by drained() may have written already: that is the next step's work.
    if (ends.some((end) => end.bufferedBytes > 0 && this.peerOf(end).canReceive)) return true;
    for (const end of ends) {
      if (end.eofRequested && !end.eofSent && !end.disconnected && end.bufferedBytes === 0) {
        this.sendEOF(end);
        return true;
      }
    }
    for (const end of ends) {
      if (
        end.disconnecting &&
        !end.disconnected &&
        end.bufferedBytes === 0 &&
        end.producer === null
      ) {
        this.close(end);
        return true;
      }
    }
    return false;
  }

  private peerOf(end: FakeTransport): FakeTransport {
    return end === this.serverTransport ? this.clientTransport : this.serverTransport;
  }

  /** What `from` has buffered, if `to` can take it now; bytes to a closed reader are dropped. */
  private take(from: FakeTransport, to: FakeTransport): Uint8Array | null {
    if (to.readingClosed) {
      from.discardOutgoing();
      return null;
    }
    if (!to.canReceive) return null;
    return from.takeOutgoing();
  }

  private deliver(data: Uint8Array, from: FakeTransport, to: FakeTransport): boolean {
    const pieces = this.split(data).filter((piece) => piece.byteLength > 0);
    let delivered = 0;
    let offset = 0;
    for (const piece of pieces) {
      if (!to.canReceive) break;
      to.protocol.dataReceived(piece);
      delivered++;
      offset += piece.byteLength;
    }
    // The receiver paused (or closed) part-way: what it did not get waits (or is dropped).
    if (offset < data.byteLength && !to.readingClosed) from.putBack(data.subarray(offset));
    return delivered > 0;
  }

  private sendEOF(end: FakeTransport): void {
    end.eofSent = true;
    const peer = this.peerOf(end);
    const writer = end.protocol as Partial<IHalfCloseableProtocol>;
    if (typeof writer.writeConnectionLost === 'function') writer.writeConnectionLost();
    if (peer.disconnected) return;
    if (!isHalfCloseableProtocol(peer.protocol)) {
      // A protocol that cannot half-close is dropped cleanly on EOF, as Twisted's TCP does.
      this.closeBoth(peer, new ConnectionDone(), new ConnectionDone());
      return;
    }
    peer.deliverEOF();
    if (peer.eofSent) this.closeBoth(end, new ConnectionDone(), new ConnectionDone());
  }

  private close(end: FakeTransport): void {
    this.closeBoth(end, new ConnectionDone(), new ConnectionDone());
  }

  private abort(end: FakeTransport): void {
    this.closeBoth(
      end,
      new ConnectionLost('Connection was aborted locally (abortConnection).'),
      new ConnectionLost('Connection was reset by the other side.'),
    );
  }

  /** Close the connection: `first` hears `reason` first, its peer `peerReason`. */
  private closeBoth(first: FakeTransport, reason: Error, peerReason: Error): void {
    const peer = this.peerOf(first);
    first.discardOutgoing();
    peer.discardOutgoing();
    first.deliverConnectionLost(reason);
    peer.deliverConnectionLost(peerReason);
  }
}

/** A splitter that cuts data into chunks of at most `size` bytes. */
export function fixedSizeSplitter(size: number): ChunkSplitter {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`chunkSize must be a whole number of bytes >= 1, got ${String(size)}.`);
  }
  return (data) => {
    const pieces: Uint8Array[] = [];
    for (let offset = 0; offset < data.byteLength; offset += size)
      pieces.push(data.subarray(offset, offset + size));
    return pieces;
  };
}

let nextClientPort = 40000;

/**
 * Connect two protocol instances in memory (Twisted's iosim.connect): the server's
 * makeConnection runs first, then the client's, then — unless `greet: false` — one flush()
 * so what they send on connect is exchanged. Drive the rest with `pump.flush()` / `pump.pump()`.
 */
export function connectedPair<S extends IProtocol, C extends IProtocol>(
  server: S,
  client: C,
  options: ConnectedPairOptions = {},
): ConnectedPair<S, C> {
  const serverAddress = options.serverAddress ?? ipv4Address('TCP', '127.0.0.1', 8000);
  const clientAddress = options.clientAddress ?? ipv4Address('TCP', '127.0.0.1', nextClientPort++);
  const bufferSize = options.bufferSize;
  const serverTransport = new FakeTransport(server, {
    isServer: true,
    host: serverAddress,
    peer: clientAddress,
    ...(bufferSize === undefined ? {} : { bufferSize }),
  });
  const clientTransport = new FakeTransport(client, {
    isServer: false,
    host: clientAddress,
    peer: serverAddress,
    ...(bufferSize === undefined ? {} : { bufferSize }),
  });
  server.makeConnection(serverTransport);
  client.makeConnection(clientTransport);
  const pump = new IOPump(client, server, clientTransport, serverTransport, options);
  if (options.greet ?? true) pump.flush();
  return { server, client, serverTransport, clientTransport, pump };
}

/**
 * Build a server and a client protocol with their factories (each given the other end's
 * address, as a port or connector would) and connect them in memory: Twisted's
 * iosim.connectedServerAndClient.
 */
export function connectedServerAndClient<S extends IProtocol, C extends IProtocol>(
  serverFactory: IProtocolFactory<S>,
  clientFactory: IProtocolFactory<C>,
  options: ConnectedPairOptions = {},
): ConnectedPair<S, C> {
  const serverAddress = options.serverAddress ?? ipv4Address('TCP', '127.0.0.1', 8000);
  const clientAddress = options.clientAddress ?? ipv4Address('TCP', '127.0.0.1', nextClientPort++);
  const server = serverFactory.buildProtocol(clientAddress);
  if (server === null)
    throw new Error('The server factory refused the connection (buildProtocol returned null).');
  const client = clientFactory.buildProtocol(serverAddress);
  if (client === null)
    throw new Error('The client factory refused the connection (buildProtocol returned null).');
  return connectedPair(server, client, { ...options, serverAddress, clientAddress });
}
