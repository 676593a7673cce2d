import { CancelledError, ConnectionLost, type Deferred } from '@tw/core';
import { describe, expect, it } from 'vitest';

import { IRCCommandError, NoSuchNickError } from '../../src/client/errors.js';
import { registered } from './harness.js';

function settle<T>(d: Deferred<T>): { value: T | undefined; error: unknown } {
  const box: { value: T | undefined; error: unknown } = { value: undefined, error: undefined };
  d.addCallbacks(
    (v) => {
      box.value = v;
    },
    (f) => {
      box.error = f.value;
    },
  );
  return box;
}

describe('IRCClient NAMES, WHO and WHOIS', () => {
  it('collects NAMES replies until 366, matching the channel under the server casemapping', () => {
    const h = registered({}, 'CASEMAPPING=rfc1459 PREFIX=(ov)@+ CHANTYPES=#');
    const names = settle(h.client.names('#Chan[1]'));
    const detailed = settle(h.client.namesWithPrefixes('#other'));
    expect(h.take()).toEqual(['NAMES #Chan[1]', 'NAMES #other']);
    h.server(
      ':s 353 bot = #other :@x',
      ':s 353 bot = #chan{1} :@alice +bob',
      ':s 353 bot = #CHAN{1} :@+carol dave!d@host',
      ':s 366 bot #chan{1} :End of /NAMES list.',
    );
    expect(names.value).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(detailed.value).toBeUndefined();
    h.server(':s 366 bot #other :End of /NAMES list.');
    expect(detailed.value).toEqual([{ nick: 'x', prefixes: '@' }]);
  });

  it('uses ascii casemapping when the server says so', () => {
    const h = registered({}, 'CASEMAPPING=ascii CHANTYPES=#');
    const names = settle(h.client.names('#a[b]'));
    h.server(':s 366 bot #a{b} :End'); // not the same channel under ascii
    expect(names.value).toBeUndefined();
    h.server(':s 366 bot #A[B] :End');
    expect(names.value).toEqual([]);
  });

  it('collects WHO rows until 315', () => {
    const h = registered();
    const who = settle(h.client.who('#chan'));
    expect(h.take()).toEqual(['WHO #chan']);
    h.server(
      ':s 352 bot #chan ~al host.a irc.test alice H@ :0 Alice Liddell',
      ':s 352 bot #chan bob host.b irc.test bob G* :2 Bob',
      ':s 315 bot #chan :End of WHO list',
    );
    expect(who.value).toEqual([
      {
        channel: '#chan',
        username: '~al',
        host: 'host.a',
        server: 'irc.test',
        nick: 'alice',
        flags: 'H@',
        away: false,
        operator: false,
        hopcount: 0,
        realname: 'Alice Liddell',
        account: null,
      },
      {
        channel: '#chan',
        username: 'bob',
        host: 'host.b',
        server: 'irc.test',
        nick: 'bob',
        flags: 'G*',
        away: true,
        operator: true,
        hopcount: 2,
        realname: 'Bob',
        account: null,
      },
    ]);
  });

  it('asks for accounts with WHOX when the server offers it', () => {
    const h = registered({}, 'WHOX CHANTYPES=#');
    const who = settle(h.client.who('#chan'));
    expect(h.take()).toEqual(['WHO #chan %tcuhsnfdar,152']);
    h.server(
      ':s 354 bot 152 #chan ~al host.a irc.test alice H@ 0 aliceacct :Alice Liddell',
      ':s 354 bot 152 #chan bob host.b irc.test bob H 0 0 :Bob',
      ':s 354 bot 999 #chan x y z other H 0 0 :not ours',
      ':s 315 bot #chan :End of WHO list',
    );
    expect(who.value?.map((r) => [r.nick, r.account, r.realname])).toEqual([
      ['alice', 'aliceacct', 'Alice Liddell'],
      ['bob', null, 'Bob'],
    ]);
  });

  it('collects WHOIS replies until 318', () => {
    const h = registered();
    const whois = settle(h.client.whois('Alice'));
    expect(h.take()).toEqual(['WHOIS Alice']);
    h.server(
      ':s 311 bot alice ~al host.a * :Alice Liddell',
      ':s 319 bot alice :@#chan +#other',
      ':s 312 bot alice irc.test :Test server',
      ':s 313 bot alice :is an IRC operator',
      ':s 301 bot alice :gone fishing',
      ':s 330 bot alice aliceacct :is logged in as',
      ':s 671 bot alice :is using a secure connection',
      ':s 317 bot alice 42 1700000000 :seconds idle, signon time',
      ':s 378 bot alice :is connecting from *@10.0.0.1',
      ':s 318 bot alice :End of /WHOIS list.',
    );
    const info = whois.value!;
    expect(info).toMatchObject({
      nick: 'Alice',
      username: '~al',
      host: 'host.a',
      realname: 'Alice Liddell',
      server: 'irc.test',
      serverInfo: 'Test server',
      operator: true,
      away: 'gone fishing',
      account: 'aliceacct',
      secure: true,
      idleSeconds: 42,
      channels: ['@#chan', '+#other'],
    });
    expect(info.signedOnAt?.getTime()).toBe(1_700_000_000_000);
    expect(info.other.map((m) => m.command)).toEqual(['378']);
  });

  it('fails WHOIS with NoSuchNickError on 401', () => {
    const h = registered();
    const whois = settle(h.client.whois('ghost'));
    h.server(':s 401 bot ghost :No such nick/channel', ':s 318 bot ghost :End of /WHOIS list.');
    expect(whois.error).toBeInstanceOf(NoSuchNickError);
    expect((whois.error as NoSuchNickError).nick).toBe('ghost');
    expect((whois.error as NoSuchNickError).code).toBe('TW_IRC_NO_SUCH_NICK');
  });

  it('fails a query the server refuses to run now (263 RPL_TRYAGAIN)', () => {
    const h = registered();
    const who = settle(h.client.who('*'));
    h.server(
      ':s 263 bot WHO :This command could not be completed because it has been used recently',
    );
    expect(who.error).toBeInstanceOf(IRCCommandError);
    expect((who.error as IRCCommandError).numeric).toBe('263');
    expect((who.error as IRCCommandError).code).toBe('TW_IRC_COMMAND_FAILED');
  });

  it('bounds what a reply may collect', () => {
    const h = registered({ limits: { maxNamesEntries: 3 } });
    const names = settle(h.client.names('#big'));
    h.server(':s 353 bot = #big :a b c d e f', ':s 366 bot #big :End');
    expect((names.error as { code: string }).code).toBe('TW_IRC_CLIENT_LIMIT');
  });

  it('keeps a cancelled query in line so its replies do not answer the next one', () => {
    const h = registered();
    const first = h.client.who('a*');
    const firstResult = settle(first);
    const second = settle(h.client.who('b*'));
    first.cancel();
    expect(firstResult.error).toBeInstanceOf(CancelledError);
    h.server(':s 352 bot * u h s alice H :0 A', ':s 315 bot a* :End');
    h.server(':s 352 bot * u h s bob H :0 B', ':s 315 bot b* :End');
    expect(second.value?.map((r) => r.nick)).toEqual(['bob']);
  });

  it('fails every waiting query with ConnectionLost when the link drops', () => {
    const h = registered();
    const results = [
      settle(h.client.names('#a')),
      settle(h.client.who('*')),
      settle(h.client.whois('x')),
    ];
    h.transport.reportDisconnect(new Error('reset'));
    for (const result of results) expect(result.error).toBeInstanceOf(ConnectionLost);
  });
});
