import { parseCTCP } from '../wire/ctcp.js';
import { ChannelMembers, splitNamesEntry } from './channel-members.js';
import { parseSource, type IRCMessage, type IRCSource } from '../wire/message.js';
import { parseModeString } from '../wire/modes.js';
import type { CTCPResponder } from './ctcp-responder.js';
import type { IRCClientEvents } from './events.js';
import type { IRCClientConnection } from './connection.js';
import type { TypedEmitter } from './typed-emitter.js';

/** What the client remembers about a channel it is in. */
export interface JoinedChannel {
  /** The name as the server spelled it in our JOIN. */
  readonly name: string;
  /** The key we joined with, kept for rejoining after a reconnect. */
  readonly key: string | undefined;
  /** The topic, once 332 or TOPIC told us ('' for none). */
  topic: string;
  /** Who is in it, with prefix symbols. */
  readonly members: ChannelMembers;
}

const EMPTY_SOURCE: IRCSource = { nick: '', raw: '' };

/** The items of a comma-separated parameter (none when it is missing). */
function commaItems(param: string | undefined): string[] {
  return (param ?? '').split(',').filter((item) => item !== '');
}

/**
 * Turns the messages that change channels and users (PRIVMSG, NOTICE, JOIN, PART, QUIT, KICK,
 * NICK, MODE, TOPIC, AWAY, …) into the client's typed events, keeping `client.channels`,
 * `client.nickname` and our own user@host up to date on the way.
 */
export class ClientEventDispatcher {
  constructor(
    private readonly client: IRCClientConnection,
    private readonly emitter: TypedEmitter<IRCClientEvents>,
    private readonly ctcp: CTCPResponder,
    private readonly maxMembers: number,
  ) {}

  dispatch(message: IRCMessage, time: Date): void {
    const { params, tags } = message;
    const source = message.source ?? EMPTY_SOURCE;
    const client = this.client;
    const fromMe = message.source !== null && client.isMe(source.nick);
    if (fromMe && source.host !== undefined) {
      // Any echo of ours (JOIN, echo-message, NICK) shows the user@host the server relays, which
      // is what long messages must leave room for.
      client.user = source.user;
      client.host = source.host;
    }
    switch (message.command) {
      case 'PRIVMSG':
      case 'NOTICE':
        this.onText(message, source, fromMe, time);
        return;
      case 'JOIN': {
        const channel = params[0] ?? '';
        if (fromMe) {
          const members = new ChannelMembers(client.isupport.casemapping, this.maxMembers);
          members.add(source.nick);
          const key = client.takeJoinKey(channel);
          client.channels.set(channel, { name: channel, key, topic: '', members });
          this.emitter.emit('joined', { channel, time, tags });
        } else {
          client.channels.get(channel)?.members.add(source.nick);
          // extended-join: JOIN <channel> <account> :<realname>, '*' for no account.
          const account = params.length >= 3 && params[1] !== '*' ? (params[1] ?? null) : null;
          this.emitter.emit('userJoined', { channel, source, account, time, tags });
        }
        return;
      }
      case 'PART': {
        const channel = params[0] ?? '';
        const reason = params[1] ?? null;
        if (fromMe) {
          client.channels.delete(channel);
          this.emitter.emit('left', { channel, reason, time, tags });
        } else {
          client.channels.get(channel)?.members.remove(source.nick);
          this.emitter.emit('userLeft', { channel, source, reason, time, tags });
        }
        return;
      }
      case 'QUIT': {
        if (fromMe) return;
        const channels: string[] = [];
        client.channels.forEach((state, name) => {
          if (state.members.remove(source.nick)) channels.push(name);
        });
        this.emitter.emit('userQuit', { source, reason: params[0] ?? null, channels, time, tags });
        return;
      }
      case 'KICK': {
        const channel = params[0] ?? '';
        const kicked = params[1] ?? '';
        const event = { channel, kicker: source, kicked, reason: params[2] ?? null, time, tags };
        if (client.isMe(kicked)) {
          client.channels.delete(channel);
          this.emitter.emit('kickedFrom', event);
        } else {
          client.channels.get(channel)?.members.remove(kicked);
          this.emitter.emit('userKicked', event);
        }
        return;
      }
      case 'NICK': {
        const newNick = params[0] ?? '';
        const oldNick = source.nick;
        client.channels.forEach((state) => state.members.rename(oldNick, newNick));
        if (fromMe) {
          client.nickname = newNick;
          this.emitter.emit('nickChanged', { oldNick, newNick, time, tags });
        } else {
          this.emitter.emit('userRenamed', { oldNick, newNick, source, time, tags });
        }
        return;
      }
      case 'MODE':
        this.onMode(message, time);
        return;
      case 'TOPIC':
        this.topic(params[0] ?? '', params[1] ?? '', source.nick, message, time);
        return;
      case '353': {
        // RPL_NAMREPLY <client> <symbol> <channel> :<names> — also sent unasked after our JOIN.
        const state = client.channels.get(params[2] ?? '');
        const symbols = client.isupport.prefix.prefixes;
        const entries = (params[3] ?? '').split(' ').filter((item) => item !== '');
        state?.members.namesReply(entries.map((item) => splitNamesEntry(item, symbols)));
        return;
      }
      case '366': // RPL_ENDOFNAMES
        client.channels.get(params[1] ?? '')?.members.namesEnd();
        return;
      case '332': // RPL_TOPIC <client> <channel> :<topic>
        this.topic(params[1] ?? '', params[2] ?? '', null, message, time);
        return;
      case '331': // RPL_NOTOPIC
        this.topic(params[1] ?? '', '', null, message, time);
        return;
      case 'AWAY':
        this.emitter.emit('awayChanged', { source, message: params[0] ?? null, time, tags });
        return;
      case '900': {
        // RPL_LOGGEDIN <client> <nick>!<user>@<host> <account> :You are now logged in as …
        const mask = /^[^!]*!([^@]*)@(.*)$/.exec(params[1] ?? '');
        if (mask !== null) {
          client.user = mask[1];
          client.host = mask[2];
        }
        client.account = params[2] ?? null;
        this.emitter.emit('loggedIn', { account: client.account, time, tags });
        return;
      }
      case '901': // RPL_LOGGEDOUT
        client.account = null;
        this.emitter.emit('loggedIn', { account: null, time, tags });
        return;
      case '396': // RPL_VISIBLEHOST <client> <host> :is now your displayed host
        if (params[1] !== undefined) client.host = params[1].replace(/^.*@/, '');
        return;
      case 'ERROR':
        this.emitter.emit('serverError', { message: params[0] ?? '', time, tags });
        return;
      case '730': // RPL_MONONLINE <client> :nick!user@host[,…]
        this.emitter.emit('monitorOnline', {
          users: commaItems(params[1]).map((mask) => parseSource(mask)),
          time,
          tags,
        });
        return;
      case '731': // RPL_MONOFFLINE <client> :nick[,…]
        this.emitter.emit('monitorOffline', { nicks: commaItems(params[1]), time, tags });
        return;
      case '734': // ERR_MONLISTFULL <client> <limit> <targets> :Monitor list is full.
        this.emitter.emit('monitorListFull', {
          limit: Number(params[1]),
          nicks: commaItems(params[2]),
          time,
          tags,
        });
        return;
      default:
        return;
    }
  }

  private onText(message: IRCMessage, source: IRCSource, self: boolean, time: Date): void {
    const isNotice = message.command === 'NOTICE';
    const target = message.params[0] ?? '';
    const text = message.params[1] ?? '';
    const tags = message.tags;
    const channel = this.client.isupport.isChannel(this.stripStatus(target)) ? target : null;
    const ctcp = parseCTCP(text);
    if (ctcp !== null && ctcp.command !== 'ACTION') {
      const event = {
        source,
        target,
        command: ctcp.command,
        params: ctcp.params,
        self,
        time,
        tags,
      };
      if (isNotice) {
        this.emitter.emit('ctcpReply', event);
        return;
      }
      // Server notices and our own echoes are never answered.
      if (!self && source.user !== undefined)
        this.ctcp.answer(source.nick, ctcp.command, ctcp.params);
      this.emitter.emit('ctcpQuery', event);
      return;
    }
    const event = {
      source,
      target,
      channel,
      text: ctcp === null ? text : ctcp.params,
      self,
      account: tags.get('account') ?? null,
      time,
      tags,
    };
    if (ctcp !== null) this.emitter.emit('action', event);
    else this.emitter.emit(isNotice ? 'noticed' : 'privmsg', event);
  }

  /** `@#chan` (STATUSMSG) is still a channel message. */
  private stripStatus(target: string): string {
    const statusmsg = this.client.isupport.statusmsg;
    let i = 0;
    while (i < target.length && statusmsg.includes(target.charAt(i))) i++;
    return target.slice(i);
  }

  private onMode(message: IRCMessage, time: Date): void {
    const [target = '', modeString = '', ...args] = message.params;
    const isupport = this.client.isupport;
    const changes = isupport.isChannel(target)
      ? parseModeString(modeString, args, isupport.chanmodes, isupport.prefix.modes)
      : parseModeString(modeString, [], { A: '', B: '', C: '', D: '' }, '');
    if (isupport.isChannel(target)) {
      this.client.channels.get(target)?.members.applyModes(changes, isupport.prefix);
    }
    this.emitter.emit('modeChanged', {
      target,
      source: message.source,
      changes,
      time,
      tags: message.tags,
    });
  }

  private topic(
    channel: string,
    topic: string,
    setBy: string | null,
    message: IRCMessage,
    time: Date,
  ): void {
    const state = this.client.channels.get(channel);
    if (state !== undefined) state.topic = topic;
    this.emitter.emit('topicUpdated', { channel, topic, setBy, time, tags: message.tags });
  }
}
