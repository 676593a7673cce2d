import { describe, expect, it } from 'vitest';

import {
  ISupport,
  escapeISupportValue,
  formatISupportTokens,
  parseChanModes,
  parseISupport,
  parseISupportMessage,
  parseMessage,
  parsePrefix,
  unescapeISupportValue,
} from './imports.js';

// Real 005 lines (ngircd 26 and InspIRCd 3 as seen on a test network).
const NGIRCD_005 = [
  ':irc.example.net 005 me RFC2812 IRCD=ngIRCd CHARSET=UTF-8 CASEMAPPING=ascii PREFIX=(qaohv)~&@%+ CHANTYPES=#&+ CHANMODES=beI,k,l,imMnOPQRstVz CHANLIMIT=#&+:10 :are supported on this server',
  ':irc.example.net 005 me CHANNELLEN=50 NICKLEN=9 TOPICLEN=490 AWAYLEN=127 KICKLEN=400 MODES=5 MAXLIST=beI:50 EXCEPTS=e INVEX=I PENALTY FNC :are supported on this server',
];
const INSPIRCD_005 = [
  ':irc.example.org 005 me AWAYLEN=200 CASEMAPPING=rfc1459 CHANLIMIT=#:20 CHANMODES=IXbeg,k,Hfjl,ACKMNOPQRSTcimnprstz CHANNELLEN=64 CHANTYPES=# ELIST=CMNTU ESILENCE=CcdiNnPpTtx EXCEPTS=e EXTBAN=,ACNOQRSTUacjmnprswz HOSTLEN=64 :are supported by this server',
  ':irc.example.org 005 me INVEX=I KEYLEN=32 KICKLEN=255 LINELEN=512 MAXLIST=I:100,X:100,b:100,e:100,g:100 MAXTARGETS=20 MODES=20 MONITOR=30 NAMELEN=128 NAMESX NETWORK=Example\\x20Net NICKLEN=30 PREFIX=(Yqaohv)!~&@%+ :are supported by this server',
  ':irc.example.org 005 me SAFELIST SILENCE=32 STATUSMSG=!~&@%+ TARGMAX=ACCEPT:,KICK:1,LIST:1,NAMES:1,NOTICE:20,PRIVMSG:20,WHOIS:1 TOPICLEN=307 UHNAMES USERIP USERLEN=11 USERMODES=,,s,BDHILRSTWcdghikorswxz WHOX :are supported by this server',
];

function isupportFrom(lines: readonly string[]): ISupport {
  const isupport = new ISupport();
  for (const line of lines) isupport.update(parseMessage(line));
  return isupport;
}

describe('parseISupport', () => {
  it('parses KEY, KEY=value and KEY= (same as KEY), upper-casing keys', () => {
    const map = parseISupport(['SAFELIST', 'nicklen=30', 'EXCEPTS=', 'NETWORK=Libera\\x2EChat']);
    expect(Object.fromEntries(map)).toEqual({
      SAFELIST: true,
      NICKLEN: '30',
      EXCEPTS: true,
      NETWORK: 'Libera.Chat',
    });
  });

  it('removes keys with -KEY, so accessors fall back to defaults', () => {
    const isupport = isupportFrom([':s 005 me NICKLEN=30 MODES=6 :are supported']);
    expect(isupport.nicklen).toBe(30);
    isupport.update(parseMessage(':s 005 me -NICKLEN -MODES :are supported'));
    expect(isupport.nicklen).toBe(9);
    expect(isupport.modes).toBe(3);
  });

  it('skips the nick and the closing text of a 005 message', () => {
    const map = parseISupportMessage(parseMessage(':s 005 me A B=1 :are supported by this server'));
    expect([...map.keys()]).toEqual(['A', 'B']);
  });

  it('escapes and unescapes \\xHH values', () => {
    expect(unescapeISupportValue('a\\x20b\\x5Cc\\x3Dd\\xZZ')).toBe('a b\\c=d\\xZZ');
    expect(escapeISupportValue('a b\\c=d')).toBe('a\\x20b\\x5Cc\\x3Dd');
    expect(
      formatISupportTokens([
        ['NETWORK', 'My Net'],
        ['SAFELIST', true],
        ['NICKLEN', '30'],
      ]),
    ).toEqual(['NETWORK=My\\x20Net', 'SAFELIST', 'NICKLEN=30']);
    const round = parseISupport(formatISupportTokens([['NETWORK', 'a=b \\ c']]));
    expect(round.get('NETWORK')).toBe('a=b \\ c');
  });
});

describe('ISupport accessors', () => {
  it('gives RFC 2812 defaults when the server says nothing', () => {
    const isupport = new ISupport();
    expect(isupport.casemapping).toBe('rfc1459');
    expect(isupport.prefix).toEqual({ modes: 'ov', prefixes: '@+' });
    expect(isupport.chantypes).toBe('#&+!');
    expect(isupport.chanmodes).toEqual({ A: 'beI', B: 'k', C: 'l', D: 'aimnqpsrt' });
    expect(isupport.nicklen).toBe(9);
    expect(isupport.channellen).toBe(50);
    expect(isupport.topiclen).toBe(Infinity);
    expect(isupport.modes).toBe(3);
    expect(isupport.network).toBeUndefined();
    expect(isupport.statusmsg).toBe('');
    expect(isupport.targmax.size).toBe(0);
  });

  it("reads ngircd's 005", () => {
    const isupport = isupportFrom(NGIRCD_005);
    expect(isupport.casemapping).toBe('ascii');
    expect(isupport.prefix).toEqual({ modes: 'qaohv', prefixes: '~&@%+' });
    expect(isupport.chantypes).toBe('#&+');
    expect(isupport.chanmodes).toEqual({ A: 'beI', B: 'k', C: 'l', D: 'imMnOPQRstVz' });
    expect(isupport.nicklen).toBe(9);
    expect(isupport.topiclen).toBe(490);
    expect(isupport.modes).toBe(5);
    expect(isupport.get('PENALTY')).toBe(true);
    expect(isupport.isChannel('+chan')).toBe(true);
    expect(isupport.isChannel('!chan')).toBe(false);
  });

  it("reads InspIRCd's 005", () => {
    const isupport = isupportFrom(INSPIRCD_005);
    expect(isupport.casemapping).toBe('rfc1459');
    expect(isupport.prefix).toEqual({ modes: 'Yqaohv', prefixes: '!~&@%+' });
    expect(isupport.chanmodes.A).toBe('IXbeg');
    expect(isupport.chanmodes.C).toBe('Hfjl');
    expect(isupport.channellen).toBe(64);
    expect(isupport.nicklen).toBe(30);
    expect(isupport.modes).toBe(20);
    expect(isupport.network).toBe('Example Net');
    expect(isupport.statusmsg).toBe('!~&@%+');
    expect(isupport.targmax.get('PRIVMSG')).toBe(20);
    expect(isupport.targmax.get('KICK')).toBe(1);
    expect(isupport.targmax.get('ACCEPT')).toBe(Infinity);
  });

  it('handles empty and malformed values', () => {
    expect(parsePrefix('')).toEqual({ modes: '', prefixes: '' });
    expect(parsePrefix('(ov)@')).toBeNull();
    expect(parsePrefix('ov@+')).toBeNull();
    expect(parseChanModes('b,k')).toEqual({ A: 'b', B: 'k', C: '', D: '' });
    expect(parseChanModes('a,b,c,d,e,f')).toEqual({ A: 'a', B: 'b', C: 'c', D: 'd' });
    const isupport = isupportFrom([':s 005 me PREFIX= CHANTYPES= NICKLEN=abc MODES :x y']);
    expect(isupport.prefix).toEqual({ modes: '', prefixes: '' });
    expect(isupport.chantypes).toBe('');
    expect(isupport.nicklen).toBe(9);
    expect(isupport.modes).toBe(Infinity);
    expect(isupportFrom([':s 005 me PREFIX=(ov)@ :x y']).prefix).toEqual({
      modes: 'ov',
      prefixes: '@+',
    });
  });
});
