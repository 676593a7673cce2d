import type { IRequestBodyStream } from '../interfaces.js';

/** What a body stream asks of its connection. */
export interface BodyStreamControl {
  pauseBody(): void;
  resumeBody(): void;
  stopBody(): void;
  /** The resource attached onData: the body is about to be read (time for 100 Continue). */
  bodyWanted(): void;
}

/**
 * A request body delivered as it arrives (IRequestBodyStream). Chunks that come before the
 * resource sets onData are held, and handed over the moment it does; so is the end.
 */
export class RequestBodyStream implements IRequestBodyStream {
  onError: ((reason: unknown) => void) | null = null;

  private dataHandler: ((chunk: Uint8Array) => void) | null = null;
  private endHandler: (() => void) | null = null;
  private held: Uint8Array[] = [];
  private ended = false;
  private endDelivered = false;
  private failed: unknown = undefined;
  private readonly control: BodyStreamControl;

  constructor(control: BodyStreamControl) {
    this.control = control;
  }

  get onData(): ((chunk: Uint8Array) => void) | null {
    return this.dataHandler;
  }

  set onData(handler: ((chunk: Uint8Array) => void) | null) {
    this.dataHandler = handler;
    if (handler === null) return;
    this.control.bodyWanted();
    this.flush();
  }

  get onEnd(): (() => void) | null {
    return this.endHandler;
  }

  set onEnd(handler: (() => void) | null) {
    this.endHandler = handler;
    this.flush();
  }

  pauseProducing(): void {
    this.control.pauseBody();
  }

  resumeProducing(): void {
    this.control.resumeBody();
  }

  stopProducing(): void {
    this.held = [];
    this.control.stopBody();
  }

  /** @internal A chunk of the body arrived (copied when it has to be held). */
  deliver(chunk: Uint8Array): void {
    if (this.dataHandler !== null) this.dataHandler(chunk);
    else this.held.push(Uint8Array.prototype.slice.call(chunk));
  }

  /** @internal The body is complete. */
  end(): void {
    this.ended = true;
    this.flush();
  }

  /** @internal The body will not complete (bad framing, connection lost). */
  fail(reason: unknown): void {
    if (this.ended || this.failed !== undefined) return;
    this.failed = reason;
    this.onError?.(reason);
  }

  /** Bytes held for a resource that has not attached onData yet. */
  get heldBytes(): number {
    let total = 0;
    for (const chunk of this.held) total += chunk.byteLength;
    return total;
  }

  private flush(): void {
    const handler = this.dataHandler;
    if (handler !== null && this.held.length > 0) {
      const held = this.held;
      this.held = [];
      for (const chunk of held) handler(chunk);
    }
    if (this.ended && !this.endDelivered && this.held.length === 0 && this.endHandler !== null) {
      this.endDelivered = true;
      this.endHandler();
    }
  }
}
