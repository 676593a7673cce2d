import type { Readable } from 'node:stream';

/**
 * The reading side of a child's pipe, with a pause that holds: Node resumes every output pipe
 * of a child when the child exits (to drain them), so pause() alone does not keep data — or
 * the pipe's close — from reaching a protocol that asked to stop reading. Whatever arrives
 * while paused is held (the stream is paused again at once, so that is at most a chunk or two)
 * and delivered, followed by the close, on resume().
 */
export class PipeReader {
  private paused = false;
  private held: Buffer[] = [];
  private lostWhilePaused = false;
  private destroyed = false;

  constructor(
    private readonly stream: Readable,
    private readonly onData: (chunk: Buffer) => void,
    private readonly onLost: () => void,
  ) {
    stream.on('error', () => {}); // the 'close' that follows is what the protocol hears
    stream.on('data', (chunk: Buffer) => {
      if (this.destroyed) return;
      if (this.paused) {
        this.held.push(chunk);
        stream.pause();
      } else {
        this.onData(chunk);
      }
    });
    stream.on('close', () => {
      if (this.paused && !this.destroyed) this.lostWhilePaused = true;
      else this.onLost();
    });
  }

  pause(): void {
    this.paused = true;
    this.stream.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    while (this.held.length > 0 && !this.paused && !this.destroyed) {
      this.onData(this.held.shift() as Buffer);
    }
    if (this.paused) return; // the protocol paused again while catching up
    if (this.lostWhilePaused) {
      this.lostWhilePaused = false;
      this.onLost();
      return;
    }
    this.stream.resume();
  }

  /** Stop reading for good; what was held is dropped and the close is reported. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.held = [];
    if (this.lostWhilePaused) {
      this.lostWhilePaused = false;
      this.onLost();
    } else {
      this.stream.destroy();
    }
  }
}
