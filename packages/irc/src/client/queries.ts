import { Deferred } from '@tw/core';

import type { IRCMessage } from '../wire/message.js';
import { splitNamesEntry } from './channel-members.js';
import { IRCClientLimitError, IRCCommandError, NoSuchNickError } from './errors.js';

/** One member listed by NAMES: the nick and the prefix symbols before it (`@`, `+`, …). */
export interface NamesEntry {
  readonly nick: string;
  /** Prefix symbols, highest first ('' for none; several with multi-prefix). */
  readonly prefixes: string;
}

/** One row of a WHO reply (352 RPL_WHOREPLY). */
export interface WhoReply {
  /** The channel the row is about, or '*' when none. */
  readonly channel: string;
  readonly username: string;
  readonly host: string;
  readonly server: string;
  readonly nick: string;
  /** The flags field as sent: H/G (here/gone), `*` (IRC operator), channel prefixes. */
  readonly flags: string;
  readonly away: boolean;
  readonly operator: boolean;
  readonly hopcount: number;
  readonly realname: string;
  /** The account, when the server supports WHOX (null when logged out or unknown). */
  readonly account: string | null;
}

/**
 * The WHOX fields asked for: token, channel, user, host, server, nick, flags, hopcount,
 * account, realname — everything 352 has, plus the account. Replies come in this order.
 */
export const WHOX_FIELDS = '%tcuhsnfdar';
/** The query type token marking our WHOX replies (a server echoes it in each 354). */
export const WHOX_TOKEN = '152';

/** What WHOIS told about a user. */
export interface WhoisInfo {
  readonly nick: string;
  username: string | null;
  host: string | null;
  realname: string | null;
  /** The server the user is on (312). */
  server: string | null;
  serverInfo: string | null;
  /** 313 RPL_WHOISOPERATOR was sent. */
  operator: boolean;
  /** Seconds idle (317). */
  idleSeconds: number | null;
  /** Sign-on time (317), when the server gives it. */
  signedOnAt: Date | null;
  /** Channels with prefix symbols as sent (319). */
  channels: string[];
  /** The account name (330 RPL_WHOISACCOUNT). */
  account: string | null;
  /** The away message (301). */
  away: string | null;
  /** 671 RPL_WHOISSECURE: connected over TLS. */
  secure: boolean;
  /** Every other reply line about this nick (e.g. 378, 338, 320), for what is not modelled. */
  readonly other: IRCMessage[];
}

export interface QueryLimits {
  readonly maxNamesEntries: number;
  readonly maxWhoReplies: number;
  readonly maxWhoisLines: number;
}

interface Pending<T> {
  readonly key: string;
  readonly deferred: Deferred<T>;
  error: Error | null;
}

interface NamesPending extends Pending<NamesEntry[]> {
  readonly entries: NamesEntry[];
}
interface WhoPending extends Pending<WhoReply[]> {
  readonly rows: WhoReply[];
}
interface WhoisPending extends Pending<WhoisInfo> {
  readonly info: WhoisInfo;
  lines: number;
}

/** WHOIS numerics that carry a nick in params[1] and belong to a WHOIS reply. */
const WHOIS_NUMERICS = new Set([
  '301', '307', '310', '311', '312', '313', '317', '319', '320', '330', '335', '338', '378',
  '379', '671', '276',
]); // prettier-ignore

/**
 * Matches reply numerics to the NAMES, WHO and WHOIS calls waiting for them. Replies carry the
 * channel, mask or nick they answer, so each goes to the oldest call for that name (compared
 * with the server's case mapping); a call is finished by its end numeric (366, 315, 318).
 *
 * A cancelled call stays in the queue until its end numeric arrives, so its replies are not
 * mistaken for the next call's.
 */
export class PendingQueries {
  private readonly names: NamesPending[] = [];
  private readonly whos: WhoPending[] = [];
  private readonly whoises: WhoisPending[] = [];

  constructor(
    private readonly equals: () => (a: string, b: string) => boolean,
    private readonly prefixSymbols: () => string,
    private readonly limits: QueryLimits,
  ) {}

  /** How many calls wait for replies. */
  get size(): number {
    return this.names.length + this.whos.length + this.whoises.length;
  }

  addNames(channel: string): Deferred<NamesEntry[]> {
    const deferred = new Deferred<NamesEntry[]>();
    this.names.push({ key: channel, deferred, error: null, entries: [] });
    return deferred;
  }

  addWho(mask: string): Deferred<WhoReply[]> {
    const deferred = new Deferred<WhoReply[]>();
    this.whos.push({ key: mask, deferred, error: null, rows: [] });
    return deferred;
  }

  addWhois(nick: string): Deferred<WhoisInfo> {
    const deferred = new Deferred<WhoisInfo>();
    const info: WhoisInfo = {
      nick,
      username: null,
      host: null,
      realname: null,
      server: null,
      serverInfo: null,
      operator: false,
      idleSeconds: null,
      signedOnAt: null,
      channels: [],
      account: null,
      away: null,
      secure: false,
      other: [],
    };
    this.whoises.push({ key: nick, deferred, error: null, info, lines: 0 });
    return deferred;
  }

  /** Offer a numeric to the waiting calls; true when one of them took it. */
  handle(message: IRCMessage): boolean {
    const p = message.params;
    switch (message.command) {
      case '353': // RPL_NAMREPLY <client> <symbol> <channel> :<names>
        return this.onNamesReply(p[2], p[3]);
      case '366': // RPL_ENDOFNAMES <client> <channel>
        return this.finish(this.names, p[1], (q) => q.entries);
      case '352': // RPL_WHOREPLY
        return this.onWhoReply(p);
      case '354': // RPL_WHOSPCRPL (WHOX)
        return this.onWhoxReply(p);
      case '315': // RPL_ENDOFWHO <client> <mask>
        return this.finish(this.whos, p[1], (q) => q.rows, true);
      case '318': // RPL_ENDOFWHOIS <client> <nick>
        return this.finish(this.whoises, p[1], (q) => q.info);
      case '401': // ERR_NOSUCHNICK <client> <nick> :text
      case '406': {
        // ERR_WASNOSUCHNICK
        const query = this.find(this.whoises, p[1]);
        if (query === undefined) return false;
        query.error ??= new NoSuchNickError(p[1] ?? '', message.command, p[2] ?? '');
        return true;
      }
      case '263': // RPL_TRYAGAIN <client> <command> :Please wait: no end numeric follows
        return this.refused(message);
      default:
        if (WHOIS_NUMERICS.has(message.command)) return this.onWhoisLine(message);
        return false;
    }
  }

  /** Fail every waiting call with `error` (the connection is gone). */
  failAll(error: () => Error): void {
    for (const list of [this.names, this.whos, this.whoises] as Pending<unknown>[][]) {
      const waiting = list.splice(0);
      for (const query of waiting) {
        if (!query.deferred.called) query.deferred.errback(error());
      }
    }
  }

  private find<Q extends Pending<unknown>>(list: Q[], key: string | undefined): Q | undefined {
    if (key === undefined) return undefined;
    const equals = this.equals();
    return list.find((query) => equals(query.key, key));
  }

  private finish<Q extends Pending<unknown>>(
    list: Q[],
    key: string | undefined,
    result: (query: Q) => unknown,
    orOldest = false,
  ): boolean {
    // WHO masks may come back rewritten by the server; the oldest WHO is then the one answered.
    const query = this.find(list, key) ?? (orOldest ? list[0] : undefined);
    if (query === undefined) return false;
    list.splice(list.indexOf(query), 1);
    if (query.deferred.called) return true; // cancelled meanwhile
    if (query.error !== null) query.deferred.errback(query.error);
    else query.deferred.callback(result(query));
    return true;
  }

  private refused(message: IRCMessage): boolean {
    const command = (message.params[1] ?? '').toUpperCase();
    const list: Pending<unknown>[] | undefined =
      command === 'NAMES'
        ? this.names
        : command === 'WHO'
          ? this.whos
          : command === 'WHOIS'
            ? this.whoises
            : undefined;
    const query = list?.shift();
    if (query === undefined) return false;
    if (!query.deferred.called) {
      query.deferred.errback(new IRCCommandError(command, message.command, message.params));
    }
    return true;
  }

  private overLimit(query: Pending<unknown>, what: string, limit: number, option: string): void {
    query.error ??= new IRCClientLimitError(what, limit, option);
  }

  private onNamesReply(channel: string | undefined, list: string | undefined): boolean {
    const query = this.find(this.names, channel);
    if (query === undefined || list === undefined) return false;
    const symbols = this.prefixSymbols();
    for (const item of list.split(' ')) {
      if (item === '') continue;
      if (query.entries.length >= this.limits.maxNamesEntries) {
        this.overLimit(query, 'NAMES entries', this.limits.maxNamesEntries, 'maxNamesEntries');
        break;
      }
      query.entries.push(splitNamesEntry(item, symbols));
    }
    return true;
  }

  private onWhoReply(p: readonly string[]): boolean {
    // <client> <channel> <username> <host> <server> <nick> <flags> :<hopcount> <realname>
    const query = this.whos[0];
    if (query === undefined || p.length < 8) return false;
    if (query.rows.length >= this.limits.maxWhoReplies) {
      this.overLimit(query, 'WHO replies', this.limits.maxWhoReplies, 'maxWhoReplies');
      return true;
    }
    const last = p[7] ?? '';
    const space = last.indexOf(' ');
    const flags = p[6] ?? '';
    query.rows.push({
      channel: p[1] ?? '*',
      username: p[2] ?? '',
      host: p[3] ?? '',
      server: p[4] ?? '',
      nick: p[5] ?? '',
      flags,
      away: flags.startsWith('G'),
      operator: flags.includes('*'),
      hopcount: Number.parseInt(space === -1 ? last : last.slice(0, space), 10) || 0,
      realname: space === -1 ? '' : last.slice(space + 1),
      account: null,
    });
    return true;
  }

  private onWhoxReply(p: readonly string[]): boolean {
    // WHOX with WHOX_FIELDS: <client> <token> <channel> <user> <host> <server> <nick> <flags>
    //   <hopcount> <account> :<realname>
    const query = this.whos[0];
    if (query === undefined || p.length < 11 || p[1] !== WHOX_TOKEN) return false;
    if (query.rows.length >= this.limits.maxWhoReplies) {
      this.overLimit(query, 'WHO replies', this.limits.maxWhoReplies, 'maxWhoReplies');
      return true;
    }
    const flags = p[7] ?? '';
    query.rows.push({
      channel: p[2] ?? '*',
      username: p[3] ?? '',
      host: p[4] ?? '',
      server: p[5] ?? '',
      nick: p[6] ?? '',
      flags,
      away: flags.startsWith('G'),
      operator: flags.includes('*'),
      hopcount: Number.parseInt(p[8] ?? '', 10) || 0,
      account: p[9] === undefined || p[9] === '0' ? null : p[9],
      realname: p[10] ?? '',
    });
    return true;
  }

  private onWhoisLine(message: IRCMessage): boolean {
    const p = message.params;
    const query = this.find(this.whoises, p[1]);
    if (query === undefined) return false;
    if (++query.lines > this.limits.maxWhoisLines) {
      this.overLimit(query, 'WHOIS lines', this.limits.maxWhoisLines, 'maxWhoisLines');
      return true;
    }
    const info = query.info;
    const last = p[p.length - 1] ?? '';
    switch (message.command) {
      case '311': // <client> <nick> <username> <host> * :<realname>
        info.username = p[2] ?? null;
        info.host = p[3] ?? null;
        info.realname = p[5] ?? null;
        break;
      case '312': // <client> <nick> <server> :<server info>
        info.server = p[2] ?? null;
        info.serverInfo = p[3] ?? null;
        break;
      case '313':
        info.operator = true;
        break;
      case '317': {
        // <client> <nick> <secs> [<signon>] :seconds idle, signon time
        const idle = Number.parseInt(p[2] ?? '', 10);
        info.idleSeconds = Number.isFinite(idle) ? idle : null;
        const signon = p.length > 4 ? Number.parseInt(p[3] ?? '', 10) : Number.NaN;
        info.signedOnAt = Number.isFinite(signon) ? new Date(signon * 1000) : null;
        break;
      }
      case '319':
        for (const channel of last.split(' ')) if (channel !== '') info.channels.push(channel);
        break;
      case '330': // <client> <nick> <account> :is logged in as
        info.account = p[2] ?? null;
        break;
      case '301':
        info.away = last;
        break;
      case '671':
        info.secure = true;
        break;
      default:
        info.other.push(message);
    }
    return true;
  }
}
