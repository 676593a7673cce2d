import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  IRCLineDecoder,
  IRCParseError,
  parseMessage,
  parseModeString,
  parseCTCP,
  parseISupport,
  parseChanModes,
} from './imports.js';

// Lines as real servers send them (ngircd, InspIRCd, Solanum), with what a client reads from them.
const REAL_LINES: readonly [string, string, readonly string[]][] = [
  [
    ':irc.example.net CAP * LS :multi-prefix sasl=PLAIN,EXTERNAL server-time',
    'CAP',
    ['*', 'LS', 'multi-prefix sasl=PLAIN,EXTERNAL server-time'],
  ],
  [
    ':irc.example.net CAP * LS * :account-tag away-notify',
    'CAP',
    ['*', 'LS', '*', 'account-tag away-notify'],
  ],
  ['AUTHENTICATE +', 'AUTHENTICATE', ['+']],
  [
    ':irc.example.net 353 me = #test :@me +bob alice',
    '353',
    ['me', '=', '#test', '@me +bob alice'],
  ],
  [':irc.example.net 366 me #test :End of NAMES list', '366', ['me', '#test', 'End of NAMES list']],
  [
    ':irc.example.net 433 * me :Nickname already in use',
    '433',
    ['*', 'me', 'Nickname already in use'],
  ],
  [
    '@time=2026-01-01T12:00:00.000Z;account=bob :bob!b@h PRIVMSG #test :\x01ACTION waves\x01',
    'PRIVMSG',
    ['#test', '\x01ACTION waves\x01'],
  ],
  [':bob!b@h NICK :robert', 'NICK', ['robert']],
  [':bob!b@h QUIT :Quit: leaving', 'QUIT', ['Quit: leaving']],
  ['PING :irc.example.net', 'PING', ['irc.example.net']],
  ['ERROR :Closing connection', 'ERROR', ['Closing connection']],
  [
    ':irc.example.net 005 me NETWORK=Example\\x20Net :are supported by this server',
    '005',
    ['me', 'NETWORK=Example\\x20Net', 'are supported by this server'],
  ],
];

describe('real server lines', () => {
  it.each(REAL_LINES)('%j', (line, command, params) => {
    const msg = parseMessage(line);
    expect(msg.command).toBe(command);
    expect(msg.params).toEqual(params);
  });

  it('reads tags a server adds', () => {
    const msg = parseMessage(REAL_LINES[6]![0]);
    expect(msg.tags.get('time')).toBe('2026-01-01T12:00:00.000Z');
    expect(msg.tags.get('account')).toBe('bob');
    expect(parseCTCP(msg.params[1]!)).toEqual({ command: 'ACTION', params: 'waves' });
  });
});

describe('hostile input', () => {
  it('parseMessage throws nothing but IRCParseError, whatever the line', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            '@',
            ':',
            ' ',
            ';',
            '=',
            '\\',
            'a',
            'B',
            '1',
            '\0',
            '\r',
            '\n',
            'é',
          ),
        }),
        (line) => {
          try {
            const msg = parseMessage(line);
            expect(msg.command).not.toBe('');
            for (const param of msg.params.slice(0, -1)) {
              expect(param).not.toBe('');
              expect(param).not.toContain(' ');
            }
          } catch (error) {
            expect(error).toBeInstanceOf(IRCParseError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('the decoder never throws and never emits a line holding CR or LF', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }),
        fc.integer({ min: 3, max: 600 }),
        (chunks, maxLineBytes) => {
          const decoder = new IRCLineDecoder({ maxLineBytes, maxTagBytes: 64 });
          decoder.onLine = (line) => {
            expect(line).not.toMatch(/[\r\n]/);
            expect(line).not.toBe('');
          };
          for (const chunk of chunks) decoder.feed(chunk);
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(maxLineBytes + 64);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mode and ISUPPORT parsing accept any input', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.string(), { maxLength: 5 }),
        fc.string(),
        (modes, args, chanmodes) => {
          const changes = parseModeString(modes, args, parseChanModes(chanmodes), 'ov');
          expect(changes.filter((c) => c.arg !== undefined).length).toBeLessThanOrEqual(
            args.length,
          );
          parseISupport([modes, ...args]);
        },
      ),
    );
  });
});
