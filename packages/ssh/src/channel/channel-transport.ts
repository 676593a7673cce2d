/**
 * An SSH session channel (ssh2's ServerChannel or ClientChannel) as a @tw/core transport, so any
 * Protocol from any package runs over `ssh host command` exactly as it runs over TCP.
 */
import {
  ConnectionDone,
  ConnectionLost,
  Failure,
  UnsupportedTransportFeature,
  type Address,
  type IHalfCloseableTransport,
  type IProtocol,
  type IPullProducer,
  type IPushProducer,
} from '@tw/core';
import type { Readable, Writable } from 'node:stream';

import type {
  ChannelAwareProtocol,
  ChannelExit,
  ChannelTransportOptions,
  PtyInfo,
  SSHChannelLike,
} from './channel-types.js';

export type {
  ChannelAwareProtocol,
  ChannelExit,
  ChannelTransportOptions,
  PtyInfo,
  SSHChannelLike,
} from './channel-types.js';

const EMPTY = new Uint8Array(0);

/**
 * An SSH channel as an IHalfCloseableTransport. `write` sends channel data (stdout on the server
 * side), `writeStderr` sends extended data (server side), `writeEOF` sends EOF, `loseConnection`
 * sends what is buffered, then the exit status set with `setExitStatus`/`setExitSignal` (server
 * side), then EOF and CLOSE. Back-pressure is the SSH window: a producer registered here is paused
 * while ssh2 holds data the peer's window has no room for; pauseProducing() stops reading, so
 * ssh2 stops adjusting our receive window and the peer stops sending.
 *
 * Construct it, then call `start()` to attach the protocol (makeConnection) and begin reading.
 */
export class ChannelTransport implements IHalfCloseableTransport {
  readonly channel: SSHChannelLike;
  readonly protocol: ChannelAwareProtocol;
  disconnecting = false;

  private readonly options: ChannelTransportOptions;
  private currentPty: PtyInfo | null;
  private producer: IPushProducer | IPullProducer | null = null;
  private streamingProducer = false;
  private producerPaused = false;
  private pullPending = false;
  private readingPaused = false;
  private started = false;
  private lost = false;
  private eofSent = false;
  private eofReceived = false;
  private aborted = false;
  private closeRequested = false;
  private pendingExit:
    { status: number } | { signal: string; coreDumped: boolean; message: string } | null = null;
  private remoteExit: ChannelExit | null = null;
  private failure: unknown = null;

  constructor(channel: SSHChannelLike, protocol: IProtocol, options: ChannelTransportOptions = {}) {
    this.channel = channel;
    this.protocol = protocol as ChannelAwareProtocol;
    this.options = options;
    this.currentPty = options.pty ?? null;
  }

  /** Attach the protocol (makeConnection) and start delivering channel data to it. */
  start(): this {
    if (this.started) return this;
    this.started = true;
    const channel = this.channel;
    channel.on('data', (data: Uint8Array) => this.deliver(data));
    channel.on('end', () => this.peerEOF());
    channel.on('close', () => this.channelClosed());
    channel.on('error', (error: unknown) => {
      this.failure ??= error;
    });
    channel.on('drain', () => this.setProducerPaused(false));
    if (isReadable(channel.stderr)) {
      channel.stderr.on('data', (data: Uint8Array) => {
        if (this.lost) return;
        this.protocol.errReceived?.(data);
      });
    }
    channel.on('exit', (status: number | null, signal?: string, dump?: boolean, desc?: string) => {
      this.remoteExit = {
        status: typeof status === 'number' ? status : null,
        signal: typeof signal === 'string' ? signal.replace(/^SIG/, '') : null,
        coreDumped: dump === true,
        message: typeof desc === 'string' && desc !== '' ? desc : null,
      };
      this.protocol.exitReceived?.(this.remoteExit);
    });
    try {
      this.protocol.makeConnection(this);
    } catch (error) {
      this.failure ??= error;
      this.abortConnection();
    }
    return this;
  }

  /** The pty the client asked for (server side), or null. */
  get pty(): PtyInfo | null {
    return this.currentPty;
  }

  /** The exit status/signal the remote side reported (client side), or null so far. */
  get exit(): ChannelExit | null {
    return this.remoteExit;
  }

  write(data: Uint8Array): void {
    if (this.lost || this.eofSent || this.aborted) return;
    if (this.disconnecting && this.producer === null) return;
    if (data.length === 0) return;
    const pull = this.producer !== null && !this.streamingProducer && !this.pullPending;
    if (pull) this.pullPending = true;
    const accepted = pull
      ? this.channel.write(data, () => this.pullNext())
      : this.channel.write(data);
    if (!accepted) this.setProducerPaused(true);
  }

  /** A pull producer's last chunk went out: ask it for the next one. */
  private pullNext(): void {
    this.pullPending = false;
    const producer = this.producer;
    if (producer === null || this.streamingProducer || this.lost) return;
    producer.resumeProducing();
  }

  writeSequence(chunks: Iterable<Uint8Array>): void {
    for (const chunk of chunks) this.write(chunk);
  }

  /** Send bytes on the extended-data (stderr) stream. Server side only. */
  writeStderr(data: Uint8Array): void {
    const stderr = this.channel.stderr;
    if (!isWritable(stderr)) {
      throw new UnsupportedTransportFeature('writeStderr', this.describe());
    }
    if (this.lost || this.eofSent || this.aborted || data.length === 0) return;
    if (!stderr.write(data)) {
      this.setProducerPaused(true);
      stderr.once('drain', () => this.setProducerPaused(false));
    }
  }

  /** Record the exit status sent before the channel closes (server side). */
  setExitStatus(status: number): void {
    this.pendingExit = { status: status >>> 0 };
  }

  /** Record an exit signal (name without "SIG", e.g. "TERM") sent before the close (server side). */
  setExitSignal(signal: string, coreDumped = false, message = ''): void {
    this.pendingExit = { signal: signal.replace(/^SIG/, ''), coreDumped, message };
  }

  /** Send EOF after the buffered data; we keep reading. */
  writeEOF(): void {
    if (this.lost || this.eofSent || this.aborted) return;
    this.afterFlush(() => {
      if (this.eofSent || this.lost) return;
      this.eofSent = true;
      this.sendExitIfServer();
      // ssh2 server channels CLOSE right after EOF (on 'finish'); a server side half-close must
      // therefore be the end of the channel, which matches what OpenSSH's sshd does.
      this.channel.end();
      this.callProtocol(() => this.protocol.writeConnectionLost?.());
    });
  }

  loseConnection(): void {
    if (this.disconnecting || this.lost) return;
    this.disconnecting = true;
    if (this.producer !== null) return; // finished when the producer unregisters
    this.finish();
  }

  abortConnection(): void {
    if (this.lost) return;
    this.disconnecting = true;
    this.aborted = true;
    this.channel.close();
  }

  getPeer(): Address {
    return (
      this.options.peer ?? { family: 'custom', scheme: 'ssh-channel', description: this.describe() }
    );
  }

  getHost(): Address {
    return (
      this.options.host ?? { family: 'custom', scheme: 'ssh-channel', description: this.describe() }
    );
  }

  registerProducer(producer: IPushProducer | IPullProducer, streaming: boolean): void {
    if (this.producer !== null) {
      throw new Error(
        'A producer is already registered on this SSH channel; unregisterProducer() first.',
      );
    }
    this.producer = producer;
    this.streamingProducer = streaming;
    this.producerPaused = false;
    if (!streaming) (producer as IPullProducer).resumeProducing();
  }

  unregisterProducer(): void {
    if (this.producer === null) return;
    this.producer = null;
    if (this.disconnecting && !this.lost && !this.aborted) this.finish();
  }

  pauseProducing(): void {
    if (this.readingPaused) return;
    this.readingPaused = true;
    this.channel.pause();
    if (isReadable(this.channel.stderr)) this.channel.stderr.pause();
  }

  resumeProducing(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.channel.resume();
    if (isReadable(this.channel.stderr)) this.channel.stderr.resume();
  }

  stopProducing(): void {
    this.abortConnection();
  }

  /** A window-change request arrived (server side): tell the protocol. */
  windowChanged(cols: number, rows: number, width: number, height: number): void {
    if (this.currentPty !== null)
      this.currentPty = { ...this.currentPty, cols, rows, width, height };
    this.callProtocol(() => this.protocol.terminalSizeChanged?.(cols, rows, width, height));
  }

  /** Ask the remote side to resize its pty (client side). */
  setWindowSize(cols: number, rows: number, width = 0, height = 0): void {
    if (typeof this.channel.setWindow !== 'function') {
      throw new UnsupportedTransportFeature('setWindowSize', this.describe());
    }
    this.channel.setWindow(rows, cols, height, width);
  }

  private finish(): void {
    this.afterFlush(() => {
      if (this.lost || this.aborted) return;
      this.sendExitIfServer();
      if (!this.eofSent) {
        this.eofSent = true;
        this.channel.end();
      }
      this.closeRequested = true;
      this.channel.close();
    });
  }

  /** Run `then` once everything written so far (stdout and stderr) has gone out to ssh2. */
  private afterFlush(then: () => void): void {
    let waiting = 1;
    const done = (): void => {
      waiting -= 1;
      if (waiting === 0) then();
    };
    const stderr = this.channel.stderr;
    if (isWritable(stderr) && !stderr.writableEnded) {
      waiting += 1;
      // A zero-length write completes only after every earlier write has been sent.
      stderr.write(EMPTY, done);
    }
    if (this.channel.writableEnded) done();
    else this.channel.write(EMPTY, done);
  }

  private sendExitIfServer(): void {
    const exit = this.pendingExit;
    if (exit === null || typeof this.channel.exit !== 'function') return;
    this.pendingExit = null;
    try {
      if ('status' in exit) this.channel.exit(exit.status);
      else this.channel.exit(exit.signal, exit.coreDumped, exit.message);
    } catch {
      // exit() throws on a client channel; nothing to send then.
    }
  }

  private deliver(data: Uint8Array): void {
    if (this.lost) return;
    this.callProtocol(() => this.protocol.dataReceived(data));
  }

  private peerEOF(): void {
    if (this.lost || this.eofReceived) return;
    this.eofReceived = true;
    if (typeof this.protocol.readConnectionLost === 'function') {
      this.callProtocol(() => this.protocol.readConnectionLost?.());
    } else {
      this.loseConnection();
    }
  }

  private channelClosed(): void {
    if (this.lost) return;
    this.lost = true;
    this.disconnecting = true;
    const producer = this.producer;
    this.producer = null;
    if (producer !== null) producer.stopProducing();
    const clean =
      !this.aborted &&
      this.failure === null &&
      (this.closeRequested || this.eofReceived || this.eofSent);
    const reason = clean
      ? new Failure(new ConnectionDone('The SSH channel was closed cleanly.'))
      : new Failure(
          new ConnectionLost(
            this.aborted
              ? 'The SSH channel was aborted.'
              : 'The SSH channel was closed without EOF.',
            this.failure === null ? undefined : { cause: this.failure },
          ),
        );
    try {
      this.protocol.connectionLost(reason);
    } catch {
      // A protocol that throws while closing must not take the SSH connection down with it.
    }
  }

  private callProtocol(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.failure ??= error;
      this.abortConnection();
    }
  }

  private setProducerPaused(paused: boolean): void {
    const producer = this.producer;
    if (producer === null || !this.streamingProducer || paused === this.producerPaused) return;
    this.producerPaused = paused;
    if (paused) (producer as IPushProducer).pauseProducing();
    else producer.resumeProducing();
  }

  private describe(): string {
    return this.options.description ?? 'SSH channel';
  }
}

function isReadable(stream: Readable | Writable): stream is Readable {
  return typeof (stream as Readable).read === 'function';
}

function isWritable(stream: Readable | Writable): stream is Writable {
  return (
    typeof (stream as Writable).write === 'function' &&
    typeof (stream as Readable).read !== 'function'
  );
}
