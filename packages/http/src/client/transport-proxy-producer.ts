import type { IPushProducer } from '@tw/core';

/**
 * The producer a response body receiver gets (twisted.web._newclient.TransportProxyProducer):
 * it pauses and resumes the connection's reading while the body is being received, and goes
 * inert once the body is over, so a receiver that pauses late cannot stall the connection after
 * it went back to the pool. A pause still held at that point is released.
 */
export class TransportProxyProducer implements IPushProducer {
  private paused = false;

  constructor(
    private target: IPushProducer | null,
    private readonly onStop: () => void,
    private readonly onPauseChange: (paused: boolean) => void = () => undefined,
  ) {}

  pauseProducing(): void {
    if (this.target === null || this.paused) return;
    this.paused = true;
    this.target.pauseProducing();
    this.onPauseChange(true);
  }

  resumeProducing(): void {
    if (this.target === null || !this.paused) return;
    this.paused = false;
    this.target.resumeProducing();
    this.onPauseChange(false);
  }

  stopProducing(): void {
    if (this.target === null) return;
    this.stopProxying();
    this.onStop();
  }

  /** Detach from the connection, releasing a pause this proxy holds. */
  stopProxying(): void {
    const target = this.target;
    this.target = null;
    if (target !== null && this.paused) {
      this.paused = false;
      target.resumeProducing();
    }
  }
}
