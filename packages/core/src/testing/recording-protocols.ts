/**
 * Small protocols tests connect to what they exercise: a {@link Recorder} that keeps every byte
 * it receives and lets the test await n bytes, a pattern, or the connection's end; and an
 * {@link Echo} that also writes back what it receives.
 */
import type { Failure } from '../defer/failure.js';
import { Protocol } from '../protocol/protocol.js';
import { concatBytes } from './string-transport.js';
import { signal, type Signal } from './signal.js';

interface Waiter {
  ready(): boolean;
  resolve(): void;
}

/**
 * Records what happens to it: the chunks received (as delivered), their byte count, and
 * signals at connectionMade and connectionLost.
 */
export class Recorder extends Protocol {
  /** Copies of the chunks dataReceived() got, in order (a transport may reuse its buffers). */
  readonly chunks: Uint8Array[] = [];
  /** Bytes received so far. */
  received = 0;
  /** Fires at connectionMade. */
  readonly made: Signal<void> = signal();
  /** Fires at connectionLost, with the reason. */
  readonly lost: Signal<Failure> = signal<Failure>();
  /** The reason connectionLost got, or null while connected: for checks without awaiting. */
  lostReason: Failure | null = null;
  private decoded = '';
  private readonly decoder = new TextDecoder();
  private readonly waiters = new Set<Waiter>();

  override connectionMade(): void {
    this.made.resolve();
  }

  override dataReceived(data: Uint8Array): void {
    this.chunks.push(data.slice());
    this.received += data.byteLength;
    this.decoded += this.decoder.decode(data, { stream: true });
    this.wake();
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lostReason = reason;
    this.lost.resolve(reason);
  }

  /** Everything received, decoded as UTF-8 (a character split across chunks is kept whole). */
  text(): string {
    return this.decoded;
  }

  /** Everything received, as one Uint8Array. */
  bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }

  /** Resolves once at least `count` bytes have arrived in total (at once if they have). */
  waitForBytes(count: number): Promise<void> {
    return this.waitUntil(() => this.received >= count);
  }

  /**
   * Resolves with the first match of `pattern` in {@link text} (a string must appear verbatim)
   * once it is there.
   */
  async waitForText(pattern: string | RegExp): Promise<string> {
    const find = (): string | null => {
      if (typeof pattern === 'string') return this.decoded.includes(pattern) ? pattern : null;
      return pattern.exec(this.decoded)?.[0] ?? null;
    };
    await this.waitUntil(() => find() !== null);
    return find()!;
  }

  /** Resolves with the reason once the connection is lost (same as `lost.promise`). */
  waitForLost(): Promise<Failure> {
    return this.lost.promise;
  }

  private waitUntil(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        ready,
        resolve: () => {
          this.waiters.delete(waiter);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) if (waiter.ready()) waiter.resolve();
  }
}

/** A {@link Recorder} that writes back everything it receives. */
export class Echo extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    this.transport.write(data);
  }
}
