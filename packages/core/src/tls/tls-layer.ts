/**
 * TLS as a layer over *any* stream transport, the way Twisted's TLSMemoryBIOProtocol does it:
 * a protocol (TLSProtocolWrapper) sits on the plain transport, runs node:tls over a Duplex fed
 * with the plain transport's bytes, and offers the application protocol a transport whose
 * writes are encrypted. The same code gives TLS over TCP, an SSH channel or a memory pipe.
 */
import type * as tls from 'node:tls';

import { ConnectionDone, ConnectionLost } from '../errors/connection.js';
import { Failure } from '../defer/failure.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { IHandshakeListener, TLSOptions } from '../interfaces/tls.js';
import type { ITransport } from '../interfaces/transport.js';
import { toNodeClientOptions, toNodeServerOptions, wrapSocketInTLS } from './node-tls.js';
import { PlainTransportDuplex } from './plain-transport-duplex.js';
import { TLSTransport, type TLSLayerControl } from './tls-transport.js';

export type TLSSide = 'client' | 'server';

export interface TLSProtocolWrapperOptions {
  /**
   * Client side: the host name to verify the server's certificate against when
   * `TLSOptions.serverName` is not set. Defaults to the plain transport's peer IP address
   * (then the certificate needs that IP in its subjectAltName); over transports without an IP
   * peer (memory pipes, SSH channels) set `serverName`, or the name checked is "localhost".
   */
  readonly host?: string;
  /**
   * The application protocol is already connected (STARTTLS): do not call its makeConnection()
   * again, only point its `transport` at the TLS transport. Used by startTLSOn().
   */
  readonly alreadyConnected?: boolean;
}

/**
 * The protocol attached to a plain transport when TLS runs over it. It owns the TLS session
 * and drives the application protocol (`wrappedProtocol`) through a TLSTransport.
 *
 * Call grammar, as seen by the application protocol: makeConnection(tlsTransport) at once (writes
 * are held until the handshake is done) → handshakeCompleted() if it has one → dataReceived(
 * plaintext)* → connectionLost(reason) once both the TLS session and the plain transport are
 * closed. `reason` is ConnectionDone for a clean close, ConnectionLost otherwise; a TLS failure
 * (handshake, verification) is ConnectionLost with the TLS error as its `cause`.
 */
export class TLSProtocolWrapper implements IProtocol, TLSLayerControl {
  readonly wrappedProtocol: IProtocol;
  readonly options: TLSOptions;
  readonly side: TLSSide;
  /** The transport the application protocol writes to. */
  readonly tlsTransport: TLSTransport;
  /** The factory that built this wrapper, when one did. */
  factory: IProtocolFactory | null = null;

  private readonly layerOptions: TLSProtocolWrapperOptions;
  private plain: ITransport | null = null;
  private socket: tls.TLSSocket | null = null;
  private duplex: PlainTransportDuplex | null = null;
  private established = false;
  /** The first thing that went wrong: a TLS error, or an exception from the application. */
  private failure: unknown = null;
  private abortedByApplication = false;
  private plainLostReason: Failure | null = null;
  private tlsClosed = false;
  private reported = false;
  private readingPausedByBuffer = false;
  private plainReadingPaused = false;

  constructor(
    wrappedProtocol: IProtocol,
    options: TLSOptions,
    side: TLSSide,
    layerOptions: TLSProtocolWrapperOptions = {},
  ) {
    this.wrappedProtocol = wrappedProtocol;
    this.options = options;
    this.side = side;
    this.layerOptions = layerOptions;
    this.tlsTransport = new TLSTransport(this);
  }

  get plainTransport(): ITransport {
    if (this.plain === null)
      throw new Error(
        'TLSProtocolWrapper has no plain transport yet: makeConnection() has not been called.',
      );
    return this.plain;
  }

  get tlsEstablished(): boolean {
    return this.established;
  }

  makeConnection(transport: ITransport): void {
    this.plain = transport;
    this.connectionMade();
  }

  connectionMade(): void {
    const plain = this.plainTransport;
    const duplex = new PlainTransportDuplex({
      write: (data) => {
        if (this.plainLostReason === null) plain.write(data);
      },
      close: () => {
        if (this.plainLostReason === null) plain.loseConnection();
      },
      readWanted: () => {
        this.readingPausedByBuffer = false;
        this.updatePlainReading();
      },
    });
    const socket = wrapSocketInTLS(
      duplex,
      this.options,
      this.side,
      this.layerOptions.host ?? peerHostOf(plain),
    );
    this.duplex = duplex;
    this.socket = socket;
    socket.on('data', (data: Buffer) =>
      this.deliver(() => this.wrappedProtocol.dataReceived(data)),
    );
    socket.on(this.side === 'client' ? 'secureConnect' : 'secure', () => {
      // A server socket whose client failed verification is destroyed by an earlier listener.
      if (socket.destroyed) return;
      this.established = true;
      const listener = this.wrappedProtocol as Partial<IHandshakeListener>;
      if (typeof listener.handshakeCompleted === 'function') {
        this.deliver(() => listener.handshakeCompleted?.());
      }
    });
    socket.on('error', (error: Error) => this.recordFailure(error));
    socket.on('close', () => this.tlsSessionClosed());
    this.tlsTransport.attach(socket);

    if (this.layerOptions.alreadyConnected === true) {
      // Protocol's `transport` setter; a bare IProtocol simply gains the property.
      (this.wrappedProtocol as { transport?: unknown }).transport = this.tlsTransport;
    } else {
      this.deliver(() => this.wrappedProtocol.makeConnection(this.tlsTransport));
    }
  }

  /** Ciphertext from the peer. */
  dataReceived(data: Uint8Array): void {
    const duplex = this.duplex;
    if (duplex === null || this.tlsClosed) return;
    if (!duplex.receive(data)) {
      this.readingPausedByBuffer = true;
      this.updatePlainReading();
    }
  }

  /** The plain transport is gone; node:tls sees end-of-stream (clean) or is torn down. */
  connectionLost(reason: Failure): void {
    if (this.plainLostReason !== null) return;
    this.plainLostReason = reason;
    if (this.tlsClosed) {
      this.reportConnectionLost();
    } else if (reason.check(ConnectionDone) !== null) {
      // Decrypted data still queued in node:tls reaches the application before connectionLost.
      this.duplex?.receiveEnd();
    } else {
      this.socket?.destroy();
    }
  }

  /**
   * Only the decrypted stream is paused. The handshake and TLS's own records must keep flowing,
   * so the plain transport is paused by back-pressure instead: node:tls stops reading once its
   * buffer is full, the Duplex's buffer then fills, and receive() returning false pauses it.
   */
  setApplicationReadingPaused(paused: boolean): void {
    if (paused) this.socket?.pause();
    else this.socket?.resume();
  }

  abort(): void {
    this.abortedByApplication = true;
    this.socket?.destroy();
    if (this.plainLostReason === null) this.plain?.abortConnection();
  }

  /** Run application code; an exception drops the connection instead of escaping into node:tls. */
  private deliver(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.recordFailure(error);
      this.socket?.destroy();
    }
  }

  private recordFailure(error: unknown): void {
    if (this.failure === null) this.failure = error;
  }

  private tlsSessionClosed(): void {
    this.tlsClosed = true;
    this.tlsTransport.connectionEnded();
    if (this.plainLostReason === null) {
      // node:tls is done (close_notify exchanged, or it failed): close what it ran over.
      if (this.failure !== null || this.abortedByApplication) this.plain?.abortConnection();
      else this.plain?.loseConnection();
    } else {
      this.reportConnectionLost();
    }
  }

  private reportConnectionLost(): void {
    if (this.reported) return;
    this.reported = true;
    this.wrappedProtocol.connectionLost(this.lossReason());
  }

  private lossReason(): Failure {
    if (this.failure !== null) {
      const message = this.failure instanceof Error ? this.failure.message : String(this.failure);
      const what = this.established
        ? `The TLS connection failed`
        : `The TLS handshake failed (${this.side} side)`;
      return new Failure(new ConnectionLost(`${what}: ${message}`, { cause: this.failure }));
    }
    if (this.abortedByApplication)
      return new Failure(new ConnectionLost('The TLS connection was aborted.'));
    return this.plainLostReason ?? new Failure(new ConnectionDone());
  }

  private updatePlainReading(): void {
    const plain = this.plain;
    const shouldPause = this.readingPausedByBuffer;
    if (plain === null || shouldPause === this.plainReadingPaused || this.plainLostReason !== null)
      return;
    this.plainReadingPaused = shouldPause;
    if (shouldPause) plain.pauseProducing();
    else plain.resumeProducing();
  }
}

/**
 * Switch a connected protocol to TLS mid-stream (STARTTLS) over a transport that has no TLS of
 * its own — a memory pipe, an SSH channel. Returns the TLS layer, which the caller (the plain
 * transport's startTLS()) installs as its protocol from now on: incoming bytes and
 * connectionLost go to it. The application protocol's `transport` is pointed at the layer's TLS
 * transport, so its writes from now on are encrypted; bytes written before the call went out in
 * clear, as ITLSTransport.startTLS promises.
 *
 * @throws TLSOptionsError when `options` ask for something refused (e.g. TLS below 1.2).
 */
export function startTLSOn(
  transport: ITransport,
  protocol: IProtocol,
  options: TLSOptions,
  side: TLSSide,
  layerOptions: Omit<TLSProtocolWrapperOptions, 'alreadyConnected'> = {},
): TLSProtocolWrapper {
  validateTLSOptions(options, side);
  const wrapper = new TLSProtocolWrapper(protocol, options, side, {
    ...layerOptions,
    alreadyConnected: true,
  });
  wrapper.makeConnection(transport);
  return wrapper;
}

/** Throw TLSOptionsError now, rather than at the first connection, for options we refuse. */
export function validateTLSOptions(options: TLSOptions, side: TLSSide): void {
  if (side === 'server') toNodeServerOptions(options);
  else toNodeClientOptions(options, '');
}

function peerHostOf(transport: ITransport): string | undefined {
  try {
    const peer = transport.getPeer();
    return peer.family === 'IPv4' || peer.family === 'IPv6' ? peer.host : undefined;
  } catch {
    return undefined;
  }
}
