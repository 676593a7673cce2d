import { InMemoryUsernamePasswordDatabaseDontUse, Portal, SimpleRealm } from '@tw/core';
import { describe, expect, it } from 'vitest';
import { IRC_ACCOUNT_INTERFACE } from '../../src/server/config.js';
import { TestServer } from './harness.js';

const TIME = '2026-01-02T03:04:05.678Z';

function accountPortal(): Portal {
  const realm = new SimpleRealm({ [IRC_ACCOUNT_INTERFACE]: (id) => id });
  return new Portal(realm, [new InMemoryUsernamePasswordDatabaseDontUse({ alice: 'wonderland' })]);
}

const plain = (authz: string, authc: string, pass: string): string =>
  Buffer.from(`${authz}\0${authc}\0${pass}`).toString('base64');

describe('PRIVMSG and NOTICE', () => {
  it('delivers to users and channels; 401/403/411/412/407; NOTICE gets no errors', () => {
    const server = new TestServer({ maxTargets: 2 });
    const a = server.register('a');
    const b = server.register('b');
    a.send('JOIN #c');
    b.send('JOIN #c');
    a.lines();
    b.lines();
    a.send('PRIVMSG b :hello there', 'PRIVMSG #C :to all', 'NOTICE b :psst');
    expect(b.lines()).toEqual([
      ':a!~a@10.0.0.1 PRIVMSG b :hello there',
      ':a!~a@10.0.0.1 PRIVMSG #C :to all',
      ':a!~a@10.0.0.1 NOTICE b :psst',
    ]);
    expect(a.lines()).toEqual([]);
    a.send('PRIVMSG', 'PRIVMSG b', 'PRIVMSG x :hi', 'PRIVMSG #x :hi', 'PRIVMSG a,b,c :hi');
    expect(a.lines()).toEqual([
      ':irc.test 411 a :No recipient given (PRIVMSG)',
      ':irc.test 412 a :No text to send',
      ':irc.test 401 a x :No such nick/channel',
      ':irc.test 403 a #x :No such channel',
      ':irc.test 407 a a,b,c :Too many recipients. Only 2 processed',
    ]);
    a.send('NOTICE', 'NOTICE b', 'NOTICE x :hi', 'NOTICE #x :hi');
    expect(a.lines()).toEqual([]);
    a.send('PRIVMSG a,b :both');
    expect(a.lines()).toEqual([':a!~a@10.0.0.1 PRIVMSG a :both']);
    expect(b.lines()).toEqual([':a!~a@10.0.0.1 PRIVMSG b :both']);
  });

  it('cuts relayed text so the line stays within 512 bytes', () => {
    const server = new TestServer();
    const a = server.register('a');
    const b = server.register('b');
    a.send(`PRIVMSG b :${'z'.repeat(495)}`);
    const [line] = b.lines();
    expect(line).toMatch(/^:a!~a@10\.0\.0\.1 PRIVMSG b :z+$/);
    expect(Buffer.byteLength(`${line}\r\n`)).toBe(512);
  });

  it('AWAY: 306/305, 301 to PRIVMSG senders, away-notify to channel members', () => {
    const server = new TestServer();
    const a = server.register('a');
    const watcher = server.register('w', { caps: ['away-notify'] });
    const plainMember = server.register('p');
    for (const c of [a, watcher, plainMember]) c.send('JOIN #c');
    for (const c of [a, watcher, plainMember]) c.lines();
    a.send('AWAY :gone fishing');
    expect(a.lines()).toEqual([':irc.test 306 a :You have been marked as being away']);
    expect(watcher.lines()).toEqual([':a!~a@10.0.0.1 AWAY :gone fishing']);
    expect(plainMember.lines()).toEqual([]);
    plainMember.send('PRIVMSG a :you there?', 'NOTICE a :no reply');
    expect(plainMember.lines()).toEqual([':irc.test 301 p a :gone fishing']);
    a.lines();
    a.send('AWAY');
    expect(a.lines()).toEqual([':irc.test 305 a :You are no longer marked as being away']);
    expect(watcher.lines()).toEqual([':a!~a@10.0.0.1 AWAY']);
  });
});

describe('IRCv3', () => {
  it('CAP LS 302 lists capabilities, with sasl=PLAIN when accounts exist (golden)', () => {
    const server = new TestServer({ accountPortal: accountPortal() });
    const client = server.connect();
    client.send('CAP LS 302', 'NICK a', 'USER a 0 * :A');
    expect(client.lines()).toEqual([
      ':irc.test CAP * LS :message-tags server-time echo-message multi-prefix away-notify account-tag cap-notify sasl=PLAIN extended-join userhost-in-names invite-notify setname batch labeled-response',
    ]);
    client.send(
      'CAP REQ :server-time bogus',
      'CAP REQ :server-time multi-prefix',
      'CAP LIST',
      'CAP FOO',
    );
    expect(client.lines()).toEqual([
      ':irc.test CAP a NAK :server-time bogus',
      `@time=${TIME} :irc.test CAP a ACK :server-time multi-prefix`,
      `@time=${TIME} :irc.test CAP a LIST :cap-notify server-time multi-prefix`,
      `@time=${TIME} :irc.test 410 a FOO :Invalid CAP command`,
    ]);
    client.send('CAP END');
    expect(client.lines()[0]).toMatch(/^@time=\S+ :irc.test 001 a /);
  });

  it('CAP LS without 302 hides values; sasl is absent without an account portal', () => {
    const server = new TestServer();
    const client = server.connect();
    client.send('CAP LS');
    expect(client.lines()).toEqual([
      ':irc.test CAP * LS :message-tags server-time echo-message multi-prefix away-notify account-tag cap-notify extended-join userhost-in-names invite-notify setname batch labeled-response',
    ]);
  });

  it('echo-message, server-time and message-tags: tags only to clients that enabled them', () => {
    const server = new TestServer();
    const sender = server.register('s', { caps: ['echo-message', 'message-tags'] });
    const tagged = server.register('t', { caps: ['server-time', 'message-tags'] });
    const bare = server.register('b');
    for (const c of [sender, tagged, bare]) c.send('JOIN #c');
    for (const c of [sender, tagged, bare]) c.lines();
    sender.send('@+draft/react=\\:) PRIVMSG #c :hi');
    // Everyone with message-tags sees the same msgid, the echo included.
    expect(sender.lines()).toEqual([
      '@+draft/react=\\:);msgid=mjwaidke-1 :s!~s@10.0.0.1 PRIVMSG #c :hi',
    ]);
    expect(tagged.lines()).toEqual([
      `@+draft/react=\\:);msgid=mjwaidke-1;time=${TIME} :s!~s@10.0.0.1 PRIVMSG #c :hi`,
    ]);
    expect(bare.lines()).toEqual([':s!~s@10.0.0.1 PRIVMSG #c :hi']);
    sender.send('@+typing=active TAGMSG #c');
    expect(tagged.lines()).toEqual([
      `@+typing=active;msgid=mjwaidke-2;time=${TIME} :s!~s@10.0.0.1 TAGMSG #c`,
    ]);
    expect(bare.lines()).toEqual([]);
    expect(sender.lines()).toEqual(['@+typing=active;msgid=mjwaidke-2 :s!~s@10.0.0.1 TAGMSG #c']);
  });

  it('multi-prefix shows every prefix in NAMES and WHO', () => {
    const server = new TestServer();
    const op = server.register('op', { caps: ['multi-prefix'] });
    const plain1 = server.register('pl');
    op.send('JOIN #c', 'MODE #c +v op');
    plain1.send('JOIN #c');
    op.lines();
    op.send('NAMES #c', 'WHO #c');
    expect(op.lines()).toEqual([
      ':irc.test 353 op = #c :@+op pl',
      ':irc.test 366 op #c :End of /NAMES list',
      ':irc.test 352 op #c ~op 10.0.0.1 irc.test op H@+ :0 op real',
      ':irc.test 352 op #c ~pl 10.0.0.1 irc.test pl H :0 pl real',
      ':irc.test 315 op #c :End of /WHO list',
    ]);
    plain1.lines();
    plain1.send('NAMES #c');
    expect(plain1.lines()[0]).toBe(':irc.test 353 pl = #c :@op pl');
  });

  it('SASL PLAIN logs in through the portal; account-tag and 330 show the account', () => {
    const server = new TestServer({ accountPortal: accountPortal() });
    const watcher = server.register('w', { caps: ['account-tag'] });
    const client = server.connect();
    client.send(
      'CAP LS 302',
      'CAP REQ :sasl',
      'NICK alice',
      'USER alice 0 * :A',
      'AUTHENTICATE PLAIN',
    );
    expect(client.lines().slice(-1)).toEqual(['AUTHENTICATE +']);
    client.send(`AUTHENTICATE ${plain('', 'alice', 'wonderland')}`);
    expect(client.lines()).toEqual([
      ':irc.test 900 alice alice!~alice@10.0.0.1 alice :You are now logged in as alice',
      ':irc.test 903 alice :SASL authentication successful',
    ]);
    client.send('CAP END');
    expect(client.lines()[0]).toMatch(/ 001 alice /);
    client.send('PRIVMSG w :hi', 'AUTHENTICATE PLAIN');
    expect(watcher.lines()).toEqual(['@account=alice :alice!~alice@10.0.0.1 PRIVMSG w :hi']);
    expect(client.lines()).toEqual([
      ':irc.test 907 alice :You have already authenticated using SASL',
    ]);
    watcher.send('WHOIS alice');
    expect(watcher.lines()).toContain(':irc.test 330 w alice alice :is logged in as');
  });

  it('SASL failures: 904 bad password, 908+904 unknown mechanism, 906 abort, 905 too long', () => {
    const server = new TestServer({ accountPortal: accountPortal() });
    const client = server.connect();
    client.send('CAP REQ :sasl', 'AUTHENTICATE EXTERNAL');
    client.lines();
    client.send('AUTHENTICATE SCRAM-SHA-256');
    expect(client.lines()).toEqual([
      ':irc.test 908 * PLAIN :are available SASL mechanisms',
      ':irc.test 904 * :SASL authentication failed',
    ]);
    client.send('AUTHENTICATE PLAIN', `AUTHENTICATE ${plain('', 'alice', 'wrong')}`);
    expect(client.lines()).toEqual([
      'AUTHENTICATE +',
      ':irc.test 904 * :SASL authentication failed',
    ]);
    client.send('AUTHENTICATE PLAIN', 'AUTHENTICATE *');
    expect(client.lines()).toEqual([
      'AUTHENTICATE +',
      ':irc.test 906 * :SASL authentication aborted',
    ]);
    client.send('AUTHENTICATE PLAIN', `AUTHENTICATE ${'A'.repeat(401)}`);
    expect(client.lines()).toEqual(['AUTHENTICATE +', ':irc.test 905 * :SASL message too long']);
  });
});
