import { InMemoryUsernamePasswordDatabaseDontUse, Portal, SimpleRealm } from '@tw/core';
import { describe, expect, it } from 'vitest';
import { IRC_OPERATOR_INTERFACE } from '../../src/server/config.js';
import { TestServer } from './harness.js';

function operatorPortal(): Portal {
  const realm = new SimpleRealm({ [IRC_OPERATOR_INTERFACE]: (id) => id });
  return new Portal(realm, [new InMemoryUsernamePasswordDatabaseDontUse({ root: 'toor' })]);
}

describe('queries', () => {
  it('WHOIS (golden), 401 + 318 for unknown nicks, 431 without one', () => {
    const server = new TestServer();
    const a = server.register('a');
    const b = server.register('b', { host: '10.0.0.2' });
    b.send('JOIN #c', 'AWAY :afk');
    server.clock.advance(42);
    a.send('WHOIS b', 'WHOIS nobody', 'WHOIS');
    expect(a.lines()).toEqual([
      ':irc.test 311 a b ~b 10.0.0.2 * :b real',
      ':irc.test 319 a b :@#c',
      ':irc.test 312 a b irc.test :@tw IRC server',
      ':irc.test 301 a b :afk',
      ':irc.test 317 a b 42 1767323045 :seconds idle, signon time',
      ':irc.test 318 a b :End of /WHOIS list',
      ':irc.test 401 a nobody :No such nick/channel',
      ':irc.test 318 a nobody :End of /WHOIS list',
      ':irc.test 431 a :No nickname given',
    ]);
  });

  it('WHO by mask hides invisible users who share no channel', () => {
    const server = new TestServer();
    const a = server.register('a');
    const vis = server.register('visible');
    const inv = server.register('invis');
    vis.lines();
    inv.send('MODE invis +i');
    expect(inv.lines()).toEqual([':invis!~invis@10.0.0.1 MODE invis +i']);
    a.send('WHO *is*');
    expect(a.lines()).toEqual([
      ':irc.test 352 a * ~visible 10.0.0.1 irc.test visible H :0 visible real',
      ':irc.test 315 a *is* :End of /WHO list',
    ]);
    a.send('MODE invis', 'MODE a', 'MODE a +x');
    expect(a.lines()).toEqual([
      ":irc.test 502 a :Can't change mode for other users",
      ':irc.test 221 a +',
      ':irc.test 501 a :Unknown MODE flag',
    ]);
  });

  it('WHOWAS keeps history after QUIT; 406 for unknown nicks', () => {
    const server = new TestServer();
    const a = server.register('a');
    server.register('gone').send('QUIT');
    a.send('WHOWAS gone', 'WHOWAS never');
    expect(a.lines()).toEqual([
      ':irc.test 314 a gone ~gone 10.0.0.1 * :gone real',
      ':irc.test 312 a gone irc.test :Fri, 02 Jan 2026 03:04:05 GMT',
      ':irc.test 369 a gone :End of WHOWAS',
      ':irc.test 406 a never :There was no such nickname',
      ':irc.test 369 a never :End of WHOWAS',
    ]);
  });

  it('ISON and USERHOST', () => {
    const server = new TestServer();
    const a = server.register('a');
    const b = server.register('Bee');
    b.send('AWAY :out');
    a.send('ISON bee ghost a', 'ISON :bee ghost', 'USERHOST bee ghost a');
    expect(a.lines()).toEqual([
      ':irc.test 303 a :Bee a',
      ':irc.test 303 a :Bee',
      ':irc.test 302 a :Bee=-~Bee@10.0.0.1 a=+~a@10.0.0.1',
    ]);
  });

  it('MOTD, LUSERS, VERSION, TIME', () => {
    const server = new TestServer();
    const a = server.register('a');
    a.send('JOIN #c', 'MODE a +i');
    server.connect();
    a.lines();
    a.send('LUSERS', 'MOTD', 'TIME', 'VERSION');
    const lines = a.lines();
    expect(lines.slice(0, 8)).toEqual([
      ':irc.test 251 a :There are 0 users and 1 invisible on 1 servers',
      ':irc.test 253 a 1 :unknown connection(s)',
      ':irc.test 254 a 1 :channels formed',
      ':irc.test 255 a :I have 1 clients and 0 servers',
      ':irc.test 265 a 1 1 :Current local users 1, max 1',
      ':irc.test 266 a 1 1 :Current global users 1, max 1',
      ':irc.test 422 a :MOTD File is missing',
      ':irc.test 391 a irc.test :Fri, 02 Jan 2026 03:04:05 GMT',
    ]);
    expect(lines[8]).toBe(':irc.test 351 a tw-irc-0.0.0 irc.test :@tw IRC server');
    expect(lines[9]).toMatch(/^:irc.test 005 a AWAYLEN=200 /);
  });
});

describe('server queries', () => {
  it('ADMIN answers 256–259, with what is configured or "Not configured"', () => {
    const server = new TestServer({
      admin: { location: 'Somewhere, Earth', organisation: 'The Test Team', email: null },
    });
    const a = server.register('a');
    a.send('ADMIN', 'ADMIN irc.test');
    const reply = [
      ':irc.test 256 a irc.test :Administrative info',
      ':irc.test 257 a :Somewhere, Earth',
      ':irc.test 258 a :The Test Team',
      ':irc.test 259 a :Not configured',
    ];
    expect(a.lines()).toEqual([...reply, ...reply]);
  });

  it('INFO answers 371 lines and 374', () => {
    const a = new TestServer().register('a');
    a.send('INFO');
    const lines = a.lines();
    expect(lines.at(-1)).toBe(':irc.test 374 a :End of INFO list');
    expect(lines.slice(0, -1).every((line) => line.startsWith(':irc.test 371 a :'))).toBe(true);
    expect(lines.join('\n')).toContain('tw-irc-0.0.0');
  });

  it('HELP lists the commands, explains one, and answers 524 for an unknown subject', () => {
    const a = new TestServer().register('a');
    a.send('HELP');
    const index = a.lines();
    expect(index[0]).toBe(':irc.test 704 a * :** Help for irc.test **');
    expect(index.at(-1)).toBe(':irc.test 706 a * :End of /HELP.');
    expect(index.slice(1, -1).every((line) => line.startsWith(':irc.test 705 a * :'))).toBe(true);
    expect(index.join(' ')).toContain(' MONITOR ');
    a.send('HELPOP privmsg', 'HELP nonsense');
    expect(a.lines()).toEqual([
      ':irc.test 704 a privmsg :** PRIVMSG **',
      ':irc.test 705 a privmsg :PRIVMSG target[,target…] :text — message a channel or a nick',
      ':irc.test 706 a privmsg :End of /HELP.',
      ':irc.test 524 a nonsense :No help available on this topic',
    ]);
  });

  it('LINKS names this server alone, when the mask matches it', () => {
    const a = new TestServer({ description: 'Test server' }).register('a');
    a.send('LINKS', 'LINKS *.test', 'LINKS other.*', 'LINKS elsewhere.example *');
    expect(a.lines()).toEqual([
      ':irc.test 364 a irc.test irc.test :0 Test server',
      ':irc.test 365 a * :End of /LINKS list',
      ':irc.test 364 a irc.test irc.test :0 Test server',
      ':irc.test 365 a *.test :End of /LINKS list',
      ':irc.test 365 a other.* :End of /LINKS list',
      ':irc.test 402 a elsewhere.example :No such server',
    ]);
  });

  it('queries aimed at another server get 402; this server or a user on it is fine', () => {
    const server = new TestServer();
    const a = server.register('a');
    server.register('b');
    for (const command of ['ADMIN', 'INFO', 'VERSION', 'TIME', 'MOTD']) {
      a.send(`${command} elsewhere.example`);
      expect(a.lines()).toEqual([`:irc.test 402 a elsewhere.example :No such server`]);
    }
    a.send('TIME IRC.TEST', 'TIME b');
    expect(a.lines().map((line) => line.split(' ')[1])).toEqual(['391', '391']);
  });
});

describe('operators', () => {
  it('OPER through the portal: 464 on a bad password, 381 and +o on success; 491 without a portal', () => {
    const server = new TestServer({ operatorPortal: operatorPortal() });
    const a = server.register('a');
    a.send('OPER root wrong', 'OPER nobody toor', 'OPER root toor', 'MODE a +o');
    expect(a.lines()).toEqual([
      ':irc.test 464 a :Password incorrect',
      ':irc.test 464 a :Password incorrect',
      ':a!~a@10.0.0.1 MODE a +o',
      ':irc.test 381 a :You are now an IRC operator',
    ]);
    a.send('WHOIS a');
    expect(a.lines()).toContain(':irc.test 313 a a :is an IRC operator');
    const noPortal = new TestServer().register('x');
    noPortal.send('OPER root toor');
    expect(noPortal.lines()).toEqual([':irc.test 491 x :No O-lines for your host']);
  });

  it('LUSERS counts follow +i, -i, OPER, nick changes and quits', () => {
    const server = new TestServer({ operatorPortal: operatorPortal() });
    const a = server.register('a');
    const b = server.register('b');
    const c = server.register('c');
    const counts = (): string[] => {
      a.lines();
      a.send('LUSERS');
      return a.lines().filter((line) => / 25[12] /.test(line));
    };
    b.send('MODE b +i', 'MODE b +i');
    c.send('MODE c +i', 'OPER root toor', 'NICK cc');
    expect(counts()).toEqual([
      ':irc.test 251 a :There are 1 users and 2 invisible on 1 servers',
      ':irc.test 252 a 1 :operator(s) online',
    ]);
    b.send('MODE b -i');
    c.send('MODE cc -o');
    expect(counts()).toEqual([':irc.test 251 a :There are 2 users and 1 invisible on 1 servers']);
    c.send('OPER root toor', 'QUIT :bye');
    expect(counts()).toEqual([':irc.test 251 a :There are 2 users and 0 invisible on 1 servers']);
  });

  it('WALLOPS: operators only, delivered to users with +w', () => {
    const server = new TestServer({ operatorPortal: operatorPortal() });
    const oper = server.register('oper');
    const listener = server.register('listener');
    const deaf = server.register('deaf');
    listener.send('MODE listener +w');
    listener.lines();
    deaf.send('WALLOPS :hi');
    expect(deaf.lines()).toEqual([
      ":irc.test 481 deaf :Permission Denied- You're not an IRC operator",
    ]);
    oper.send('OPER root toor', 'WALLOPS :maintenance soon');
    expect(listener.lines()).toEqual([':oper!~oper@10.0.0.1 WALLOPS :maintenance soon']);
    expect(deaf.lines()).toEqual([]);
  });

  it('KILL: 481 for non-operators; operators disconnect the target, channels see QUIT', () => {
    const server = new TestServer({ operatorPortal: operatorPortal() });
    const oper = server.register('oper');
    const victim = server.register('victim');
    const bystander = server.register('by');
    victim.send('JOIN #c');
    bystander.send('JOIN #c', 'KILL victim :no');
    expect(bystander.lines().at(-1)).toBe(
      ":irc.test 481 by :Permission Denied- You're not an IRC operator",
    );
    victim.lines();
    oper.send('OPER root toor', 'KILL ghost :x', 'KILL victim :spamming');
    expect(oper.lines().at(-1)).toBe(':irc.test 401 oper ghost :No such nick/channel');
    expect(victim.lines()).toEqual([
      ':oper!~oper@10.0.0.1 KILL victim :spamming',
      'ERROR :Closing Link: 10.0.0.1 (Killed (oper (spamming)))',
    ]);
    expect(victim.closed).toBe(true);
    expect(bystander.lines()).toEqual([':victim!~victim@10.0.0.1 QUIT :Killed (oper (spamming))']);
  });
});
