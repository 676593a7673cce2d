import { describe, expect, it } from 'vitest';
import { TestServer } from './harness.js';

describe('registration', () => {
  it('welcomes NICK + USER with 001–005, LUSERS and 422 (golden)', () => {
    const server = new TestServer();
    const client = server.connect();
    client.send('NICK alice', 'USER alice 0 * :Alice Liddell');
    expect(client.lines()).toEqual([
      ':irc.test 001 alice :Welcome to the TestNet Internet Relay Chat Network alice!~alice@10.0.0.1',
      ':irc.test 002 alice :Your host is irc.test, running version tw-irc-0.0.0',
      ':irc.test 003 alice :This server was created Fri, 02 Jan 2026 03:04:05 GMT',
      ':irc.test 004 alice irc.test tw-irc-0.0.0 iow beIiklmnost beIklov',
      ':irc.test 005 alice AWAYLEN=200 CASEMAPPING=rfc1459 CHANLIMIT=#:50 CHANMODES=beI,k,l,imnst CHANNELLEN=50 CHANTYPES=# ELIST=CMNTU EXCEPTS=e INVEX=I KICKLEN=307 MAXLIST=beI:100 MODES=4 MONITOR=100 :are supported by this server',
      ':irc.test 005 alice NETWORK=TestNet NAMELEN=100 NICKLEN=30 PREFIX=(ov)@+ SAFELIST STATUSMSG=@+ TARGMAX=JOIN:4,KICK:1,NAMES:1,NOTICE:4,PART:4,PRIVMSG:4,TAGMSG:4,WHOIS:1 TOPICLEN=390 USERLEN=10 WHOX :are supported by this server',
      ':irc.test 251 alice :There are 1 users and 0 invisible on 1 servers',
      ':irc.test 255 alice :I have 1 clients and 0 servers',
      ':irc.test 265 alice 1 1 :Current local users 1, max 1',
      ':irc.test 266 alice 1 1 :Current global users 1, max 1',
      ':irc.test 422 alice :MOTD File is missing',
    ]);
  });

  it('sends the MOTD in 375/372/376', () => {
    const server = new TestServer({ motd: 'line one\nline two\n' });
    const client = server.connect();
    client.send('USER bob 0 * :Bob', 'NICK bob');
    const motd = client.lines().filter((l) => / 37[256] /.test(l));
    expect(motd).toEqual([
      ':irc.test 375 bob :- irc.test Message of the day - ',
      ':irc.test 372 bob :- line one',
      ':irc.test 372 bob :- line two',
      ':irc.test 376 bob :End of /MOTD command.',
    ]);
  });

  it('rejects bad nicknames and nicknames in use', () => {
    const server = new TestServer({ nickLen: 9 });
    server.register('alice');
    const client = server.connect();
    client.send(
      'NICK',
      'NICK 1abc',
      'NICK -abc',
      'NICK waytoolongnick',
      'NICK ALICE',
      'NICK a[b]c`{|}',
    );
    expect(client.lines()).toEqual([
      ':irc.test 431 * :No nickname given',
      ':irc.test 432 * 1abc :Erroneous nickname',
      ':irc.test 432 * -abc :Erroneous nickname',
      ':irc.test 432 * waytoolongnick :Erroneous nickname',
      ':irc.test 433 * ALICE :Nickname is already in use',
    ]);
    client.send('USER x 0 * :x');
    expect(client.lines()[0]).toBe(
      ':irc.test 001 a[b]c`{|} :Welcome to the TestNet Internet Relay Chat Network a[b]c`{|}!~x@10.0.0.1',
    );
  });

  it('answers 451 before registration, 421 after, 461 for missing parameters, 462 on USER again', () => {
    const server = new TestServer();
    const client = server.connect();
    client.send('JOIN #a', 'FOO', 'USER a');
    expect(client.lines()).toEqual([
      ':irc.test 451 * :You have not registered',
      ':irc.test 451 * :You have not registered',
      ':irc.test 461 * USER :Not enough parameters',
    ]);
    client.send('NICK a', 'USER a 0 * :A');
    client.lines();
    client.send('FOO bar', 'USER a 0 * :A', 'KICK #x');
    expect(client.lines()).toEqual([
      ':irc.test 421 a FOO :Unknown command',
      ':irc.test 462 a :You may not reregister',
      ':irc.test 461 a KICK :Not enough parameters',
    ]);
  });

  it('checks PASS when the server has a password', () => {
    const server = new TestServer({ password: 'sesame' });
    const wrong = server.connect();
    wrong.send('PASS nope', 'NICK a', 'USER a 0 * :A');
    expect(wrong.lines()).toEqual([
      ':irc.test 464 a :Password incorrect',
      'ERROR :Closing Link: 10.0.0.1 (Bad password)',
    ]);
    expect(wrong.closed).toBe(true);
    const right = server.connect();
    right.send('PASS sesame', 'NICK a', 'USER a 0 * :A');
    expect(right.lines()[0]).toMatch(/ 001 a /);
  });

  it('closes a connection that does not register in time', () => {
    const server = new TestServer({ registrationTimeout: 30 });
    const client = server.connect();
    client.send('NICK slow');
    server.clock.advance(29);
    expect(client.closed).toBe(false);
    server.clock.advance(1);
    expect(client.lines()).toEqual(['ERROR :Closing Link: 10.0.0.1 (Registration timed out)']);
    expect(client.closed).toBe(true);
  });

  it('PINGs a quiet client and drops it after the timeout; PONG keeps it', () => {
    const server = new TestServer({ pingInterval: 100, pingTimeout: 20 });
    const quiet = server.register('quiet');
    const lively = server.register('lively');
    const watcher = server.register('watcher');
    quiet.send('JOIN #c');
    watcher.send('JOIN #c');
    quiet.lines();
    watcher.lines();
    server.clock.advance(100);
    expect(quiet.lines()).toEqual(['PING irc.test']);
    expect(lively.lines()).toEqual(['PING irc.test']);
    lively.send('PONG :irc.test');
    server.clock.advance(20);
    expect(quiet.lines()).toEqual(['ERROR :Closing Link: 10.0.0.1 (Ping timeout: 120 seconds)']);
    expect(quiet.closed).toBe(true);
    expect(watcher.take('QUIT')).toEqual([
      ':quiet!~quiet@10.0.0.1 QUIT :Ping timeout: 120 seconds',
    ]);
    expect(lively.closed).toBe(false);
    expect(lively.lines()).toEqual([]);
  });

  it('answers PING with PONG and 409 without a token', () => {
    const server = new TestServer();
    const client = server.register('a');
    client.send('PING :abc', 'PING');
    expect(client.lines()).toEqual([
      ':irc.test PONG irc.test abc',
      ':irc.test 409 a :No origin specified',
    ]);
  });

  it('broadcasts QUIT once to common channels and sends ERROR', () => {
    const server = new TestServer();
    const a = server.register('a');
    const b = server.register('b');
    a.send('JOIN #one,#two');
    b.send('JOIN #one,#two');
    a.lines();
    b.lines();
    b.send('QUIT :bye now');
    expect(b.lines()).toEqual(['ERROR :Closing Link: 10.0.0.1 (Quit: bye now)']);
    expect(a.lines()).toEqual([':b!~b@10.0.0.1 QUIT :Quit: bye now']);
    expect(server.factory.state.findUser('b')).toBeUndefined();
  });

  it('announces a nick change to common channels once, and to the user', () => {
    const server = new TestServer();
    const a = server.register('a');
    const b = server.register('b');
    a.send('JOIN #one,#two');
    b.send('JOIN #one,#two');
    a.lines();
    b.lines();
    b.send('NICK Bee');
    expect(b.lines()).toEqual([':b!~b@10.0.0.1 NICK Bee']);
    expect(a.lines()).toEqual([':b!~b@10.0.0.1 NICK Bee']);
    a.send('WHOWAS b');
    expect(a.lines()[0]).toBe(':irc.test 314 a b ~b 10.0.0.1 * :b real');
  });
});
