import { describe, expect, it } from 'vitest';
import { TestServer } from './harness.js';

function setup(): {
  server: TestServer;
  op: ReturnType<TestServer['register']>;
  other: ReturnType<TestServer['register']>;
} {
  const server = new TestServer();
  const op = server.register('op');
  op.send('JOIN #c');
  op.lines();
  const other = server.register('other', { host: '10.9.9.9' });
  return { server, op, other };
}

describe('channels', () => {
  it('JOIN creates the channel, ops the first joiner and sends NAMES (golden)', () => {
    const server = new TestServer();
    const a = server.register('a');
    a.send('JOIN #Chan');
    expect(a.lines()).toEqual([
      ':a!~a@10.0.0.1 JOIN #Chan',
      ':irc.test 353 a = #Chan :@a',
      ':irc.test 366 a #Chan :End of /NAMES list',
    ]);
    const b = server.register('b');
    b.send('JOIN #chan');
    expect(a.lines()).toEqual([':b!~b@10.0.0.1 JOIN #Chan']);
    expect(b.lines()).toEqual([
      ':b!~b@10.0.0.1 JOIN #Chan',
      ':irc.test 353 b = #Chan :@a b',
      ':irc.test 366 b #Chan :End of /NAMES list',
    ]);
    b.send('JOIN #chan');
    expect(b.lines()).toEqual([]);
  });

  it('new channels start with defaultChannelModes (+nt unless configured)', () => {
    const a = new TestServer().register('a');
    a.send('JOIN #c', 'MODE #c');
    expect(a.lines()[3]).toBe(':irc.test 324 a #c +nt');
    const b = new TestServer({ defaultChannelModes: '' }).register('b');
    b.send('JOIN #c', 'MODE #c');
    expect(b.lines()[3]).toBe(':irc.test 324 b #c +');
  });

  it('rejects bad channel names and too many channels', () => {
    const server = new TestServer({ maxChannelsPerUser: 1 });
    const a = server.register('a');
    a.send('JOIN chan', 'JOIN #a', 'JOIN #b');
    expect(a.lines().filter((l) => / 40[35] /.test(l))).toEqual([
      ':irc.test 403 a chan :No such channel',
      ':irc.test 405 a #b :You have joined too many channels',
    ]);
  });

  it('sends topic on join, enforces +t, and answers TOPIC queries', () => {
    const { op, other } = setup();
    op.send('TOPIC #c :hello world');
    expect(op.lines()).toEqual([':op!~op@10.0.0.1 TOPIC #c :hello world']);
    other.send('JOIN #c');
    expect(other.lines().slice(0, 3)).toEqual([
      ':other!~other@10.9.9.9 JOIN #c',
      ':irc.test 332 other #c :hello world',
      ':irc.test 333 other #c op!~op@10.0.0.1 1767323045',
    ]);
    op.send('MODE #c +t');
    op.lines();
    other.lines();
    other.send('TOPIC #c :mine', 'TOPIC #c');
    expect(other.lines()).toEqual([
      ":irc.test 482 other #c :You're not channel operator",
      ':irc.test 332 other #c :hello world',
      ':irc.test 333 other #c op!~op@10.0.0.1 1767323045',
    ]);
    op.send('TOPIC #c :');
    expect(other.lines()).toEqual([':op!~op@10.0.0.1 TOPIC #c :']);
    other.send('TOPIC #c');
    expect(other.lines()).toEqual([':irc.test 331 other #c :No topic is set']);
  });

  it('PART and KICK (482 unless op, 441 not on channel)', () => {
    const { op, other } = setup();
    other.send('JOIN #c');
    op.lines();
    other.lines();
    other.send('KICK #c op');
    expect(other.lines()).toEqual([":irc.test 482 other #c :You're not channel operator"]);
    op.send('KICK #c nobody', 'KICK #c other :behave');
    expect(op.lines()).toEqual([
      ':irc.test 401 op nobody :No such nick/channel',
      ':op!~op@10.0.0.1 KICK #c other :behave',
    ]);
    expect(other.lines()).toEqual([':op!~op@10.0.0.1 KICK #c other :behave']);
    op.send('KICK #c other');
    expect(op.lines()).toEqual([":irc.test 441 op other #c :They aren't on that channel"]);
    other.send('PART #c', 'JOIN #c', 'PART #c :later');
    expect(op.lines()).toEqual([
      ':other!~other@10.9.9.9 JOIN #c',
      ':other!~other@10.9.9.9 PART #c :later',
    ]);
    expect(other.lines()[0]).toBe(":irc.test 442 other #c :You're not on that channel");
  });

  it('JOIN 0 parts every channel', () => {
    const server = new TestServer();
    const a = server.register('a');
    a.send('JOIN #x,#y');
    a.lines();
    a.send('JOIN 0');
    expect(a.lines()).toEqual([
      ':a!~a@10.0.0.1 PART #x :Left all channels',
      ':a!~a@10.0.0.1 PART #y :Left all channels',
    ]);
    expect(server.factory.state.channels.size).toBe(0);
  });

  it('+k needs the key, +l caps members, +i needs INVITE or +I', () => {
    const { server, op, other } = setup();
    op.send('MODE #c +kl secret 2');
    expect(op.lines()).toEqual([':op!~op@10.0.0.1 MODE #c +kl secret 2']);
    other.send('JOIN #c', 'JOIN #c wrong', 'JOIN #c secret');
    expect(other.lines().slice(0, 3)).toEqual([
      ':irc.test 475 other #c :Cannot join channel (+k)',
      ':irc.test 475 other #c :Cannot join channel (+k)',
      ':other!~other@10.9.9.9 JOIN #c',
    ]);
    const third = server.register('third');
    third.send('JOIN #c secret');
    expect(third.lines()).toEqual([':irc.test 471 third #c :Cannot join channel (+l)']);
    op.send('MODE #c -lk *', 'MODE #c +i');
    op.lines();
    third.send('JOIN #c');
    expect(third.lines()).toEqual([':irc.test 473 third #c :Cannot join channel (+i)']);
    other.lines();
    other.send('INVITE third #c');
    expect(other.lines()).toEqual([":irc.test 482 other #c :You're not channel operator"]);
    op.send('INVITE third #c', 'INVITE other #c', 'INVITE ghost #c');
    expect(op.lines()).toEqual([
      ':irc.test 341 op third #c',
      ':irc.test 443 op other #c :is already on channel',
      ':irc.test 401 op ghost :No such nick/channel',
    ]);
    expect(third.lines()).toEqual([':op!~op@10.0.0.1 INVITE third #c']);
    third.send('JOIN #c', 'PART #c', 'JOIN #c');
    const lines = third.lines();
    expect(lines[0]).toBe(':third!~third@10.0.0.1 JOIN #c');
    // The invitation is used up by the first join.
    expect(lines.at(-1)).toBe(':irc.test 473 third #c :Cannot join channel (+i)');
    op.send('MODE #c +I *!*@10.0.0.*');
    third.send('JOIN #c');
    expect(third.lines()[0]).toBe(':third!~third@10.0.0.1 JOIN #c');
  });

  it('bans with wildcards block joining and speaking; +e exceptions and voice override', () => {
    const { server, op, other } = setup();
    other.send('JOIN #c');
    op.send('MODE #c +b *!*@10.9.*');
    expect(op.lines().at(-1)).toBe(':op!~op@10.0.0.1 MODE #c +b *!*@10.9.*');
    other.lines();
    other.send('PRIVMSG #c :hi');
    expect(other.lines()).toEqual([':irc.test 404 other #c :Cannot send to channel']);
    const banned = server.register('banned', { host: '10.9.1.1' });
    banned.send('JOIN #c');
    expect(banned.lines()).toEqual([':irc.test 474 banned #c :Cannot join channel (+b)']);
    op.send('MODE #c +e BANNED');
    expect(op.lines()).toEqual([':op!~op@10.0.0.1 MODE #c +e BANNED!*@*']);
    banned.send('JOIN #c');
    expect(banned.lines()[0]).toBe(':banned!~banned@10.9.1.1 JOIN #c');
    op.lines();
    op.send('MODE #c +v other');
    other.lines();
    other.send('PRIVMSG #c :voiced');
    expect(op.lines()).toEqual([
      ':op!~op@10.0.0.1 MODE #c +v other',
      ':other!~other@10.9.9.9 PRIVMSG #c :voiced',
    ]);
    op.send('MODE #c b', 'MODE #c e', 'MODE #c I');
    expect(op.lines()).toEqual([
      ':irc.test 367 op #c *!*@10.9.* op 1767323045',
      ':irc.test 368 op #c :End of channel ban list',
      ':irc.test 348 op #c BANNED!*@*op 1767323045'.replace('*op', '* op'),
      ':irc.test 349 op #c :End of channel exception list',
      ':irc.test 347 op #c :End of channel invite list',
    ]);
  });

  it('+n and +m decide who may speak', () => {
    const { op, other } = setup();
    op.send('MODE #c +n');
    op.lines();
    other.send('PRIVMSG #c :outside', 'NOTICE #c :outside');
    expect(other.lines()).toEqual([':irc.test 404 other #c :Cannot send to channel']);
    op.send('MODE #c -n');
    other.send('PRIVMSG #c :outside');
    expect(op.lines()).toEqual([
      ':op!~op@10.0.0.1 MODE #c -n',
      ':other!~other@10.9.9.9 PRIVMSG #c :outside',
    ]);
    other.send('JOIN #c');
    op.send('MODE #c +m');
    op.lines();
    other.lines();
    other.send('PRIVMSG #c :muted');
    expect(other.lines()).toEqual([':irc.test 404 other #c :Cannot send to channel']);
    op.send('PRIVMSG #c :op speaks');
    expect(other.lines()).toEqual([':op!~op@10.0.0.1 PRIVMSG #c :op speaks']);
  });

  it('MODE queries (324/329), 482 for non-ops, 472 for unknown modes, 441 for non-members', () => {
    const { op, other } = setup();
    op.send('MODE #c +nstk key', 'MODE #c');
    expect(op.lines()).toEqual([
      // A new channel starts +nt (defaultChannelModes), so only s and k change.
      ':op!~op@10.0.0.1 MODE #c +sk key',
      ':irc.test 324 op #c +nstk key',
      ':irc.test 329 op #c 1767323045',
    ]);
    other.send('MODE #c', 'MODE #c +m');
    expect(other.lines()).toEqual([
      ':irc.test 324 other #c +nstk *',
      ':irc.test 329 other #c 1767323045',
      ":irc.test 482 other #c :You're not channel operator",
    ]);
    op.send('MODE #c +X', 'MODE #c +o other', 'MODE #nope');
    expect(op.lines()).toEqual([
      ':irc.test 472 op X :is unknown mode char to me',
      ":irc.test 441 op other #c :They aren't on that channel",
      ':irc.test 403 op #nope :No such channel',
    ]);
  });

  it('secret channels are hidden from LIST, NAMES and WHOIS', () => {
    const { op, other } = setup();
    op.send('JOIN #open', 'TOPIC #open :come in', 'MODE #c +s');
    op.lines();
    other.send('LIST');
    expect(other.lines()).toEqual([
      ':irc.test 321 other Channel :Users  Name',
      ':irc.test 322 other #open 1 :come in',
      ':irc.test 323 other :End of /LIST',
    ]);
    other.send('NAMES #c', 'WHOIS op');
    const lines = other.lines();
    expect(lines[0]).toBe(':irc.test 366 other #c :End of /NAMES list');
    expect(lines).toContain(':irc.test 319 other op :@#open');
  });
});
