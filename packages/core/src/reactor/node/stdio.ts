import { Buffer } from 'node:buffer';
import type { Readable, Writable } from 'node:stream';

import { Failure } from '../../defer/failure.js';
import { ConnectionDone, ConnectionLost } from '../../errors/connection.js';
import type { Address } from '../../interfaces/address.js';
import type { IPullProducer, IPushProducer } from '../../interfaces/producer.js';
import type { IProtocol } from '../../interfaces/protocol.js';
import type { IReactorTime } from '../../interfaces/reactor.js';
import type { IHalfCloseableTransport } from '../../interfaces/transport.js';
import { PipeWriter } from './process-pipe-writer.js';
import { reportError } from './report-error.js';
import { isHalfCloseableProtocol } from '../../transport/capabilities.js';

export interface StandardIOOptions {
  /** What to read (default `process.stdin`). */
  readonly stdin?: Readable;
  /** What to write (default `process.stdout`). */
  readonly stdout?: Writable;
}

/**
 * A transport over this process's own stdin and stdout (Twisted's `stdio.StandardIO`), so any
 * Protocol can speak through a pipe — typically to the parent that spawned us:
 *
 * ```ts
 * new StandardIO(new MyLineProtocol(), reactor);
 * ```
 *
 * The constructor connects the protocol at once (makeConnection → connectionMade). Flow
 * control is the usual one: a producer registered with the transport is paused while stdout's
 * buffer is full, and pauseProducing() stops reading stdin.
 *
 * Closing: loseConnection() stops reading stdin and ends stdout once what was written has been
 * flushed (and a registered producer unregistered); connectionLost(ConnectionDone) follows.
 * stdin's EOF goes to readConnectionLost() when the protocol is half-closeable, otherwise it
 * closes the connection (ConnectionDone). writeEOF() ends stdout while reading goes on; once
 * both directions are closed the connection is lost (ConnectionDone). An error on either
 * stream (EPIPE: the reader of our stdout went away) ends it with ConnectionLost.
 *
 * When stdout is a real pipe (not the socket pair Node's spawn() creates) Node cannot close
 * it: the reader then sees EOF when this process exits.
 */
export class StandardIO implements IHalfCloseableTransport {
  disconnecting = false;
  /** True until connectionLost() was delivered. */
  connected = true;
  readonly protocol: IProtocol;

  private readonly reactor: IReactorTime;
  private readonly stdin: Readable;
  private readonly stdout: Writable;
  private readonly writer: PipeWriter;
  private readClosed = false;
  private writeClosed = false;
  private eofWritten = false;
  /** abortConnection() or an error: the connection ends with ConnectionLost, never Done. */
  private aborted = false;
  private failure: unknown = undefined;

  constructor(protocol: IProtocol, reactor: IReactorTime, options: StandardIOOptions = {}) {
    this.protocol = protocol;
    this.reactor = reactor;
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.writer = new PipeWriter(this.stdout, (fn) => {
      reactor.callLater(0, fn);
    });
    this.stdout.on('finish', () => this.onWriteClosed());
    this.stdout.on('close', () => this.onWriteClosed());
    this.stdout.on('error', (error: Error) => this.fail(error));
    this.stdin.on('data', (chunk: Buffer | string) => this.onData(chunk));
    this.stdin.on('end', () => this.onReadEOF());
    this.stdin.on('error', (error: Error) => this.fail(error));
    try {
      protocol.makeConnection(this);
    } catch (error) {
      reportError(`${protocol.constructor.name}.makeConnection threw; closing stdio`, error);
      this.fail(error);
    }
  }

  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`write() takes a Uint8Array, got ${typeof data}: encode text first.`);
    }
    if (this.connected && !this.writeClosed) this.writer.write(data);
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) this.write(chunk);
  }

  loseConnection(): void {
    if (this.disconnecting || !this.connected) return;
    this.disconnecting = true;
    this.stopReading();
    if (this.writeClosed) this.reactor.callLater(0, () => this.lose(new ConnectionDone()));
    else this.writer.close();
  }

  abortConnection(): void {
    if (!this.connected || this.aborted) return;
    this.aborted = true;
    this.disconnecting = true;
    this.stopReading();
    this.writer.abort();
    this.reactor.callLater(0, () => this.lose(new ConnectionLost('stdio was aborted.')));
  }

  writeEOF(): void {
    if (this.eofWritten || this.disconnecting || !this.connected) return;
    this.eofWritten = true;
    this.writer.close();
  }

  getPeer(): Address {
    return { family: 'process' };
  }

  getHost(): Address {
    return { family: 'process', pid: process.pid };
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    this.writer.registerProducer(producer, streaming);
  }

  unregisterProducer(): void {
    this.writer.unregisterProducer();
  }

  /** Stop reading stdin (the protocol cannot keep up). */
  pauseProducing(): void {
    if (!this.readClosed) this.stdin.pause();
  }

  resumeProducing(): void {
    if (!this.readClosed) this.stdin.resume();
  }

  stopProducing(): void {
    this.loseConnection();
  }

  private onData(chunk: Buffer | string): void {
    if (this.disconnecting || !this.connected) return; // Twisted stops delivering once closing
    try {
      this.protocol.dataReceived(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    } catch (error) {
      reportError(`${this.protocol.constructor.name}.dataReceived threw; closing stdio`, error);
      this.fail(error);
    }
  }

  private onReadEOF(): void {
    this.readClosed = true;
    if (this.disconnecting || !this.connected) return;
    if (!isHalfCloseableProtocol(this.protocol)) {
      this.loseConnection();
      return;
    }
    try {
      this.protocol.readConnectionLost();
    } catch (error) {
      reportError(`${this.protocol.constructor.name}.readConnectionLost threw`, error);
      this.fail(error);
      return;
    }
    if (this.writeClosed && !this.disconnecting) this.lose(new ConnectionDone());
  }

  private onWriteClosed(): void {
    if (this.writeClosed || !this.connected) return;
    this.writeClosed = true;
    if (this.aborted) return; // abortConnection() or fail() has scheduled connectionLost
    if (this.disconnecting) {
      this.lose(new ConnectionDone());
      return;
    }
    if (this.eofWritten && isHalfCloseableProtocol(this.protocol)) {
      try {
        this.protocol.writeConnectionLost();
      } catch (error) {
        reportError(`${this.protocol.constructor.name}.writeConnectionLost threw`, error);
      }
    }
    // Both directions are closed: nothing more can happen on this connection.
    if (this.readClosed) this.lose(new ConnectionDone());
  }

  private stopReading(): void {
    if (this.readClosed) return;
    this.readClosed = true;
    // Closing our stdin (as Twisted does) also lets the process exit once everything is done.
    this.stdin.destroy();
  }

  /** An error on either stream, or thrown by the protocol: close both and report it. */
  private fail(error: unknown): void {
    if (!this.connected || this.aborted) return;
    this.aborted = true;
    this.failure = error;
    this.disconnecting = true;
    this.stopReading();
    this.writer.abort();
    this.reactor.callLater(0, () =>
      this.lose(new ConnectionLost('stdio failed.', { cause: this.failure })),
    );
  }

  private lose(error: Error): void {
    if (!this.connected) return;
    this.connected = false;
    this.disconnecting = true;
    this.writer.stopProducer();
    try {
      this.protocol.connectionLost(new Failure(error));
    } catch (thrown) {
      reportError(`${this.protocol.constructor.name}.connectionLost threw`, thrown);
    }
  }
}
