import type { IReactorTime } from '@tw/core';
import type { IRCServerConfig } from './config.js';
import { isupportTokens } from './isupport.js';
import { Delivery, type OutboundMessage } from './outbound.js';
import { MonitorLists } from './monitor.js';
import { IRCServerState } from './state.js';
import type { ServerUser } from './user.js';
import { lowerIRC } from '../wire/casemapping.js';

/**
 * What every connection of one server shares: the config, the reactor, the users and channels,
 * and the ways to send one message to many clients.
 */
export class IRCServerContext {
  readonly state: IRCServerState;
  /** When the server started (003 RPL_CREATED). */
  readonly createdAt: Date;
  /** The ISUPPORT tokens, computed once from the config. */
  readonly isupport: readonly string[];
  readonly fold: (name: string) => string;
  /** Who watches which nick (IRCv3 MONITOR). */
  readonly monitor: MonitorLists;
  private idCounter = 0;
  /** Makes ids unique across restarts of the server (clients may remember msgids). */
  private readonly idPrefix: string;

  constructor(
    readonly reactor: IReactorTime,
    readonly config: IRCServerConfig,
  ) {
    this.fold = (name) => lowerIRC(name, 'rfc1459');
    this.state = new IRCServerState(this.fold, config.whowasHistory);
    this.monitor = new MonitorLists(this.fold, config.monitorLimit);
    this.createdAt = config.now();
    this.isupport = isupportTokens(config);
    this.idPrefix = this.createdAt.getTime().toString(36);
  }

  /** A fresh IRCv3 `msgid` value, unique on this server. */
  nextMessageId(): string {
    return `${this.idPrefix}-${(++this.idCounter).toString(36)}`;
  }

  /** A fresh batch reference tag. */
  nextBatchId(): string {
    return `b${(++this.idCounter).toString(36)}`;
  }

  /** Wall-clock unix seconds. */
  unixNow(): number {
    return Math.floor(this.config.now().getTime() / 1000);
  }

  /**
   * Tell the users who MONITOR `nick` that it is now online (`user`, 730 with its mask) or
   * offline (null, 731). Each reply is addressed to its watcher, so each is sent on its own.
   */
  presenceChanged(nick: string, user: ServerUser | null): void {
    const watchers = this.monitor.watchersOf(nick);
    if (watchers.size === 0) return;
    for (const watcher of watchers) {
      this.deliver(
        {
          source: this.config.serverName,
          command: user === null ? '731' : '730',
          params: [watcher.nick, user === null ? nick : user.mask],
        },
        [watcher],
      );
    }
  }

  /** Send `message` to each recipient, each with the tags its capabilities ask for. */
  deliver(message: OutboundMessage, recipients: Iterable<ServerUser>): void {
    const delivery = new Delivery(message, this.config.now());
    for (const user of recipients) user.link.sendBytes(delivery.bytesFor(user));
  }

  /** Send `message` to the members of `user`'s channels (each once), and to `user` if asked. */
  deliverToNeighbours(user: ServerUser, message: OutboundMessage, includeSelf: boolean): void {
    const recipients = this.state.neighboursOf(user);
    if (includeSelf) recipients.add(user);
    this.deliver(message, recipients);
  }
}
