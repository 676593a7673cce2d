/**
 * Interop: Twisted's IRCClient (twisted.words.protocols.irc from Debian's python3-twisted)
 * against our server. The Python client registers, reads ISUPPORT, joins #test, talks there
 * (PRIVMSG, CTCP ACTION, TOPIC), asks WHOIS, and QUITs once a client of ours (a raw socket, so
 * only the server is under test) answered it. Both sides' views are checked. In CI a missing
 * Twisted fails; elsewhere it skips loudly.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawIRCClient } from './raw-irc-client.js';
import { pythonWith, requirePeer, startOurServer, type OurServer } from './our-server.js';

const PYTHON = pythonWith('twisted.words.protocols.irc');
const HAVE_TWISTED = requirePeer(
  PYTHON !== null,
  'Twisted (python3 with twisted.words)',
  'the Debian package python3-twisted',
  'test/interop/server-twisted.test.ts',
);
const SCRIPT = fileURLToPath(new URL('./fixtures/twisted_irc_client.py', import.meta.url));

interface TwistedEvent {
  event: string;
  [field: string]: unknown;
}

/** Run the Python client to its end; resolves with its events and exit code. */
function runTwisted(
  port: number,
): Promise<{ events: TwistedEvent[]; code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      PYTHON!,
      [SCRIPT, '127.0.0.1', String(port), 'twisty', '#test', 'ours'],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const events = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as TwistedEvent);
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ events, code, stderr });
      },
    );
  });
}

describe.skipIf(!HAVE_TWISTED)("Twisted's IRCClient against our server", () => {
  let server: OurServer;
  beforeAll(async () => {
    server = await startOurServer('tcp', {
      nickLen: 16,
      channelLen: 40,
      topicLen: 120,
      network: 'InteropNet',
    });
  });
  afterAll(() => server.stop());

  it('registers, joins, talks in a channel with one of our clients, and quits', async () => {
    const ours = await RawIRCClient.register(server.port, 'ours');
    ours.send('JOIN #test');
    await ours.waitFor((line) => / 366 ours #test /.test(line));
    // Let members who are not operators set the topic (channels start +t).
    ours.send('MODE #test -t');
    await ours.waitFor((line) => /^:ours!\S+ MODE #test :?-t$/.test(line));

    const twisted = runTwisted(server.port);
    // Answer Twisted's message once it arrives; Twisted quits on seeing the answer.
    await ours.waitFor((line) => /^:twisty!\S+ PRIVMSG #test :hello from twisted$/.test(line));
    ours.send('PRIVMSG #test :hello back');
    const quit = await ours.waitFor((line) => /^:twisty!\S+ QUIT /.test(line));
    const { events, code, stderr } = await twisted;
    expect(code, `Twisted failed: ${stderr}\n${JSON.stringify(events)}`).toBe(0);

    // What our client saw of Twisted.
    expect(ours.lines).toContainEqual(expect.stringMatching(/^:twisty!\S+ JOIN :?#test$/));
    // CTCP ACTION: the text framed by \x01 bytes, relayed untouched.
    expect(ours.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(String.raw`^:twisty!\S+ PRIVMSG #test :\x01ACTION waves\x01$`),
      ),
    );
    expect(ours.lines).toContainEqual(
      expect.stringMatching(/^:twisty!\S+ TOPIC #test :set by twisted$/),
    );
    expect(quit).toMatch(/QUIT :.*bye from twisted/);

    // What Twisted saw of our server: ISUPPORT parsed, names, topic, WHOIS and our answer.
    expect(events).toContainEqual({ event: 'signedOn', nick: 'twisty' });
    const joined = events.find((event) => event.event === 'joined');
    expect(joined).toMatchObject({
      channel: '#test',
      nicklen: 16,
      channellen: 40,
      topiclen: 120,
      network: 'InteropNet',
      prefix: { o: ['@', 0], v: ['+', 1] },
    });
    const names = events.find((event) => event.event === 'names');
    expect(names?.['channel']).toBe('#test');
    expect([...(names?.['names'] as string[])].sort()).toEqual(['@ours', 'twisty']);
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'topic', channel: '#test', topic: 'set by twisted' }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'whoisUser', nick: 'ours', realname: 'Raw ours' }),
    );
    expect(events).toContainEqual({ event: 'endOfWhois', nick: 'ours' });
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'privmsg', channel: '#test', message: 'hello back' }),
    );
    expect(events.at(-1)).toEqual({ event: 'connectionLost', clean: true });

    await ours.quit();
  });
});
