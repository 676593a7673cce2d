import { describe, expect, it } from 'vitest';

import {
  ISupport,
  formatMemberPrefixes,
  parseMessage,
  parseNamesEntry,
  parsePrefix,
  splitStatusTarget,
  splitTargets,
} from './imports.js';

const PREFIX = parsePrefix('(qaohv)~&@%+')!;

describe('parseNamesEntry', () => {
  it('maps prefixes back to modes, several with multi-prefix', () => {
    expect(parseNamesEntry('@+alice', PREFIX)).toEqual({
      nick: 'alice',
      prefixes: '@+',
      modes: 'ov',
    });
    expect(parseNamesEntry('bob', PREFIX)).toEqual({ nick: 'bob', prefixes: '', modes: '' });
    expect(parseNamesEntry('~&@%+x', PREFIX).modes).toBe('qaohv');
  });

  it('splits userhost-in-names entries', () => {
    expect(parseNamesEntry('%carol!c@example.org', PREFIX)).toEqual({
      nick: 'carol',
      user: 'c',
      host: 'example.org',
      prefixes: '%',
      modes: 'h',
    });
  });
});

describe('formatMemberPrefixes', () => {
  it('gives the highest prefix, or all with multi-prefix, in rank order', () => {
    expect(formatMemberPrefixes(['v', 'o'], PREFIX, false)).toBe('@');
    expect(formatMemberPrefixes(['v', 'o'], PREFIX, true)).toBe('@+');
    expect(formatMemberPrefixes([], PREFIX, true)).toBe('');
  });
});

describe('targets', () => {
  it('splits STATUSMSG prefixes from the channel', () => {
    expect(splitStatusTarget('@#ops', '@+')).toEqual({ prefix: '@', target: '#ops' });
    expect(splitStatusTarget('#all', '@+')).toEqual({ prefix: '', target: '#all' });
    expect(splitStatusTarget('@', '@+')).toEqual({ prefix: '', target: '@' });
  });

  it('splits comma lists, dropping empty items', () => {
    expect(splitTargets('#a,,#b,nick,')).toEqual(['#a', '#b', 'nick']);
  });
});

describe('ISupport extras', () => {
  it('reads EXCEPTS, INVEX and numeric keys', () => {
    const isupport = new ISupport();
    isupport.update(parseMessage(':s 005 me EXCEPTS INVEX=J AWAYLEN=200 :are supported'));
    expect(isupport.excepts).toBe('e');
    expect(isupport.invex).toBe('J');
    expect(isupport.getNumber('awaylen', 0)).toBe(200);
    expect(isupport.getNumber('KICKLEN', 255)).toBe(255);
    expect(new ISupport().excepts).toBeUndefined();
  });
});
