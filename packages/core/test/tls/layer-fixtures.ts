import { Protocol } from '../../src/protocol/protocol.js';
import type { Failure } from '../../src/defer/failure.js';

/** A protocol that records what happens to it, with promises to wait for each event. */
export class RecordingProtocol extends Protocol {
  readonly received: Uint8Array[] = [];
  reason: Failure | null = null;
  handshakes = 0;
  readonly lost: Promise<Failure>;
  readonly handshakeDone: Promise<void>;
  /** Resolves at connectionMade. */
  readonly made: Promise<void>;
  private resolveMade!: () => void;
  private resolveLost!: (reason: Failure) => void;
  private resolveHandshake!: () => void;
  private waiters: Array<{ text: string; resolve: () => void }> = [];

  constructor(private readonly onConnect: (self: RecordingProtocol) => void = () => {}) {
    super();
    this.lost = new Promise((resolve) => (this.resolveLost = resolve));
    this.handshakeDone = new Promise((resolve) => (this.resolveHandshake = resolve));
    this.made = new Promise((resolve) => (this.resolveMade = resolve));
  }

  override connectionMade(): void {
    this.resolveMade();
    this.onConnect(this);
  }

  handshakeCompleted(): void {
    this.handshakes += 1;
    this.resolveHandshake();
  }

  override dataReceived(data: Uint8Array): void {
    this.received.push(data.slice());
    const text = this.text();
    this.waiters = this.waiters.filter((w) => {
      if (!text.includes(w.text)) return true;
      w.resolve();
      return false;
    });
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.reason = reason;
    this.resolveLost(reason);
  }

  text(): string {
    return Buffer.concat(this.received).toString('utf8');
  }

  /** Resolves once the received text contains `text`. */
  waitFor(text: string): Promise<void> {
    if (this.text().includes(text)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ text, resolve }));
  }

  send(text: string): void {
    this.transport.write(new TextEncoder().encode(text));
  }
}

/** Echoes every chunk back, prefixed, through its transport. */
export class EchoProtocol extends RecordingProtocol {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    this.transport.write(data);
  }
}

export function wireText(chunks: readonly Uint8Array[]): string {
  return Buffer.concat(chunks).toString('latin1');
}
