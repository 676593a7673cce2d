import { capturedEvents } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { EPOCH, record, registered } from './harness.js';

describe('IRCClient events', () => {
  it('answers PING with PONG at once', () => {
    const h = registered();
    h.server('PING :irc.test-123');
    expect(h.take()).toEqual(['PONG irc.test-123']);
  });

  it('emits privmsg with server-time, channel and account-tag', () => {
    const h = registered();
    const events = record(h, 'privmsg');
    h.server(
      '@time=2024-05-06T07:08:09.123Z;account=alice :alice!a@h PRIVMSG #chan :hello there',
      ':bob!b@h PRIVMSG bot :private',
    );
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      target: '#chan',
      channel: '#chan',
      text: 'hello there',
      self: false,
      account: 'alice',
    });
    expect(events[0]!.source.nick).toBe('alice');
    expect(events[0]!.time.toISOString()).toBe('2024-05-06T07:08:09.123Z');
    expect(events[1]).toMatchObject({
      target: 'bot',
      channel: null,
      text: 'private',
      account: null,
    });
    expect(events[1]!.time).toEqual(EPOCH);
  });

  it('emits noticed, action, ctcpQuery and ctcpReply, and answers VERSION/PING/TIME/CLIENTINFO', () => {
    const h = registered({ versionReply: 'testbot 1.0' });
    const notices = record(h, 'noticed');
    const actions = record(h, 'action');
    const queries = record(h, 'ctcpQuery');
    const replies = record(h, 'ctcpReply');
    h.server(
      ':alice!a@h NOTICE #chan :heads up',
      ':alice!a@h PRIVMSG #chan :\x01ACTION waves\x01',
      ':alice!a@h PRIVMSG bot :\x01VERSION\x01',
      ':alice!a@h PRIVMSG bot :\x01PING 12345\x01',
      ':alice!a@h NOTICE bot :\x01VERSION irssi 1.4\x01',
    );
    expect(notices.map((e) => e.text)).toEqual(['heads up']);
    expect(actions.map((e) => [e.channel, e.text])).toEqual([['#chan', 'waves']]);
    expect(queries.map((e) => [e.command, e.params])).toEqual([
      ['VERSION', ''],
      ['PING', '12345'],
    ]);
    expect(replies.map((e) => [e.command, e.params])).toEqual([['VERSION', 'irssi 1.4']]);
    expect(h.take()).toEqual([
      'NOTICE alice :\x01VERSION testbot 1.0\x01',
      'NOTICE alice :\x01PING 12345\x01',
    ]);
    h.server(':carol!c@h PRIVMSG bot :\x01TIME\x01');
    expect(h.take()).toEqual([`NOTICE carol :\x01TIME ${EPOCH.toUTCString()}\x01`]);
  });

  it('does not answer a CTCP PING whose echo would not fit in a line', () => {
    const h = registered();
    const queries = record(h, 'ctcpQuery');
    h.server(`:alice!a@h PRIVMSG bot :\x01PING ${'9'.repeat(500)}\x01`, 'PING :still-alive');
    expect(queries).toHaveLength(1);
    expect(h.take()).toEqual(['PONG still-alive']);
  });

  it('rate-limits automatic CTCP replies and drops the excess', () => {
    const h = registered({ ctcpReplyRate: { burst: 2, perSecond: 1 } });
    for (let i = 0; i < 10; i++) h.server(`:x${i}!a@h PRIVMSG bot :\x01CLIENTINFO\x01`);
    expect(h.take()).toHaveLength(2);
    h.clock.advance(1);
    h.server(':late!a@h PRIVMSG bot :\x01PING 1\x01');
    expect(h.take()).toEqual(['NOTICE late :\x01PING 1\x01']);
  });

  it('tracks our channels through JOIN, PART and KICK, and emits user events', () => {
    const h = registered();
    const joined = record(h, 'joined');
    const userJoined = record(h, 'userJoined');
    const left = record(h, 'left');
    const userLeft = record(h, 'userLeft');
    const kicked = record(h, 'kickedFrom');
    const userKicked = record(h, 'userKicked');
    const quits = record(h, 'userQuit');
    h.client.join('#Chan', 'key1');
    expect(h.take()).toEqual(['JOIN #Chan key1']);
    h.server(
      ':bot!~botuser@bot.host JOIN #Chan',
      ':alice!a@h JOIN #chan acct :Alice Real',
      ':alice!a@h PART #chan :bye',
      ':bob!b@h JOIN #chan',
      ':bob!b@h QUIT :Quit: gone',
      ':op!o@h KICK #chan carol :spam',
    );
    expect(joined.map((e) => e.channel)).toEqual(['#Chan']);
    expect(h.client.channels.get('#CHAN')).toMatchObject({ name: '#Chan', key: 'key1' });
    expect(h.client.user).toBe('~botuser');
    expect(h.client.host).toBe('bot.host');
    expect(userJoined.map((e) => [e.source.nick, e.account])).toEqual([
      ['alice', 'acct'],
      ['bob', null],
    ]);
    expect(userLeft.map((e) => [e.source.nick, e.reason])).toEqual([['alice', 'bye']]);
    expect(quits.map((e) => [e.source.nick, e.reason])).toEqual([['bob', 'Quit: gone']]);
    expect(userKicked.map((e) => [e.kicked, e.kicker.nick, e.reason])).toEqual([
      ['carol', 'op', 'spam'],
    ]);
    h.server(':op!o@h KICK #CHAN bot :out');
    expect(kicked.map((e) => [e.channel, e.reason])).toEqual([['#CHAN', 'out']]);
    expect(h.client.channels.size).toBe(0);
    h.server(':bot!~botuser@bot.host JOIN #other', ':bot!~botuser@bot.host PART #OTHER');
    expect(left.map((e) => e.channel)).toEqual(['#OTHER']);
    expect(h.client.channels.size).toBe(0);
  });

  it('emits nickChanged for us and userRenamed for others, under the server casemapping', () => {
    const h = registered();
    const mine = record(h, 'nickChanged');
    const theirs = record(h, 'userRenamed');
    h.server(':BOT!u@h NICK newbot', ':alice!a@h NICK alicia');
    expect(mine.map((e) => [e.oldNick, e.newNick])).toEqual([['BOT', 'newbot']]);
    expect(h.client.nickname).toBe('newbot');
    expect(theirs.map((e) => [e.oldNick, e.newNick])).toEqual([['alice', 'alicia']]);
  });

  it('parses MODE with the ISUPPORT CHANMODES and PREFIX', () => {
    const h = registered({}, 'CHANMODES=beI,k,l,imnpst PREFIX=(qov)~@+ CHANTYPES=#');
    const modes = record(h, 'modeChanged');
    h.server(':op!o@h MODE #chan +qo-l+kb alice bob secret *!*@bad', ':bot MODE bot :+iw');
    expect(modes[0]!.target).toBe('#chan');
    expect(modes[0]!.changes).toEqual([
      { adding: true, mode: 'q', arg: 'alice' },
      { adding: true, mode: 'o', arg: 'bob' },
      { adding: false, mode: 'l' },
      { adding: true, mode: 'k', arg: 'secret' },
      { adding: true, mode: 'b', arg: '*!*@bad' },
    ]);
    expect(modes[1]!.changes).toEqual([
      { adding: true, mode: 'i' },
      { adding: true, mode: 'w' },
    ]);
  });

  it('emits topicUpdated for TOPIC and 332, keeping the channel topic', () => {
    const h = registered();
    const topics = record(h, 'topicUpdated');
    h.server(
      ':bot!u@h JOIN #chan',
      ':s 332 bot #chan :Old topic',
      '@time=2025-01-01T00:00:00.000Z :alice!a@h TOPIC #chan :New topic',
    );
    expect(topics.map((e) => [e.channel, e.topic, e.setBy])).toEqual([
      ['#chan', 'Old topic', null],
      ['#chan', 'New topic', 'alice'],
    ]);
    expect(topics[1]!.time.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(h.client.channels.get('#chan')?.topic).toBe('New topic');
    h.client.topic('#chan');
    h.client.topic('#chan', 'set it');
    expect(h.take()).toEqual(['TOPIC #chan', 'TOPIC #chan :set it']);
  });

  it('emits awayChanged (away-notify) and serverError', () => {
    const h = registered();
    const away = record(h, 'awayChanged');
    const errors = record(h, 'serverError');
    h.server(':alice!a@h AWAY :lunch', ':alice!a@h AWAY', 'ERROR :Closing Link: bot (Quit)');
    expect(away.map((e) => e.message)).toEqual(['lunch', null]);
    expect(errors.map((e) => e.message)).toEqual(['Closing Link: bot (Quit)']);
  });

  it('marks echo-message echoes of our own messages as self and never answers them', () => {
    const h = registered();
    const messages = record(h, 'privmsg');
    const queries = record(h, 'ctcpQuery');
    h.server(
      ':bot!~u@echo.host PRIVMSG #chan :mine',
      ':bot!~u@echo.host PRIVMSG alice :\x01VERSION\x01',
    );
    expect(messages.map((e) => e.self)).toEqual([true]);
    expect(queries.map((e) => e.self)).toEqual([true]);
    expect(h.take()).toEqual([]);
    expect(h.client.host).toBe('echo.host');
  });

  it('keeps running when a handler throws, and logs the error', () => {
    const log = capturedEvents();
    try {
      const h = registered();
      const seen: string[] = [];
      h.client.on('privmsg', () => {
        throw new Error('buggy handler');
      });
      h.client.on('privmsg', (e) => seen.push(e.text));
      h.server(':a!a@h PRIVMSG bot :one', 'PING :x');
      expect(seen).toEqual(['one']);
      expect(h.take()).toEqual(['PONG x']);
      expect(log.events.some((e) => e.failure?.getErrorMessage() === 'buggy handler')).toBe(true);
    } finally {
      log.stop();
    }
  });

  it('decodes latin-1 lines that are not UTF-8', () => {
    const h = registered();
    const messages = record(h, 'privmsg');
    h.client.dataReceived(
      new Uint8Array([...new TextEncoder().encode(':a!a@h PRIVMSG bot :caf'), 0xe9, 13, 10]),
    );
    expect(messages.map((e) => e.text)).toEqual(['café']);
  });
});

describe('IRCClient channel members', () => {
  it('keeps who is in each channel, with prefixes, through NAMES, JOIN, PART, KICK, NICK, MODE and QUIT', () => {
    const h = registered(
      {},
      'CASEMAPPING=rfc1459 PREFIX=(qov)~@+ CHANTYPES=# CHANMODES=b,k,l,imnt',
    );
    const quits = record(h, 'userQuit');
    h.server(
      ':bot!u@h JOIN #a',
      ':s 353 bot = #a :bot @+alice bob',
      ':s 353 bot = #a :~carol',
      ':s 366 bot #a :End',
      ':bot!u@h JOIN #b',
      ':s 353 bot = #b :bot alice',
      ':s 366 bot #b :End',
    );
    const members = (channel: string) =>
      Object.fromEntries(h.client.channels.get(channel)?.members.byNick ?? []);
    expect(members('#a')).toEqual({ bot: '', alice: '@+', bob: '', carol: '~' });
    h.server(
      ':dave!d@h JOIN #a',
      ':carol!c@h PART #a',
      ':op!o@h MODE #a +v-o+q bob alice dave',
      ':op!o@h KICK #a bob :out',
      ':ALICE!a@h NICK alicia',
    );
    expect(members('#a')).toEqual({ bot: '', alicia: '+', dave: '~' });
    expect(members('#b')).toEqual({ bot: '', alicia: '' });
    h.server(':Alicia!a@h QUIT :bye');
    expect(quits[0]?.channels).toEqual(['#a', '#b']);
    expect(members('#b')).toEqual({ bot: '' });
    // A later NAMES reply replaces the list, also when a names() call asked for it.
    void h.client.names('#b');
    h.server(':s 353 bot = #b :bot @erin', ':s 366 bot #b :End');
    expect(members('#b')).toEqual({ bot: '', erin: '@' });
  });
});
