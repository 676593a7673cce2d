import { maxTextBytes, splitText, utf8ByteLength } from '../../wire/serializer.js';
import { Numerics } from '../../wire/numerics.js';
import type { IRCMessage } from '../../wire/message.js';
import type { IRCServerProtocol } from '../connection.js';
import { Delivery, type OutboundMessage } from '../outbound.js';
import type { ServerChannel } from '../channel.js';
import type { ServerUser } from '../user.js';
import type { CommandGroup } from './command.js';

/** The client-only tags (`+name`) of a message, or undefined when it has none. */
function clientTagsOf(message: IRCMessage): Map<string, string> | undefined {
  let found: Map<string, string> | undefined;
  for (const [key, value] of message.tags) {
    if (!key.startsWith('+')) continue;
    found ??= new Map();
    found.set(key, value);
  }
  return found;
}

/**
 * The text as relayed: cut so `:nick!user@host PRIVMSG target :text` stays within 512 bytes
 * (the client counted its own line without our source prefix).
 */
function fitText(sender: ServerUser, command: string, target: string, text: string): string {
  // Short texts always fit; skip the byte counting for them.
  if (text.length < 256) return text;
  const limit = maxTextBytes(sender.nick, sender.username, sender.host, target, command);
  if (limit < 4 || utf8ByteLength(text) <= limit) return text;
  return splitText(text, limit)[0] ?? '';
}

/**
 * A STATUSMSG target (`@#chan`, `+#chan`): the channel part and whether only operators (`@`)
 * or voiced users and operators (`+`) receive it; null for other targets.
 */
function statusTarget(target: string): { channel: string; opsOnly: boolean } | null {
  const match = /^([@+]+)(#.*)$/.exec(target);
  if (match === null) return null;
  return { channel: match[2]!, opsOnly: match[1]!.includes('@') };
}

/** Whether `user` is among the members a STATUSMSG for `opsOnly` reaches. */
function hasStatus(channel: ServerChannel, user: ServerUser, opsOnly: boolean): boolean {
  return opsOnly ? channel.isOp(user) : channel.hasVoiceOrOp(user);
}

/**
 * PRIVMSG, NOTICE and TAGMSG share their routing: each target a channel (#…) or a nick, up to
 * TARGMAX targets. NOTICE never draws an error reply (RFC 2812 §3.3.2); TAGMSG reaches only
 * clients with message-tags.
 */
function relay(conn: IRCServerProtocol, message: IRCMessage): void {
  const command = message.command;
  const isNotice = command === 'NOTICE';
  const isTagmsg = command === 'TAGMSG';
  const error = (code: string, ...params: string[]): void => {
    if (!isNotice) conn.numeric(code, ...params);
  };
  const targetList = message.params[0];
  if (targetList === undefined || targetList === '') {
    error('411', `No recipient given (${command})`);
    return;
  }
  const text = message.params[1];
  if (!isTagmsg && (text === undefined || text === '')) {
    error('412', 'No text to send');
    return;
  }
  const targets = targetList.split(',').filter((t) => t !== '');
  if (targets.length > conn.config.maxTargets) {
    error('407', targetList, `Too many recipients. Only ${conn.config.maxTargets} processed`);
    return;
  }
  const sender = conn.user;
  const server = conn.server;
  if (!isTagmsg) sender.lastMessageAt = server.reactor.seconds();
  const clientTags = clientTagsOf(message);
  const echo = sender.hasCap('echo-message');
  for (const target of targets) {
    const outbound: OutboundMessage = {
      source: sender.mask,
      command,
      params: isTagmsg ? [target] : [target, fitText(sender, command, target, text!)],
      clientTags,
      account: sender.account,
      msgid: server.nextMessageId(),
    };
    const recipients: ServerUser[] = [];
    let toSelf = false;
    const status = statusTarget(target);
    if (target.startsWith('#') || status !== null) {
      const channel = server.state.findChannel(status?.channel ?? target);
      if (channel === undefined) {
        error('403', target, 'No such channel');
        continue;
      }
      const member = channel.members.has(sender);
      const privileged = channel.hasVoiceOrOp(sender);
      if (
        (channel.modes.has('n') && !member) ||
        (channel.modes.has('m') && !privileged) ||
        (!privileged && channel.isBanned(sender))
      ) {
        error('404', channel.name, 'Cannot send to channel');
        continue;
      }
      for (const user of channel.members.keys()) {
        if (user === sender || (isTagmsg && !user.hasCap('message-tags'))) continue;
        if (status !== null && !hasStatus(channel, user, status.opsOnly)) continue;
        recipients.push(user);
      }
    } else {
      const user = server.state.findUser(target);
      if (user === undefined) {
        error('401', target, 'No such nick/channel');
        continue;
      }
      if (user === sender) toSelf = true;
      else if (!isTagmsg || user.hasCap('message-tags')) recipients.push(user);
      if (command === 'PRIVMSG' && user.away !== null)
        conn.numeric(Numerics.RPL_AWAY, user.nick, user.away);
    }
    const delivery = new Delivery(outbound, server.config.now());
    for (const user of recipients) user.link.sendBytes(delivery.bytesFor(user));
    if (isTagmsg && !sender.hasCap('message-tags')) continue;
    // To oneself with echo-message: the copy as recipient and the echo, which alone carries
    // a labeled-response label (as Ergo and irctest expect).
    if (toSelf && echo) conn.sendUnlabeled(delivery.bytesFor(sender));
    if (toSelf || echo) conn.sendBytes(delivery.bytesFor(sender));
  }
}

export const messagingCommands: CommandGroup = {
  PRIVMSG: { when: 'registered', minParams: 0, handle: relay },
  NOTICE: { when: 'registered', minParams: 0, handle: relay },
  TAGMSG: { when: 'registered', minParams: 1, handle: relay },
};
