import { describe, expect, it } from 'vitest';

import {
  IRCParseError,
  isServerSource,
  isTwErrorCode,
  parseMessage,
  parseSource,
  tryParseMessage,
} from './imports.js';
import { type Atoms, MSG_SPLIT, USERHOST_SPLIT } from './fixtures.js';

function atomsOf(line: string): Atoms {
  const msg = parseMessage(line);
  return {
    ...(msg.tags.size > 0 ? { tags: Object.fromEntries(msg.tags) } : {}),
    ...(msg.source !== null ? { source: msg.source.raw } : {}),
    verb: msg.command,
    ...(msg.params.length > 0 ? { params: [...msg.params] } : {}),
  };
}

function expected(atoms: Atoms): Atoms {
  return { ...atoms, verb: atoms.verb.toUpperCase() };
}

describe('parseMessage (ircdocs msg-split)', () => {
  it.each(MSG_SPLIT)('$input', ({ input, atoms }) => {
    expect(atomsOf(input)).toEqual(expected(atoms));
  });

  it('upper-cases commands and keeps numerics as 3-digit strings', () => {
    expect(parseMessage('privmsg #a :b').command).toBe('PRIVMSG');
    expect(parseMessage(':srv 001 me :Welcome').command).toBe('001');
  });

  it('gives an empty tag map and a null source when there are none', () => {
    const msg = parseMessage('PING x');
    expect(msg.tags.size).toBe(0);
    expect(msg.source).toBeNull();
  });

  it('splits the source into nick, user and host', () => {
    expect(parseMessage(':nick!~user@host.example JOIN #c').source).toEqual({
      nick: 'nick',
      user: '~user',
      host: 'host.example',
      raw: 'nick!~user@host.example',
    });
  });

  it.each([
    ['', 'empty line'],
    ['   ', 'spaces only'],
    ['@a=b', 'tags only'],
    ['@a=b ', 'tags and a space'],
    [':src', 'source only'],
    [':src   ', 'source and spaces'],
    ['PRIVMSG #a :b\0c', 'NUL'],
    ['PRIVMSG #a :b\rc', 'inner CR'],
    ['PRIVMSG #a :b\nc', 'inner LF'],
  ])('rejects %j (%s) with a typed error', (line) => {
    expect(() => parseMessage(line)).toThrow(IRCParseError);
    try {
      parseMessage(line);
    } catch (error) {
      expect(isTwErrorCode(error, 'TW_IRC_PARSE')).toBe(true);
      expect((error as IRCParseError).line).toBe(line.replace(/[\r\n]$/, ''));
    }
    expect(tryParseMessage(line)).toBeNull();
  });

  it('keeps every parameter when there are more than 15', () => {
    const params = Array.from({ length: 20 }, (_, i) => `p${i}`);
    expect(parseMessage(`CMD ${params.join(' ')}`).params).toEqual(params);
  });
});

describe('parseSource (ircdocs userhost-split)', () => {
  it.each(USERHOST_SPLIT)('$source', ({ source, nick, user, host }) => {
    const parsed = parseSource(source);
    expect(parsed.raw).toBe(source);
    expect(parsed.nick).toBe(nick);
    expect(parsed.user).toBe(user);
    expect(parsed.host).toBe(host);
  });

  it('tells a server name from a nickname', () => {
    expect(isServerSource(parseSource('irc.example.com'))).toBe(true);
    expect(isServerSource(parseSource('coolguy'))).toBe(false);
    expect(isServerSource(parseSource('a.b!u@h'))).toBe(false);
  });
});
