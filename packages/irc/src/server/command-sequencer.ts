import type { IRCMessage } from '../wire/message.js';
import { tryParseMessage } from '../wire/parser.js';
import { LabeledResponse } from './labeled-response.js';

/** Lines a client may send while a command of its waits (a SASL check), before Excess Flood. */
export const MAX_HELD_LINES = 100;

/** What the sequencer needs from its connection. */
export interface SequencedConnection {
  readonly enabledCaps: ReadonlySet<string>;
  readonly config: { readonly serverName: string };
  /** True once the connection is closing: nothing more is run or sent. */
  isClosed(): boolean;
  /** Run one parsed command (errors are the connection's business). */
  runCommand(message: IRCMessage): void;
  /** Write lines to the client, bypassing the sequencer. */
  write(line: Uint8Array): void;
  /** A fresh batch reference. */
  nextBatchId(): string;
  /** Too many lines held: drop the client. */
  overflow(): void;
}

/**
 * Runs a connection's commands one at a time, in order, and ties their replies to them
 * (IRCv3 labeled-response).
 *
 * While a command runs, the replies to its sender are collected when it carried a label. A
 * command that finishes later (a SASL check the account portal delays) calls `suspend()`: the
 * lines that arrive meanwhile wait (at most MAX_HELD_LINES), and `resume(work)` finishes the
 * command, sends its labeled replies, then runs the lines that waited.
 */
export class CommandSequencer {
  /** The replies of the running command, collected to be labeled; null when not labeling. */
  private collecting: LabeledResponse | null = null;
  /** Set while a command runs, so an answer that comes at once is not taken for a late one. */
  private running = false;
  private suspended = false;
  /** The suspended command's labeled response, kept until it finishes. */
  private parked: LabeledResponse | null = null;
  /** Lines that arrived while a command waits; null when nothing waits. */
  private held: string[] | null = null;

  constructor(private readonly connection: SequencedConnection) {}

  /** Handle one line from the client: run it now, or hold it while a command waits. */
  line(line: string): void {
    const connection = this.connection;
    if (connection.isClosed()) return;
    if (this.held !== null) {
      if (this.held.length >= MAX_HELD_LINES) connection.overflow();
      else this.held.push(line);
      return;
    }
    const message = tryParseMessage(line);
    if (message === null) return;
    this.collecting = LabeledResponse.forMessage(connection, message);
    this.running = true;
    try {
      connection.runCommand(message);
    } finally {
      this.running = false;
      if (this.suspended && !connection.isClosed()) {
        this.parked = this.collecting;
        this.collecting = null;
        this.held = [];
      } else {
        this.flush();
      }
    }
  }

  /**
   * Offer a line bound for the client: true when it was taken to be labeled with the running
   * command's replies (the caller then does not send it).
   */
  capture(line: Uint8Array): boolean {
    if (this.collecting === null) return false;
    this.collecting.hold(line);
    return true;
  }

  /** Run `send` with labeling off: for a copy the label does not belong on. */
  unlabeled(send: () => void): void {
    const collecting = this.collecting;
    this.collecting = null;
    try {
      send();
    } finally {
      this.collecting = collecting;
    }
  }

  /** Send the running command's replies now: labeled, batched, or an ACK. */
  flush(): void {
    const collecting = this.collecting;
    if (collecting === null) return;
    this.collecting = null;
    for (const line of collecting.finish(this.connection.nextBatchId())) {
      this.connection.write(line);
    }
  }

  /** The running command finishes later: hold what follows until `resume`. */
  suspend(): void {
    this.suspended = true;
  }

  /** Finish the suspended command with `work`, then run the lines that waited, in order. */
  resume(work: () => void): void {
    if (this.connection.isClosed()) return;
    this.suspended = false;
    if (this.running) {
      // The answer came at once, still inside the command: nothing was held.
      work();
      return;
    }
    this.collecting = this.parked;
    this.parked = null;
    try {
      work();
    } finally {
      this.flush();
    }
    const held = this.held ?? [];
    this.held = null;
    for (let i = 0; i < held.length; i++) {
      if (this.isHolding()) {
        // A held line suspended input again: the rest keep waiting, still in order.
        this.held!.push(...held.slice(i));
        return;
      }
      this.line(held[i]!);
    }
  }

  private isHolding(): boolean {
    return this.held !== null;
  }
}
