import fc from 'fast-check';
import { arbitrarySplits } from '@tw/core/testing/split-feeder';
import { describe, expect, it } from 'vitest';
import { TestServer } from './harness.js';

const FAIL_TEXT = 'Message rejected, your IRC software MUST use UTF-8 encoding on this network';

function bytes(...parts: (string | number[])[]): Uint8Array {
  const chunks = parts.map((p) =>
    typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p),
  );
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

describe('UTF8ONLY', () => {
  it('is advertised only when enforced', () => {
    const plain = new TestServer().connect();
    plain.send('NICK a', 'USER a 0 * :A');
    expect(plain.lines().filter((l) => l.includes('UTF8ONLY'))).toEqual([]);
    const strict = new TestServer({ utf8Only: true }).connect();
    strict.send('NICK a', 'USER a 0 * :A');
    expect(strict.lines().filter((l) => / 005 .* UTF8ONLY /.test(l))).toHaveLength(1);
  });

  it('refuses a line that is not UTF-8 with FAIL INVALID_UTF8 and never relays it', () => {
    const server = new TestServer({ utf8Only: true });
    const a = server.register('a');
    const b = server.register('b');
    a.protocol.dataReceived(bytes('PRIVMSG b :caf', [0xe9], '\r\n', [0xff, 0xfe], '\r\n'));
    a.send('PRIVMSG b :café');
    expect(a.lines()).toEqual([
      `:irc.test FAIL PRIVMSG INVALID_UTF8 :${FAIL_TEXT}`,
      `:irc.test FAIL * INVALID_UTF8 :${FAIL_TEXT}`,
    ]);
    expect(b.lines()).toEqual([':a!~a@10.0.0.1 PRIVMSG b :café']);
  });

  it('without it, latin-1 is read as before', () => {
    const server = new TestServer();
    const a = server.register('a');
    const b = server.register('b');
    a.protocol.dataReceived(bytes('PRIVMSG b :caf', [0xe9], '\r\n'));
    expect(b.lines()).toEqual([':a!~a@10.0.0.1 PRIVMSG b :café']);
  });

  it('decides the same way however the bytes are split', () => {
    const input = bytes(
      'NICK s\r\nUSER s 0 * :S\r\nPRIVMSG s :ok é\r\nPRIVMSG s :bad ',
      [0xc3],
      '\r\nPRIVMSG s :',
      [0xf0, 0x9f, 0x98, 0x83],
      '\r\n',
    );
    const run = (chunks: Uint8Array[]): string => {
      const client = new TestServer({ utf8Only: true }).connect();
      for (const chunk of chunks) client.protocol.dataReceived(chunk);
      return client.transport.text();
    };
    const whole = run([input]);
    expect(whole).toContain(':s!~s@10.0.0.1 PRIVMSG s :ok é\r\n');
    expect(whole).toContain(`:irc.test FAIL PRIVMSG INVALID_UTF8 :${FAIL_TEXT}\r\n`);
    expect(whole).toContain(':s!~s@10.0.0.1 PRIVMSG s :😃\r\n');
    fc.assert(
      fc.property(arbitrarySplits(input), (chunks) => {
        expect(run(chunks)).toBe(whole);
      }),
      { numRuns: 100 },
    );
  });
});
