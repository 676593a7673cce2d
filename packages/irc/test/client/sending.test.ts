import { NotConnectedError } from '../../src/client/errors.js';
import { arbitrarySplits } from '@tw/core/testing/split-feeder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { connect, registered } from './harness.js';

const encoder = new TextEncoder();
const bytes = (s: string): number => encoder.encode(s).byteLength;

describe('IRCClient sending', () => {
  it('splits long messages so every relayed line stays within 512 bytes', () => {
    const h = registered();
    // Learn our user@host from a JOIN echo, as the server relays it.
    h.server(':bot!~botuser@a-rather-long-hostname.example.org JOIN #chan');
    const text = `${'word '.repeat(150)}${'é'.repeat(300)} ünïcödé`;
    h.client.msg('#chan', text);
    const lines = h.take();
    expect(lines.length).toBeGreaterThan(1);
    const prefix = ':bot!~botuser@a-rather-long-hostname.example.org ';
    for (const line of lines) {
      expect(line.startsWith('PRIVMSG #chan :')).toBe(true);
      expect(bytes(`${prefix}${line}\r\n`)).toBeLessThanOrEqual(512);
    }
    expect(lines.map((l) => l.slice('PRIVMSG #chan :'.length)).join('')).toBe(text);
  });

  it('assumes a wide user@host before it knows its own, and splits on line breaks', () => {
    const h = registered();
    h.client.notice('alice', `one\ntwo\r\n${'x'.repeat(1000)}`);
    const lines = h.take();
    expect(lines.slice(0, 2)).toEqual(['NOTICE alice :one', 'NOTICE alice :two']);
    for (const line of lines) {
      // nick 'bot', user 10 bytes, host 63 bytes: the defaults maxTextBytes assumes.
      expect(bytes(`:bot!${'u'.repeat(10)}@${'h'.repeat(63)} ${line}\r\n`)).toBeLessThanOrEqual(
        512,
      );
    }
    expect(
      lines
        .slice(2)
        .map((l) => l.slice('NOTICE alice :'.length))
        .join(''),
    ).toBe('x'.repeat(1000));
  });

  it('sends /me as CTCP ACTION, split with room for the CTCP framing', () => {
    const h = registered();
    h.client.me('#chan', 'waves');
    expect(h.take()).toEqual(['PRIVMSG #chan :\x01ACTION waves\x01']);
    h.client.me('#chan', 'y'.repeat(900));
    const lines = h.take();
    expect(lines).toHaveLength(3); // 406 bytes of text fit beside the prefix and framing
    for (const line of lines) {
      expect(line.startsWith('PRIVMSG #chan :\x01ACTION y')).toBe(true);
      expect(line.endsWith('y\x01')).toBe(true);
      expect(bytes(`:bot!${'u'.repeat(10)}@${'h'.repeat(63)} ${line}\r\n`)).toBeLessThanOrEqual(
        512,
      );
    }
  });

  it('sends CTCP queries and replies, and the channel commands', () => {
    const h = registered();
    h.client.ctcpQuery('alice', 'VERSION');
    h.client.ctcpReply('alice', 'PING', '123');
    h.client.part('#chan', 'see you');
    h.client.kick('#chan', 'spammer', 'bye now');
    h.client.mode('#chan', '+o', 'alice');
    h.client.invite('alice', '#chan');
    h.client.away('lunch');
    h.client.away();
    h.client.setNick('newbot');
    expect(h.take()).toEqual([
      'PRIVMSG alice :\x01VERSION\x01',
      'NOTICE alice :\x01PING 123\x01',
      'PART #chan :see you',
      'KICK #chan spammer :bye now',
      'MODE #chan +o alice',
      'INVITE alice #chan',
      'AWAY lunch',
      'AWAY',
      'NICK newbot',
    ]);
  });

  it('refuses to send line breaks inside a parameter', () => {
    const h = registered();
    expect(() => h.client.join('#a\r\nQUIT')).toThrow(/NUL, CR or LF/);
  });

  it('limits the outgoing rate with a token bucket on the reactor clock; PONG is not delayed', () => {
    const h = registered({ flood: { burst: 3, perSecond: 2 } });
    for (let i = 1; i <= 7; i++) h.client.msg('#c', `m${i}`);
    expect(h.take()).toEqual(['PRIVMSG #c :m1', 'PRIVMSG #c :m2', 'PRIVMSG #c :m3']);
    h.server('PING :t');
    expect(h.take()).toEqual(['PONG t']);
    h.clock.advance(0.49);
    expect(h.take()).toEqual([]);
    h.clock.advance(0.01);
    expect(h.take()).toEqual(['PRIVMSG #c :m4']);
    h.clock.advance(0.5);
    expect(h.take()).toEqual(['PRIVMSG #c :m5']);
    h.clock.advance(10);
    expect(h.take()).toEqual(['PRIVMSG #c :m6', 'PRIVMSG #c :m7']);
    // The bucket refilled to its burst while idle, no further.
    for (let i = 8; i <= 12; i++) h.client.msg('#c', `m${i}`);
    expect(h.take()).toHaveLength(3);
  });

  it('sends everything at once with flood: 0', () => {
    const h = registered({ flood: 0 });
    for (let i = 0; i < 50; i++) h.client.msg('#c', `m${i}`);
    expect(h.take()).toHaveLength(50);
  });

  it('quit() sends QUIT now, drops queued lines, and fires when the connection closes', () => {
    const h = registered({ flood: { burst: 1, perSecond: 1 } });
    h.client.msg('#c', 'a');
    h.client.msg('#c', 'b');
    let closed = false;
    void h.client.quit('bye').addCallback(() => {
      closed = true;
    });
    expect(h.take()).toEqual(['PRIVMSG #c :a', 'QUIT bye']);
    h.clock.advance(5);
    expect(h.take()).toEqual([]);
    expect(closed).toBe(false);
    h.transport.reportDisconnect();
    expect(closed).toBe(true);
  });

  it('quit() closes the connection itself when the server does not', () => {
    const h = registered({ quitTimeout: 3 });
    let closed = false;
    void h.client.quit().addCallback(() => {
      closed = true;
    });
    h.clock.advance(3);
    expect(h.transport.disconnecting).toBe(true);
    expect(closed).toBe(true);
    expect(h.clock.getDelayedCalls()).toEqual([]);
  });

  it('throws NotConnectedError after the connection is gone', () => {
    const h = registered();
    h.transport.reportDisconnect();
    expect(() => h.client.msg('#c', 'x')).toThrow(NotConnectedError);
  });

  it('gives the same events for any split of the incoming bytes', () => {
    const script =
      ':s CAP * LS :server-time\r\n:s CAP bot ACK :server-time\r\n:s 001 bot :Welcome\r\n' +
      ':s 005 bot CASEMAPPING=ascii CHANTYPES=# :are supported\r\n' +
      '@time=2024-01-01T00:00:00.000Z :alice!a@h PRIVMSG #chan :héllo wörld\r\n' +
      'PING :abc\n:bob!b@h JOIN #chan\r:bob!b@h NOTICE bot :\x01VERSION x\x01\r\n';
    const run = (chunks: Uint8Array[]): string[] => {
      const h = connect();
      const seen: string[] = [];
      h.client.on('message', (e) =>
        seen.push(`${e.time.toISOString()} ${e.message.command} ${e.message.params.join('|')}`),
      );
      for (const chunk of chunks) h.client.dataReceived(chunk);
      return [...seen, ...h.take()];
    };
    const expected = run([encoder.encode(script)]);
    expect(expected).toContain('PONG abc');
    fc.assert(
      fc.property(arbitrarySplits(script), (chunks) => {
        expect(run(chunks)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
