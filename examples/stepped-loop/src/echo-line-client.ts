import { LineReceiver, type IDelayedCall, type IReactorTime } from '@tw/core';

/** What the status line shows about the conversation. */
export interface EchoProgress {
  readonly sent: number;
  readonly echoed: number;
  readonly total: number;
  readonly last: string | null;
  readonly connected: boolean;
  readonly finished: boolean;
  readonly error: string | null;
}

const ECHO_TIMEOUT_SECONDS = 5;

/**
 * Sends `lines` one at a time to an echo server and checks that each comes back. It is an
 * ordinary LineReceiver: it does not know that a host loop drives its reactor.
 */
export class EchoLineClient extends LineReceiver {
  private sent = 0;
  private echoed = 0;
  private last: string | null = null;
  private isOpen = false;
  private finished = false;
  private error: string | null = null;
  private timeout: IDelayedCall | null = null;

  constructor(
    private readonly clock: IReactorTime,
    private readonly lines: readonly string[],
    /** Called when the conversation is over, successfully or not. */
    private readonly onDone: () => void,
  ) {
    super();
  }

  get progress(): EchoProgress {
    return {
      sent: this.sent,
      echoed: this.echoed,
      total: this.lines.length,
      last: this.last,
      connected: this.isOpen,
      finished: this.finished,
      error: this.error,
    };
  }

  /** Send the next line, if the previous one came back. */
  sendNext(): void {
    if (!this.isOpen || this.finished || this.sent > this.echoed) return;
    if (this.sent === this.lines.length) return;
    this.sendLine(this.lines[this.sent]!);
    this.sent++;
    // An echo server answers at once; one that does not is reported rather than waited for.
    this.timeout = this.clock.callLater(ECHO_TIMEOUT_SECONDS, () => {
      this.fail(`no echo within ${ECHO_TIMEOUT_SECONDS} s`);
    });
  }

  override connectionMade(): void {
    this.isOpen = true;
  }

  override lineReceived(line: Uint8Array): void {
    const text = new TextDecoder().decode(line);
    const expected = this.lines[this.echoed];
    if (text !== expected) {
      this.fail(`expected "${expected}" back, got "${text}"`);
      return;
    }
    this.timeout?.cancel();
    this.timeout = null;
    this.echoed++;
    this.last = text;
    if (this.echoed === this.lines.length) {
      this.finished = true;
      this.transport.loseConnection();
    }
  }

  override connectionLost(): void {
    this.isOpen = false;
    if (this.timeout?.active() === true) this.timeout.cancel();
    if (!this.finished && this.error === null) this.error = 'the server closed the connection';
    this.finished = true;
    this.onDone();
  }

  private fail(why: string): void {
    this.error = why;
    this.transport.loseConnection();
  }
}
