import { describe, expect, it } from 'vitest';
import { TestServer } from './harness.js';

describe('MONITOR (IRCv3)', () => {
  it('is advertised in ISUPPORT with its limit', () => {
    const server = new TestServer({ monitorLimit: 42 });
    const client = server.connect();
    client.send('NICK a', 'USER a 0 * :a');
    expect(
      client
        .lines()
        .filter((line) => line.includes(' 005 '))
        .join(' '),
    ).toMatch(/ MONITOR=42 /);
  });

  it('answers + with who is online (nick!user@host) and who is not', () => {
    const server = new TestServer();
    server.register('bob', { host: '10.0.0.9' });
    const alice = server.register('alice');
    alice.send('MONITOR + Bob,carol');
    expect(alice.lines()).toEqual([
      ':irc.test 730 alice :bob!~bob@10.0.0.9',
      ':irc.test 731 alice :carol',
    ]);
  });

  it('tells watchers when a nick comes online, changes nick, and goes offline', () => {
    const server = new TestServer();
    const alice = server.register('alice');
    alice.send('MONITOR + carol,dave');
    alice.lines();
    const carol = server.register('CAROL', { host: '10.0.0.7' });
    expect(alice.lines()).toEqual([':irc.test 730 alice :CAROL!~CAROL@10.0.0.7']);
    carol.send('NICK Carol'); // case only: still online, nothing to say
    expect(alice.lines()).toEqual([]);
    carol.send('NICK dave');
    expect(alice.lines()).toEqual([
      ':irc.test 731 alice :Carol',
      ':irc.test 730 alice :dave!~CAROL@10.0.0.7',
    ]);
    carol.send('QUIT :bye');
    expect(alice.lines()).toEqual([':irc.test 731 alice :dave']);
  });

  it('L lists, S reports, - removes, C clears; none of them tells others anything', () => {
    const server = new TestServer();
    const alice = server.register('alice');
    server.register('bob');
    alice.send('MONITOR + bob,carol,dave', 'MONITOR - dave');
    alice.lines();
    alice.send('MONITOR L', 'MONITOR S');
    expect(alice.lines()).toEqual([
      ':irc.test 732 alice :bob,carol',
      ':irc.test 733 alice :End of MONITOR list',
      ':irc.test 730 alice :bob!~bob@10.0.0.1',
      ':irc.test 731 alice :carol',
    ]);
    alice.send('MONITOR C', 'MONITOR L');
    expect(alice.lines()).toEqual([':irc.test 733 alice :End of MONITOR list']);
    server.register('carol');
    expect(alice.lines()).toEqual([]);
  });

  it('refuses nicks past the limit with 734 and keeps the ones that fit', () => {
    const server = new TestServer({ monitorLimit: 2 });
    const alice = server.register('alice');
    alice.send('MONITOR + a1,a2,a3,a4');
    expect(alice.lines()).toEqual([
      ':irc.test 731 alice :a1,a2',
      ':irc.test 734 alice 2 a3,a4 :Monitor list is full.',
    ]);
    alice.send('MONITOR + a1', 'MONITOR L');
    expect(alice.lines()).toEqual([
      ':irc.test 731 alice :a1',
      ':irc.test 732 alice :a1,a2',
      ':irc.test 733 alice :End of MONITOR list',
    ]);
  });

  it('splits long replies into lines a client can read', () => {
    const server = new TestServer({ monitorLimit: 200 });
    const alice = server.register('alice');
    const nicks = Array.from({ length: 150 }, (_, i) => `someone${i}`);
    // Added 30 at a time (a command line has 512 bytes too), then listed at once.
    for (let i = 0; i < nicks.length; i += 30) {
      alice.send(`MONITOR + ${nicks.slice(i, i + 30).join(',')}`);
    }
    alice.lines();
    alice.send('MONITOR L');
    const lines = alice.lines();
    expect(lines.at(-1)).toBe(':irc.test 733 alice :End of MONITOR list');
    const listed = lines.slice(0, -1);
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.every((line) => Buffer.byteLength(line) + 2 <= 512)).toBe(true);
    expect(listed.flatMap((line) => line.split(' :')[1]!.split(','))).toEqual(nicks);
  });

  it("forgets a user's list when it leaves, and needs a target list for + and -", () => {
    const server = new TestServer();
    const alice = server.register('alice');
    alice.send('MONITOR +', 'MONITOR -');
    expect(alice.lines()).toEqual([
      ':irc.test 461 alice MONITOR :Not enough parameters',
      ':irc.test 461 alice MONITOR :Not enough parameters',
    ]);
    alice.send('MONITOR + bob', 'QUIT');
    expect(server.factory.server.monitor.watchersOf('bob').size).toBe(0);
  });
});
