import { isNumeric } from '../wire/numerics.js';
import { escapeTagValue, formatServerTime } from '../wire/tags.js';
import type { ServerUser } from './user.js';

/** A message the server sends, before per-recipient tags are added. */
export interface OutboundMessage {
  /** `nick!user@host`, the server name, or null for none (ERROR). */
  readonly source: string | null;
  readonly command: string;
  readonly params: readonly string[];
  /** Client-only tags (`+name`) relayed to recipients with message-tags. */
  readonly clientTags?: ReadonlyMap<string, string> | undefined;
  /** The sender's account, shown as `account=` to recipients with account-tag. */
  readonly account?: string | null | undefined;
  /** The IRCv3 `msgid`, shown to recipients with message-tags. */
  readonly msgid?: string | undefined;
}

/**
 * Commands whose last parameter is free text: it always gets the ':' marker, as servers do,
 * so clients that look for it (older ones do) find it.
 */
const TEXT_COMMANDS = new Set([
  'PRIVMSG',
  'NOTICE',
  'QUIT',
  'PART',
  'KICK',
  'TOPIC',
  'AWAY',
  'ERROR',
  'KILL',
  'WALLOPS',
  'SETNAME',
  'FAIL',
]);

/** Numerics whose last parameter is a word or number, not text: sent without the ':'. */
const NUMERICS_WITHOUT_TEXT = new Set([
  '004',
  '221',
  '324',
  '329',
  '333',
  '336',
  '341',
  '346',
  '348',
  '367',
]);

const encoder = new TextEncoder();

/** `command params…` with the trailing-parameter rules applied (no tags, source or CRLF). */
export function formatBody(command: string, params: readonly string[]): string {
  let out = command;
  const last = params.length - 1;
  const forceTrailing =
    TEXT_COMMANDS.has(command) || (isNumeric(command) && !NUMERICS_WITHOUT_TEXT.has(command));
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    if (
      i === last &&
      (forceTrailing || param === '' || param.includes(' ') || param.startsWith(':'))
    ) {
      out += ` :${param}`;
    } else {
      out += ` ${param}`;
    }
  }
  return out;
}

/**
 * One message on its way to many recipients: formatted once per distinct set of tags the
 * recipients asked for (server-time, account-tag, message-tags), so a fan-out to a thousand
 * members costs a handful of encodings, not a thousand.
 */
export class Delivery {
  /** Formatted on the first recipient's demand: a message may have none. */
  private body: string | null = null;
  private readonly cache: (Uint8Array | undefined)[] = [];

  constructor(
    readonly message: OutboundMessage,
    private readonly now: Date,
  ) {}

  /** The bytes for `user`, with exactly the tags its capabilities ask for. */
  bytesFor(user: ServerUser): Uint8Array {
    // Run once per recipient of a fan-out: the capability set is asked directly.
    const caps = user.link.enabledCaps;
    const message = this.message;
    let profile = 0;
    if (caps.has('server-time')) profile |= 1;
    if (message.account != null && caps.has('account-tag')) profile |= 2;
    if (
      (message.clientTags !== undefined || message.msgid !== undefined) &&
      caps.has('message-tags')
    ) {
      profile |= 4;
    }
    let bytes = this.cache[profile];
    if (bytes === undefined) {
      bytes = encoder.encode(this.lineFor(profile));
      this.cache[profile] = bytes;
    }
    return bytes;
  }

  private lineFor(profile: number): string {
    const tags: string[] = [];
    if ((profile & 4) !== 0) {
      for (const [key, value] of this.message.clientTags ?? []) {
        tags.push(value === '' ? key : `${key}=${escapeTagValue(value)}`);
      }
      if (this.message.msgid !== undefined) tags.push(`msgid=${this.message.msgid}`);
    }
    if ((profile & 1) !== 0) tags.push(`time=${formatServerTime(this.now)}`);
    if ((profile & 2) !== 0) tags.push(`account=${escapeTagValue(this.message.account!)}`);
    if (this.body === null) {
      const message = this.message;
      const source = message.source === null ? '' : `:${message.source} `;
      this.body = source + formatBody(message.command, message.params) + '\r\n';
    }
    return tags.length === 0 ? this.body : `@${tags.join(';')} ${this.body}`;
  }
}
