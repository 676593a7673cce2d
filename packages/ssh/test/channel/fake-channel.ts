import { Duplex, Writable } from 'node:stream';

/** What a FakeServerChannel sent, in order, as ssh2 would put it on the wire. */
export type ChannelEvent =
  | { kind: 'data'; text: string }
  | { kind: 'stderr'; text: string }
  | { kind: 'exit-status'; status: number }
  | { kind: 'exit-signal'; signal: string }
  | { kind: 'eof' }
  | { kind: 'close' };

/**
 * A stand-in for ssh2's ServerChannel with its behaviour that matters here: writes complete
 * when `window` allows (otherwise they wait for `grantWindow`), `end()` sends EOF then CLOSE,
 * and `exit()` is a no-op once the stream is ending.
 */
export class FakeServerChannel extends Duplex {
  readonly sent: ChannelEvent[] = [];
  readonly stderr: Writable;
  window: number;
  private waiting: Array<() => void> = [];
  private isClosed = false;

  constructor(window = Number.POSITIVE_INFINITY) {
    super({ allowHalfOpen: true, highWaterMark: 16 });
    this.window = window;
    this.stderr = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        // ssh2 sends no packet for an empty write.
        if (chunk.length > 0) this.sent.push({ kind: 'stderr', text: chunk.toString('utf8') });
        callback();
      },
    });
    this.on('prefinish', () => {
      this.sent.push({ kind: 'eof' });
      this.close();
    });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    const send = (): void => {
      if (chunk.length > 0) this.sent.push({ kind: 'data', text: chunk.toString('utf8') });
      this.window -= chunk.length;
      callback();
    };
    if (this.window >= chunk.length) send();
    else this.waiting.push(send);
  }

  /** The peer adjusted the window: send what waited. */
  grantWindow(bytes: number): void {
    this.window += bytes;
    const waiting = this.waiting;
    this.waiting = [];
    for (const send of waiting) send();
  }

  exit(statusOrSignal: number | string): void {
    if (this.writableEnded || this.isClosed) return;
    this.sent.push(
      typeof statusOrSignal === 'number'
        ? { kind: 'exit-status', status: statusOrSignal }
        : { kind: 'exit-signal', signal: statusOrSignal },
    );
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.sent.push({ kind: 'close' });
    queueMicrotask(() => this.emit('close'));
  }

  /** The peer sent data. */
  receive(text: string): void {
    this.push(Buffer.from(text));
  }

  /** The peer sent EOF. */
  receiveEOF(): void {
    this.push(null);
  }

  /** The peer sent CLOSE. */
  receiveClose(): void {
    this.close();
  }
}

/** Let stream callbacks and microtasks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
