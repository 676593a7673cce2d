import type { IReactorTime } from '@tw/core';

import { formatCTCP } from '../wire/ctcp.js';
import { TokenBucket, type FloodOptions } from './flood.js';

/** The VERSION reply when the options do not give one. */
export const DEFAULT_VERSION_REPLY = '@tw/irc client for Node.js';

/** Automatic CTCP replies: three at once, then one every two seconds; the rest are dropped. */
export const DEFAULT_CTCP_REPLY_RATE: FloodOptions = { burst: 3, perSecond: 0.5 };

/** The CTCP commands answered automatically (CLIENTINFO lists them, with ACTION). */
const ANSWERED = ['ACTION', 'CLIENTINFO', 'PING', 'TIME', 'VERSION'];

/**
 * Answers CTCP VERSION, PING, TIME and CLIENTINFO queries with NOTICE replies, at a bounded
 * rate: a flood of queries from a channel must not make us flood the server (and be killed).
 */
export class CTCPResponder {
  private readonly bucket: TokenBucket;
  private stopped = false;

  constructor(
    reactor: IReactorTime,
    private readonly options: {
      readonly versionReply?: string | null;
      readonly ctcpReplyRate?: FloodOptions;
      readonly now?: () => Date;
    },
    private readonly sendNotice: (target: string, text: string) => void,
  ) {
    this.bucket = new TokenBucket(reactor, options.ctcpReplyRate ?? DEFAULT_CTCP_REPLY_RATE);
  }

  /** Reply to a query from `nick` if it is one we answer and the rate allows; true if replied. */
  answer(nick: string, command: string, params: string): boolean {
    const reply = this.replyFor(command, params);
    if (reply === null || this.stopped || !this.bucket.tryTake()) return false;
    try {
      this.sendNotice(nick, formatCTCP(command, reply));
    } catch {
      return false; // a reply that would not fit in a line (a huge PING token) is not sent
    }
    return true;
  }

  /** Stop answering (the connection is gone). */
  stop(): void {
    this.stopped = true;
  }

  private replyFor(command: string, params: string): string | null {
    switch (command) {
      case 'VERSION': {
        const version = this.options.versionReply;
        return version === null ? null : (version ?? DEFAULT_VERSION_REPLY);
      }
      case 'PING':
        // Echo the token (bounded by the incoming line's own limit) so the sender can time us.
        return params;
      case 'TIME':
        return (this.options.now?.() ?? new Date()).toUTCString();
      case 'CLIENTINFO':
        return ANSWERED.join(' ');
      default:
        return null;
    }
  }
}
