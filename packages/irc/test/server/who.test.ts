import { InMemoryUsernamePasswordDatabaseDontUse, Portal, SimpleRealm } from '@tw/core';
import { describe, expect, it } from 'vitest';
import { IRC_ACCOUNT_INTERFACE, IRC_OPERATOR_INTERFACE } from '../../src/server/config.js';
import { TestServer, type TestClient } from './harness.js';

function portal(iface: string, users: Record<string, string>): Portal {
  const realm = new SimpleRealm({ [iface]: (id) => id });
  return new Portal(realm, [new InMemoryUsernamePasswordDatabaseDontUse(users)]);
}

/** irctest's WHO set-up: coolNick and otherNick in #chan (coolNick is its op). */
function whoSetup(server: TestServer): { cool: TestClient; other: TestClient } {
  const cool = server.connect('10.0.0.1');
  cool.send('NICK coolNick', 'USER myusernam 0 * :My UniqueReal Name', 'JOIN #chan');
  const other = server.register('otherNick', { host: '10.0.0.2' });
  other.send('JOIN #chan');
  cool.lines();
  other.lines();
  return { cool, other };
}

describe('WHO (Modern IRC)', () => {
  it('an exact nick, case-folded nick or mask finds one user; 315 echoes the mask as sent', () => {
    const server = new TestServer();
    const { other } = whoSetup(server);
    for (const mask of ['coolNick', 'coolnick', 'coolni*']) {
      other.send(`WHO ${mask}`);
      expect(other.lines()).toEqual([
        ':irc.test 352 otherNick * ~myusernam 10.0.0.1 irc.test coolNick H :0 My UniqueReal Name',
        `:irc.test 315 otherNick ${mask} :End of /WHO list`,
      ]);
    }
  });

  it('flags: G when away, * for operators; a channel adds the member prefix', () => {
    const server = new TestServer({ operatorPortal: portal(IRC_OPERATOR_INTERFACE, { op: 'pw' }) });
    const { cool, other } = whoSetup(server);
    cool.send('OPER op pw', 'AWAY :be right back');
    other.lines();
    other.send('WHO coolNick', 'WHO #CHAN');
    expect(other.lines()).toEqual([
      ':irc.test 352 otherNick * ~myusernam 10.0.0.1 irc.test coolNick G* :0 My UniqueReal Name',
      ':irc.test 315 otherNick coolNick :End of /WHO list',
      ':irc.test 352 otherNick #chan ~myusernam 10.0.0.1 irc.test coolNick G*@ :0 My UniqueReal Name',
      ':irc.test 352 otherNick #chan ~otherNick 10.0.0.2 irc.test otherNick H :0 otherNick real',
      ':irc.test 315 otherNick #CHAN :End of /WHO list',
    ]);
    other.send('WHO * o');
    expect(other.lines()).toEqual([
      ':irc.test 352 otherNick * ~myusernam 10.0.0.1 irc.test coolNick G* :0 My UniqueReal Name',
      ':irc.test 315 otherNick * :End of /WHO list',
    ]);
  });

  it('an unknown nick gets only 315; invisible users are found by exact nick, not by mask', () => {
    const server = new TestServer();
    const evan = server.register('evan');
    evan.send('MODE evan +i');
    const shiv = server.register('shivaram', { host: '10.0.0.2' });
    shiv.send('WHO idontexist', 'WHO eva*', 'WHO evan');
    expect(shiv.lines()).toEqual([
      ':irc.test 315 shivaram idontexist :End of /WHO list',
      ':irc.test 315 shivaram eva* :End of /WHO list',
      ':irc.test 352 shivaram * ~evan 10.0.0.1 irc.test evan H :0 evan real',
      ':irc.test 315 shivaram evan :End of /WHO list',
    ]);
    evan.send('JOIN #test');
    shiv.send('JOIN #test');
    shiv.lines();
    shiv.send('WHO eva*');
    expect(shiv.lines()[0]).toContain(' 352 shivaram * ~evan ');
  });
});

describe('WHOX (IRCv3)', () => {
  it('is advertised, answers 354 with the fields in canonical order and the token', () => {
    const server = new TestServer();
    const { other } = whoSetup(server);
    server.clock.advance(7);
    for (const fields of ['%tcuihsnfdlaor,123', '%roaldfnshiuct,123']) {
      other.send(`WHO coolNick ${fields}`);
      expect(other.lines()).toEqual([
        ':irc.test 354 otherNick 123 * ~myusernam 10.0.0.1 10.0.0.1 irc.test coolNick H 0 7 0 n/a :My UniqueReal Name',
        ':irc.test 315 otherNick coolNick :End of /WHO list',
      ]);
    }
    other.send('WHO coolNick %tn,321', 'WHO #chan %cnf', 'WHO coolNick %n,toolong');
    expect(other.lines()).toEqual([
      ':irc.test 354 otherNick 321 :coolNick',
      ':irc.test 315 otherNick coolNick :End of /WHO list',
      ':irc.test 354 otherNick #chan coolNick :H@',
      ':irc.test 354 otherNick #chan otherNick :H',
      ':irc.test 315 otherNick #chan :End of /WHO list',
      ':irc.test 354 otherNick :coolNick',
      ':irc.test 315 otherNick coolNick :End of /WHO list',
    ]);
  });

  it('%a gives the account, or 0 when not logged in', () => {
    const server = new TestServer({
      accountPortal: portal(IRC_ACCOUNT_INTERFACE, { coolAcct: 'sesame' }),
    });
    const cool = server.connect();
    cool.send('CAP REQ sasl', 'AUTHENTICATE PLAIN');
    cool.send(`AUTHENTICATE ${Buffer.from('\0coolAcct\0sesame').toString('base64')}`);
    cool.send('NICK coolNick', 'USER u 0 * :r', 'CAP END');
    expect(cool.lines().some((l) => l.includes(' 903 '))).toBe(true);
    const other = server.register('otherNick');
    other.send('WHO coolNick %na', 'WHO otherNick %na');
    expect(other.lines()).toEqual([
      ':irc.test 354 otherNick coolNick :coolAcct',
      ':irc.test 315 otherNick coolNick :End of /WHO list',
      ':irc.test 354 otherNick otherNick :0',
      ':irc.test 315 otherNick otherNick :End of /WHO list',
    ]);
  });
});
