import { Numerics } from '../../wire/numerics.js';
import { isValidChannelName } from '../../wire/names.js';
import { CHANNEL_FLAG_MODES, type ServerChannel } from '../channel.js';
import type { IRCServerProtocol } from '../connection.js';
import type { ServerUser } from '../user.js';
import type { CommandGroup } from './command.js';

/** Invitations remembered per user; the oldest is forgotten past this. */
const MAX_INVITES_PER_USER = 64;

function join(conn: IRCServerProtocol, name: string, key: string | undefined): void {
  const user = conn.user;
  const server = conn.server;
  const state = server.state;
  if (!isValidChannelName(name, '#', conn.config.channelLen)) {
    conn.numeric(Numerics.ERR_NOSUCHCHANNEL, name, 'No such channel');
    return;
  }
  const existing = state.findChannel(name);
  if (existing !== undefined && existing.members.has(user)) return;
  if (user.channels.size >= conn.config.maxChannelsPerUser) {
    conn.numeric(Numerics.ERR_TOOMANYCHANNELS, name, 'You have joined too many channels');
    return;
  }
  if (existing !== undefined) {
    const folded = server.fold(existing.name);
    const invited = user.invites.has(folded);
    if (existing.isBanned(user) && !invited) {
      conn.numeric(Numerics.ERR_BANNEDFROMCHAN, existing.name, 'Cannot join channel (+b)');
      return;
    }
    if (existing.modes.has('i') && !invited && !existing.isInviteExcepted(user)) {
      conn.numeric(Numerics.ERR_INVITEONLYCHAN, existing.name, 'Cannot join channel (+i)');
      return;
    }
    if (existing.key !== null && key !== existing.key) {
      conn.numeric(Numerics.ERR_BADCHANNELKEY, existing.name, 'Cannot join channel (+k)');
      return;
    }
    if (existing.limit !== null && existing.members.size >= existing.limit) {
      conn.numeric(Numerics.ERR_CHANNELISFULL, existing.name, 'Cannot join channel (+l)');
      return;
    }
    user.invites.delete(folded);
  }
  const { channel, created } = state.channelFor(name, server.unixNow());
  if (created) {
    for (const mode of conn.config.defaultChannelModes) {
      if (CHANNEL_FLAG_MODES.includes(mode)) channel.modes.add(mode);
    }
  }
  channel.members.set(user, { op: created, voice: false });
  user.channels.add(channel);
  // IRCv3 extended-join: members with the cap also learn the account (or `*`) and real name.
  // One pass over the members, however many there are: a join to a big channel is common.
  const plain: ServerUser[] = [];
  const extended: ServerUser[] = [];
  for (const member of channel.members.keys()) {
    (member.hasCap('extended-join') ? extended : plain).push(member);
  }
  if (plain.length > 0) {
    server.deliver(
      { source: user.mask, command: 'JOIN', params: [channel.name], account: user.account },
      plain,
    );
  }
  if (extended.length > 0) {
    server.deliver(
      {
        source: user.mask,
        command: 'JOIN',
        params: [channel.name, user.account ?? '*', user.realname],
        account: user.account,
      },
      extended,
    );
  }
  if (user.away !== null) {
    server.deliver(
      { source: user.mask, command: 'AWAY', params: [user.away], account: user.account },
      [...channel.members.keys()].filter((m) => m !== user && m.hasCap('away-notify')),
    );
  }
  if (channel.topic !== '') sendTopic(conn, channel);
  sendNames(conn, channel);
}

/** 332 RPL_TOPIC and 333 RPL_TOPICWHOTIME. */
function sendTopic(conn: IRCServerProtocol, channel: ServerChannel): void {
  conn.numeric(Numerics.RPL_TOPIC, channel.name, channel.topic);
  conn.numeric(
    Numerics.RPL_TOPICWHOTIME,
    channel.name,
    channel.topicSetBy,
    String(channel.topicSetAt),
  );
}

/** 353 RPL_NAMREPLY lines (cut to fit 512 bytes) and 366 RPL_ENDOFNAMES. */
export function sendNames(conn: IRCServerProtocol, channel: ServerChannel): void {
  const viewer = conn.user;
  const isMember = channel.members.has(viewer);
  const multi = viewer.hasCap('multi-prefix');
  const userhost = viewer.hasCap('userhost-in-names');
  const symbol = channel.modes.has('s') ? '@' : '=';
  const overhead = conn.config.serverName.length + viewer.nick.length + channel.name.length + 20;
  let names: string[] = [];
  let length = 0;
  for (const member of channel.members.keys()) {
    if (!isMember && member.modes.has('i')) continue;
    const entry = channel.prefixOf(member, multi) + (userhost ? member.mask : member.nick);
    if (names.length > 0 && overhead + length + entry.length + 1 > 510) {
      conn.numeric(Numerics.RPL_NAMREPLY, symbol, channel.name, names.join(' '));
      names = [];
      length = 0;
    }
    names.push(entry);
    length += entry.length + 1;
  }
  if (names.length > 0) conn.numeric(Numerics.RPL_NAMREPLY, symbol, channel.name, names.join(' '));
  conn.numeric(Numerics.RPL_ENDOFNAMES, channel.name, 'End of /NAMES list');
}

/** The channel named, or a reply saying why not (403 / 442 when `mustBeMember`). */
function channelFor(
  conn: IRCServerProtocol,
  name: string,
  mustBeMember: boolean,
): ServerChannel | undefined {
  const channel = conn.server.state.findChannel(name);
  if (channel === undefined) {
    conn.numeric(Numerics.ERR_NOSUCHCHANNEL, name, 'No such channel');
    return undefined;
  }
  if (mustBeMember && !channel.members.has(conn.user)) {
    conn.numeric(Numerics.ERR_NOTONCHANNEL, channel.name, "You're not on that channel");
    return undefined;
  }
  return channel;
}

function part(conn: IRCServerProtocol, name: string, reason: string | undefined): void {
  const channel = channelFor(conn, name, true);
  if (channel === undefined) return;
  const user = conn.user;
  conn.server.deliver(
    {
      source: user.mask,
      command: 'PART',
      params: reason === undefined ? [channel.name] : [channel.name, reason],
      account: user.account,
    },
    channel.members.keys(),
  );
  conn.server.state.leaveChannel(user, channel);
}

function listTargets(conn: IRCServerProtocol, list: string): string[] {
  return list
    .split(',')
    .filter((t) => t !== '')
    .slice(0, conn.config.maxTargets);
}

export const channelCommands: CommandGroup = {
  JOIN: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      if (params[0] === '0') {
        for (const channel of [...conn.user.channels])
          part(conn, channel.name, 'Left all channels');
        return;
      }
      const keys = (params[1] ?? '').split(',');
      listTargets(conn, params[0]!).forEach((name, i) => {
        join(conn, name, keys[i] === '' ? undefined : keys[i]);
      });
    },
  },
  PART: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      for (const name of listTargets(conn, params[0]!)) part(conn, name, params[1]);
    },
  },
  KICK: {
    when: 'registered',
    minParams: 2,
    handle(conn, { params }) {
      const channel = channelFor(conn, params[0]!, true);
      if (channel === undefined) return;
      if (!channel.isOp(conn.user)) {
        conn.numeric(Numerics.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator");
        return;
      }
      const reason = (params[2] ?? conn.user.nick).slice(0, conn.config.kickLen);
      for (const nick of params[1]!.split(',').slice(0, conn.config.maxTargets)) {
        const victim = conn.server.state.findUser(nick);
        if (victim === undefined) {
          conn.numeric(Numerics.ERR_NOSUCHNICK, nick, 'No such nick/channel');
          continue;
        }
        if (!channel.members.has(victim)) {
          conn.numeric(
            Numerics.ERR_USERNOTINCHANNEL,
            victim.nick,
            channel.name,
            "They aren't on that channel",
          );
          continue;
        }
        conn.server.deliver(
          {
            source: conn.user.mask,
            command: 'KICK',
            params: [channel.name, victim.nick, reason],
            account: conn.user.account,
          },
          channel.members.keys(),
        );
        conn.server.state.leaveChannel(victim, channel);
      }
    },
  },
  TOPIC: {
    when: 'registered',
    minParams: 1,
    handle(conn, { params }) {
      const channel = conn.server.state.findChannel(params[0]!);
      const isMember = channel?.members.has(conn.user) === true;
      if (channel === undefined || (channel.modes.has('s') && !isMember)) {
        conn.numeric(Numerics.ERR_NOSUCHCHANNEL, params[0]!, 'No such channel');
        return;
      }
      const newTopic = params[1];
      if (newTopic === undefined) {
        if (channel.topic === '')
          conn.numeric(Numerics.RPL_NOTOPIC, channel.name, 'No topic is set');
        else sendTopic(conn, channel);
        return;
      }
      if (!isMember) {
        conn.numeric(Numerics.ERR_NOTONCHANNEL, channel.name, "You're not on that channel");
        return;
      }
      if (channel.modes.has('t') && !channel.isOp(conn.user)) {
        conn.numeric(Numerics.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator");
        return;
      }
      const user = conn.user;
      channel.topic = newTopic.slice(0, conn.config.topicLen);
      channel.topicSetBy = user.mask;
      channel.topicSetAt = conn.server.unixNow();
      conn.server.deliver(
        {
          source: user.mask,
          command: 'TOPIC',
          params: [channel.name, channel.topic],
          account: user.account,
        },
        channel.members.keys(),
      );
    },
  },
  NAMES: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      if (params[0] === undefined || params[0] === '') {
        conn.numeric(Numerics.RPL_ENDOFNAMES, '*', 'End of /NAMES list');
        return;
      }
      for (const name of listTargets(conn, params[0])) {
        const channel = conn.server.state.findChannel(name);
        if (channel === undefined || (channel.modes.has('s') && !channel.members.has(conn.user))) {
          conn.numeric(Numerics.RPL_ENDOFNAMES, name, 'End of /NAMES list');
          continue;
        }
        sendNames(conn, channel);
      }
    },
  },
  INVITE: {
    when: 'registered',
    minParams: 0,
    handle(conn, { params }) {
      // Modern IRC: INVITE alone lists the channels one is invited to (336, 337).
      if (params.length === 0) {
        for (const folded of conn.user.invites) {
          const channel = conn.server.state.findChannel(folded);
          if (channel !== undefined) conn.numeric(Numerics.RPL_INVITELIST, channel.name);
        }
        conn.numeric(Numerics.RPL_ENDOFINVITELIST, 'End of /INVITE list');
        return;
      }
      if (params.length < 2) {
        conn.numeric(Numerics.ERR_NEEDMOREPARAMS, 'INVITE', 'Not enough parameters');
        return;
      }
      const target = conn.server.state.findUser(params[0]!);
      if (target === undefined) {
        conn.numeric(Numerics.ERR_NOSUCHNICK, params[0]!, 'No such nick/channel');
        return;
      }
      const channel = channelFor(conn, params[1]!, true);
      if (channel === undefined) return;
      if (channel.modes.has('i') && !channel.isOp(conn.user)) {
        conn.numeric(Numerics.ERR_CHANOPRIVSNEEDED, channel.name, "You're not channel operator");
        return;
      }
      if (channel.members.has(target)) {
        conn.numeric(
          Numerics.ERR_USERONCHANNEL,
          target.nick,
          channel.name,
          'is already on channel',
        );
        return;
      }
      const folded = conn.server.fold(channel.name);
      target.invites.delete(folded);
      target.invites.add(folded);
      if (target.invites.size > MAX_INVITES_PER_USER) {
        target.invites.delete(target.invites.values().next().value!);
      }
      conn.numeric(Numerics.RPL_INVITING, target.nick, channel.name);
      if (target.away !== null) conn.numeric(Numerics.RPL_AWAY, target.nick, target.away);
      const invite = {
        source: conn.user.mask,
        command: 'INVITE',
        params: [target.nick, channel.name],
        account: conn.user.account,
      };
      conn.server.deliver(invite, [target]);
      // IRCv3 invite-notify: members who could have invited (ops, on a +i channel) are told.
      const inviteOnly = channel.modes.has('i');
      conn.server.deliver(
        invite,
        [...channel.members.keys()].filter(
          (m) => m !== conn.user && m.hasCap('invite-notify') && (!inviteOnly || channel.isOp(m)),
        ),
      );
    },
  },
};
