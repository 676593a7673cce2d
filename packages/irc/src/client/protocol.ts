import { Deferred, succeed } from '@tw/core';

import { IRCMap } from '../wire/casemapping.js';
import { commaLists } from '../wire/comma-lists.js';
import { formatCTCP } from '../wire/ctcp.js';
import { maxTextBytes, splitText } from '../wire/serializer.js';
import { IRCClientConnection } from './connection.js';
import {
  WHOX_FIELDS,
  WHOX_TOKEN,
  type NamesEntry,
  type WhoReply,
  type WhoisInfo,
} from './queries.js';

/**
 * An IRC client for bots and applications (Twisted's IRCClient): registers (CAP LS 302, SASL,
 * PASS/NICK/USER, another nick when one is taken), answers PING, applies ISUPPORT, emits typed
 * events and offers commands, returning Deferreds where the server sends a reply.
 *
 * Call grammar: makeConnection → connectionMade (registration starts) → dataReceived* →
 * connectionLost (every waiting Deferred fails with ConnectionLost; quit() fires).
 *
 * ```ts
 * const client = new IRCClient({ nickname: 'twbot', reactor });
 * client.on('privmsg', ({ source, channel, text }) => {
 *   if (text === '!ping') client.msg(channel ?? source.nick, 'pong');
 * });
 * client.whenRegistered().addCallback(() => client.join('#tw'));
 * ```
 *
 * Events are subscribed with `on(name, handler)`; see IRCClientEvents for names and payloads.
 */
export class IRCClient extends IRCClientConnection {
  /** The nicks monitor() asked the server to watch (and unmonitor() did not take back). */
  readonly monitored = new IRCMap<true>();

  // --- commands ----------------------------------------------------------------------------

  /** JOIN a channel (with its key, remembered for rejoining after a reconnect). */
  join(channel: string, key?: string): void {
    if (key !== undefined) this.pendingKeys.set(channel, key);
    this.queueLine({ command: 'JOIN', params: key === undefined ? [channel] : [channel, key] });
  }

  /** PART a channel. */
  part(channel: string, reason?: string): void {
    this.queueLine({
      command: 'PART',
      params: reason === undefined ? [channel] : [channel, reason],
    });
  }

  /** KICK `nick` from `channel`. */
  kick(channel: string, nick: string, reason?: string): void {
    const params = reason === undefined ? [channel, nick] : [channel, nick, reason];
    this.queueLine({ command: 'KICK', params });
  }

  /** Set the topic, or with no text ask for it (a topicUpdated event answers). */
  topic(channel: string, text?: string): void {
    this.queueLine({ command: 'TOPIC', params: text === undefined ? [channel] : [channel, text] });
  }

  /** MODE target [modes [args…]]. */
  mode(target: string, ...modesAndArgs: string[]): void {
    this.queueLine({ command: 'MODE', params: [target, ...modesAndArgs] });
  }

  /** Ask to change nick; `nickname` changes when the server confirms (nickChanged). */
  setNick(nickname: string): void {
    this.queueLine({ command: 'NICK', params: [nickname] });
  }

  /** Mark ourselves away with a message, or back with none. */
  away(message?: string): void {
    this.queueLine({ command: 'AWAY', params: message === undefined ? [] : [message] });
  }

  /**
   * IRCv3 MONITOR: watch `nicks` (servers advertising ISUPPORT `MONITOR`). The server answers
   * with monitorOnline / monitorOffline events, and sends them again as the nicks come and go;
   * monitorListFull when its limit is reached.
   */
  monitor(nicks: readonly string[]): void {
    for (const nick of nicks) this.monitored.set(nick, true);
    for (const list of commaLists(nicks)) {
      this.queueLine({ command: 'MONITOR', params: ['+', list] });
    }
  }

  /** Stop watching `nicks` (MONITOR -), or every nick when none are given (MONITOR C). */
  unmonitor(nicks?: readonly string[]): void {
    if (nicks === undefined) {
      this.monitored.clear();
      this.queueLine({ command: 'MONITOR', params: ['C'] });
      return;
    }
    for (const nick of nicks) this.monitored.delete(nick);
    for (const list of commaLists(nicks)) {
      this.queueLine({ command: 'MONITOR', params: ['-', list] });
    }
  }

  /** INVITE `nick` to `channel`. */
  invite(nick: string, channel: string): void {
    this.queueLine({ command: 'INVITE', params: [nick, channel] });
  }

  /** The nicks in `channel` (NAMES, collecting 353 until 366), without prefix symbols. */
  names(channel: string): Deferred<string[]> {
    return this.namesWithPrefixes(channel).addCallback((entries) => entries.map((e) => e.nick));
  }

  /** NAMES with each member's prefix symbols (`@`, `+`, several with multi-prefix). */
  namesWithPrefixes(channel: string): Deferred<NamesEntry[]> {
    const deferred = this.queries.addNames(channel);
    this.queueLine({ command: 'NAMES', params: [channel] });
    return deferred;
  }

  /**
   * WHO `mask`: the 352 rows until 315. When the server announces WHOX, it asks for the
   * accounts too (354 rows, `account` filled in).
   */
  who(mask: string): Deferred<WhoReply[]> {
    const deferred = this.queries.addWho(mask);
    const whox = this.isupport.get('WHOX') !== undefined;
    const params = whox ? [mask, `${WHOX_FIELDS},${WHOX_TOKEN}`] : [mask];
    this.queueLine({ command: 'WHO', params });
    return deferred;
  }

  /** WHOIS `nick`: fails with NoSuchNickError (401) when there is no such user. */
  whois(nick: string): Deferred<WhoisInfo> {
    const deferred = this.queries.addWhois(nick);
    this.queueLine({ command: 'WHOIS', params: [nick] });
    return deferred;
  }

  /** PRIVMSG, split into as many lines as the 512-byte limit (and line breaks) need. */
  msg(target: string, text: string): void {
    this.sendText('PRIVMSG', target, text, 0, (piece) => piece);
  }

  /** NOTICE, split like msg(). */
  notice(target: string, text: string): void {
    this.sendText('NOTICE', target, text, 0, (piece) => piece);
  }

  /** A CTCP ACTION (`/me`), split like msg(). */
  me(target: string, action: string): void {
    const overhead = formatCTCP('ACTION', ' ').length; // \x01ACTION \x01 — all ASCII
    this.sendText('PRIVMSG', target, action, overhead - 1, (piece) => formatCTCP('ACTION', piece));
  }

  /** Send a CTCP query (VERSION, PING, TIME, …); replies arrive as ctcpReply events. */
  ctcpQuery(target: string, command: string, params?: string): void {
    this.queueLine({ command: 'PRIVMSG', params: [target, formatCTCP(command, params)] }, 'always');
  }

  /** Send a CTCP reply (a NOTICE). */
  ctcpReply(target: string, command: string, params?: string): void {
    this.queueLine({ command: 'NOTICE', params: [target, formatCTCP(command, params)] }, 'always');
  }

  /**
   * QUIT and close. Lines still waiting for flood control are dropped so the QUIT goes now;
   * if the server has not closed after `quitTimeout` seconds we close. Fires once closed.
   */
  quit(reason?: string): Deferred<void> {
    if (!this.connected || this.lost) return succeed(undefined);
    const waiter = new Deferred<void>();
    this.quitWaiters.push(waiter);
    if (this.quitTimer === null) {
      this.outgoing?.clear();
      this.sendNow({ command: 'QUIT', params: reason === undefined ? [] : [reason] });
      this.quitTimer = this.options.reactor.callLater(this.options.quitTimeout ?? 10, () => {
        this.quitTimer = null;
        this.transport.loseConnection();
      });
    }
    return waiter;
  }

  private sendText(
    command: 'PRIVMSG' | 'NOTICE',
    target: string,
    text: string,
    overhead: number,
    wrap: (piece: string) => string,
  ): void {
    const room = maxTextBytes(this.nickname, this.user, this.host, target, command) - overhead;
    for (const piece of splitText(text, Math.max(4, room))) {
      this.queueLine({ command, params: [target, wrap(piece)] }, 'always');
    }
  }
}
