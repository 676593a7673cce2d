import type { EchoProgress } from './echo-line-client.js';

const SPINNER = ['|', '/', '-', '\\'];

/** One frame of the "UI": what the host loop draws on every tick. */
export interface Frame {
  readonly tick: number;
  readonly progress: EchoProgress;
  /** What the last iterate() returned: seconds until a reactor timer is due. */
  readonly nextTimer: number;
}

/**
 * The program's terminal UI: a status line redrawn every tick. On a terminal it rewrites one
 * line in place; when the output is a pipe or a file it prints a line only when the
 * conversation's state changed, so a log stays readable (and a test can read it).
 */
export class StatusLine {
  private lastState = '';

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(frame: Frame): void {
    const state = describe(frame.progress);
    if (this.out.isTTY) {
      const spinner = SPINNER[frame.tick % SPINNER.length];
      const timer = Number.isFinite(frame.nextTimer)
        ? `next timer in ${(frame.nextTimer * 1000).toFixed(0)} ms`
        : 'no timer';
      this.out.write(`\r\x1b[2K${spinner} tick ${frame.tick} | ${state} | ${timer}`);
    } else if (state !== this.lastState) {
      this.out.write(`[tick ${frame.tick}] ${state}\n`);
    }
    this.lastState = state;
  }

  /** Leave the status line and print `text` on its own line. */
  print(text: string): void {
    this.out.write(this.out.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }
}

function describe(progress: EchoProgress): string {
  const counts = `sent ${progress.sent}/${progress.total}, echoed ${progress.echoed}/${progress.total}`;
  const last = progress.last === null ? '' : `, last "${progress.last}"`;
  const state = progress.connected ? 'connected' : progress.finished ? 'closed' : 'connecting';
  return `${state}: ${counts}${last}`;
}
