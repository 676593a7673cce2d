import { Protocol } from '../protocol/protocol.js';

/**
 * A protocol that can stop delivering parsed frames while it is paused (Twisted's
 * `_PauseableMixin`). `pauseProducing()` sets `paused` and pauses the transport's reading; frames
 * already buffered wait until `resumeProducing()`, which also delivers them. A frame handler may
 * call `this.pauseProducing()` to stop the frames after it from being delivered.
 */
export abstract class PauseableProtocol extends Protocol {
  /** True while frame delivery is paused. */
  paused = false;

  pauseProducing(): void {
    this.paused = true;
    if (this.hasTransport) this.transport.pauseProducing();
  }

  resumeProducing(): void {
    this.paused = false;
    if (this.hasTransport) this.transport.resumeProducing();
    // Deliver what was buffered while paused.
    this.dataReceived(new Uint8Array(0));
  }

  stopProducing(): void {
    this.paused = true;
    if (this.hasTransport) this.transport.stopProducing();
  }
}
