import { Factory, IdleTimeout, LineReceiver, type Failure, type IReactorTime } from '@tw/core';
import type { FingerDirectory } from './directory.js';
import { FingerReplies, formatUser, formatUserList, parseFingerQuery } from './wire.js';

/** Limits and switches of a finger server; every field has a default. */
export interface FingerServerOptions {
  /** Longest query line accepted, in bytes, line terminator excluded (default 256). */
  readonly maxQueryLength?: number;
  /** Plans longer than this many bytes are cut, with a note saying so (default 16384). */
  readonly maxPlanBytes?: number;
  /** Answer the empty query with the list of users (default false: RFC 1288 §3.2.2). */
  readonly allowListing?: boolean;
  /** Close connections that send no query within this many seconds; null never (default 30). */
  readonly queryTimeout?: number | null;
}

export const FINGER_DEFAULTS = {
  maxQueryLength: 256,
  maxPlanBytes: 16384,
  allowListing: false,
  queryTimeout: 30,
} as const;

const decoder = new TextDecoder('utf-8');

/**
 * One finger connection (RFC 1288): read one query line, write the answer, close. Forwarding
 * queries (`user@host`) are refused with the RFC's message, and so is the empty query unless
 * listing is allowed. Replies are CRLF-terminated lines with control characters made visible.
 */
export class FingerServer extends LineReceiver {
  override delimiter = new Uint8Array([0x0a]);
  private answered = false;
  private idle: IdleTimeout | null = null;

  constructor(private readonly settings: FingerFactory) {
    super();
    // +1 for the CR that precedes our LF delimiter in a proper CRLF query.
    this.MAX_LENGTH = settings.maxQueryLength + 1;
  }

  override connectionMade(): void {
    this.idle = new IdleTimeout(this.settings.clock, this.settings.queryTimeout, () =>
      this.transport.loseConnection(),
    );
  }

  override lineReceived(raw: Uint8Array): void {
    if (this.answered) return;
    this.answered = true;
    this.idle?.cancel();
    // Whatever the client sends after its query is not ours to read.
    this.setRawMode();
    this.answer(decoder.decode(raw)).then(
      (lines) => this.reply(lines),
      () => this.reply(['finger: the user directory failed; try again later.']),
    );
  }

  override rawDataReceived(): void {}

  override lineLengthExceeded(): void {
    this.answered = true;
    this.idle?.cancel();
    this.reply([FingerReplies.tooLong(this.settings.maxQueryLength)]);
  }

  /**
   * The client half-closed (sent its query, then EOF, as `nc -N` or `tw connect` do): the answer
   * may still be on its way, so only a client that never sent a query is dropped here.
   */
  readConnectionLost(): void {
    if (!this.answered) this.transport.loseConnection();
  }

  writeConnectionLost(): void {}

  override connectionLost(reason: Failure): void {
    this.idle?.cancel();
    super.connectionLost(reason);
  }

  private async answer(line: string): Promise<string[]> {
    const query = parseFingerQuery(line);
    const { directory } = this.settings;
    switch (query.kind) {
      case 'invalid':
        return [FingerReplies.invalid(query.reason)];
      case 'forward':
        return [FingerReplies.forwardingDenied];
      case 'list':
        if (!this.settings.allowListing) return [FingerReplies.listDenied];
        return formatUserList(await directory.list());
      case 'user': {
        const user = await directory.lookup(query.user);
        if (user === null) return [FingerReplies.noSuchUser(query.user)];
        return formatUser(user, query.verbose, this.settings.maxPlanBytes);
      }
    }
  }

  private reply(lines: readonly string[]): void {
    if (!this.connected) return;
    this.transport.write(new TextEncoder().encode(lines.map((line) => `${line}\r\n`).join('')));
    this.transport.loseConnection();
  }
}

/** Builds a FingerServer per connection, all answering from one directory. */
export class FingerFactory extends Factory<FingerServer> {
  readonly maxQueryLength: number;
  readonly maxPlanBytes: number;
  readonly allowListing: boolean;
  readonly queryTimeout: number | null;

  /**
   * @param directory where users are looked up
   * @param clock the reactor (or a test Clock) that times out silent connections
   */
  constructor(
    readonly directory: FingerDirectory,
    readonly clock: IReactorTime,
    options: FingerServerOptions = {},
  ) {
    super();
    this.maxQueryLength = options.maxQueryLength ?? FINGER_DEFAULTS.maxQueryLength;
    this.maxPlanBytes = options.maxPlanBytes ?? FINGER_DEFAULTS.maxPlanBytes;
    this.allowListing = options.allowListing ?? FINGER_DEFAULTS.allowListing;
    this.queryTimeout =
      options.queryTimeout === undefined ? FINGER_DEFAULTS.queryTimeout : options.queryTimeout;
  }

  override buildProtocol(): FingerServer {
    const protocol = new FingerServer(this);
    protocol.factory = this;
    return protocol;
  }
}
