import fc from 'fast-check';
import { Deferred, Portal, SimpleRealm, type AvatarId, type ICredentials } from '@tw/core';
import { IRC_ACCOUNT_INTERFACE } from '../../src/server/config.js';
import { arbitrarySplits } from '@tw/core/testing/split-feeder';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/wire/parser.js';
import { TestServer } from './harness.js';

const LABELED = ['echo-message', 'batch', 'labeled-response', 'message-tags'];

describe('extended-join, userhost-in-names, invite-notify', () => {
  it('extended-join adds account (or *) and real name for members with the cap', () => {
    const server = new TestServer();
    const ext = server.register('ext', { caps: ['extended-join'] });
    const plain = server.register('plain');
    ext.send('JOIN #c');
    plain.send('JOIN #c');
    ext.lines();
    plain.lines();
    const joiner = server.register('joiner', { host: '10.0.0.9' });
    joiner.send('JOIN #c');
    expect(ext.lines()).toEqual([':joiner!~joiner@10.0.0.9 JOIN #c * :joiner real']);
    expect(plain.lines()).toEqual([':joiner!~joiner@10.0.0.9 JOIN #c']);
  });

  it('userhost-in-names lists nick!user@host in NAMES', () => {
    const server = new TestServer();
    const a = server.register('a', { caps: ['userhost-in-names', 'multi-prefix'] });
    a.send('JOIN #c', 'MODE #c +v a');
    a.lines();
    a.send('NAMES #c');
    expect(a.lines()).toEqual([
      ':irc.test 353 a = #c :@+a!~a@10.0.0.1',
      ':irc.test 366 a #c :End of /NAMES list',
    ]);
  });

  it('invite-notify tells members who could invite; not the inviter nor those without the cap', () => {
    const server = new TestServer();
    const op = server.register('op', { caps: ['invite-notify'] });
    const peer = server.register('peer', { caps: ['invite-notify'] });
    const bare = server.register('bare');
    const guest = server.register('guest');
    for (const c of [op, peer, bare]) c.send('JOIN #c');
    op.send('MODE #c +i');
    for (const c of [op, peer, bare, guest]) c.lines();
    op.send('INVITE guest #c');
    expect(op.lines()).toEqual([':irc.test 341 op guest #c']);
    expect(guest.lines()).toEqual([':op!~op@10.0.0.1 INVITE guest #c']);
    // +i: only operators could have invited, and peer is not one.
    expect(peer.lines()).toEqual([]);
    expect(bare.lines()).toEqual([]);
    op.send('MODE #c -i');
    peer.lines();
    op.send('INVITE guest #c');
    expect(peer.lines()).toEqual([':op!~op@10.0.0.1 INVITE guest #c']);
  });
});

describe('setname', () => {
  it('changes the real name, tells those with the cap, and refuses names over NAMELEN', () => {
    const server = new TestServer({ realnameLen: 10 });
    const a = server.register('a', { caps: ['setname'] });
    const watcher = server.register('w', { caps: ['setname'] });
    const bare = server.register('b');
    for (const c of [a, watcher, bare]) c.send('JOIN #c');
    for (const c of [a, watcher, bare]) c.lines();
    a.send('SETNAME :New Name');
    expect(a.lines()).toEqual([':a!~a@10.0.0.1 SETNAME :New Name']);
    expect(watcher.lines()).toEqual([':a!~a@10.0.0.1 SETNAME :New Name']);
    expect(bare.lines()).toEqual([]);
    a.send('SETNAME :far too long a name', 'SETNAME :');
    expect(a.lines()).toEqual([
      ':irc.test FAIL SETNAME INVALID_REALNAME :Realname is not valid',
      ':irc.test FAIL SETNAME INVALID_REALNAME :Realname is not valid',
    ]);
    bare.send('WHOIS a');
    expect(bare.lines()[0]).toBe(':irc.test 311 b a ~a 10.0.0.1 * :New Name');
  });
});

describe('msgid and STATUSMSG', () => {
  it('every relayed PRIVMSG/NOTICE/TAGMSG has a msgid, the same for all recipients and the echo', () => {
    const server = new TestServer();
    const a = server.register('a', { caps: ['echo-message', 'message-tags'] });
    const b = server.register('b', { caps: ['message-tags'] });
    a.send('PRIVMSG b :one', 'NOTICE b :two', '@+typing=active TAGMSG b');
    const ids = (lines: string[]): string[] => lines.map((l) => parseMessage(l).tags.get('msgid')!);
    const sent = ids(a.lines());
    const received = ids(b.lines());
    expect(sent).toEqual(received);
    expect(new Set(sent).size).toBe(3);
    for (const id of sent) expect(id).toMatch(/^[A-Za-z0-9-]+$/);
  });

  it('client tags up to 4094 bytes are relayed intact; one byte more is 417 and not relayed', () => {
    const server = new TestServer();
    const alice = server.register('alice', { caps: ['message-tags', 'echo-message'] });
    const bob = server.register('bob', { caps: ['message-tags'] });
    for (const c of [alice, bob]) c.send('JOIN #test');
    for (const c of [alice, bob]) c.lines();
    const max = `@foo=bar;+baz=${'a'.repeat(4081)} TAGMSG #test`;
    expect(max.indexOf('TAGMSG')).toBe(4096);
    alice.send(max);
    const [echo] = alice.lines();
    const [relay] = bob.lines();
    for (const line of [echo!, relay!]) {
      const message = parseMessage(line);
      expect(message.tags.get('+baz')).toBe('a'.repeat(4081));
      expect(message.tags.has('foo')).toBe(false);
    }
    expect(parseMessage(echo!).tags.get('msgid')).toBe(parseMessage(relay!).tags.get('msgid'));
    alice.send(`@foo=bar;+baz=${'a'.repeat(4082)} TAGMSG #test`);
    expect(alice.lines()).toEqual([':irc.test 417 alice :Input line was too long']);
    expect(bob.lines()).toEqual([]);
  });

  it('PRIVMSG @#chan reaches operators only, +#chan voiced users and operators', () => {
    const server = new TestServer();
    const op = server.register('chanop');
    const voiced = server.register('voiced');
    const joe = server.register('joe');
    for (const c of [op, voiced, joe]) c.send('JOIN #chan');
    op.send('MODE #chan +v voiced');
    for (const c of [op, voiced, joe]) c.lines();
    joe.send('PRIVMSG @#chan :for operators', 'NOTICE +#chan :for voices');
    expect(joe.lines()).toEqual([]);
    expect(op.lines()).toEqual([
      ':joe!~joe@10.0.0.1 PRIVMSG @#chan :for operators',
      ':joe!~joe@10.0.0.1 NOTICE +#chan :for voices',
    ]);
    expect(voiced.lines()).toEqual([':joe!~joe@10.0.0.1 NOTICE +#chan :for voices']);
    const outsider = server.register('outsider');
    outsider.send('PRIVMSG @#chan :hi', 'PRIVMSG @#nowhere :hi');
    expect(outsider.lines()).toEqual([
      ':irc.test 404 outsider #chan :Cannot send to channel',
      ':irc.test 403 outsider @#nowhere :No such channel',
    ]);
  });
});

describe('labeled-response', () => {
  it('labels a single reply, ACKs no reply, labels errors for unknown commands', () => {
    const server = new TestServer();
    const a = server.register('a', { caps: LABELED });
    a.send('@label=98765 PING adhoctestline', '@label=1 PONG x', '@label=deadbeef NONEXISTENT');
    expect(a.lines()).toEqual([
      '@label=98765 :irc.test PONG irc.test adhoctestline',
      '@label=1 :irc.test ACK',
      '@label=deadbeef :irc.test 421 a NONEXISTENT :Unknown command',
    ]);
  });

  it('wraps several replies in a labeled-response batch', () => {
    const server = new TestServer();
    const a = server.register('a', { caps: LABELED });
    a.send('@label=12345 JOIN #xyz');
    const lines = a.lines();
    expect(lines[0]).toMatch(/^@label=12345 :irc.test BATCH \+([A-Za-z0-9-]+) labeled-response$/);
    const id = /BATCH \+(\S+)/.exec(lines[0]!)![1]!;
    expect(lines.slice(1)).toEqual([
      `@batch=${id} :a!~a@10.0.0.1 JOIN #xyz`,
      `@batch=${id} :irc.test 353 a = #xyz :@a`,
      `@batch=${id} :irc.test 366 a #xyz :End of /NAMES list`,
      `:irc.test BATCH -${id}`,
    ]);
  });

  it('only the sender sees the label; a message to oneself comes twice, one labeled', () => {
    const server = new TestServer();
    const a = server.register('a', { caps: LABELED });
    const b = server.register('b', { caps: LABELED });
    a.send('@label=12345;+draft/react=l😃l TAGMSG b');
    const [echo] = a.lines();
    const [received] = b.lines();
    expect(parseMessage(echo!).tags.get('label')).toBe('12345');
    expect(parseMessage(received!).tags.has('label')).toBe(false);
    expect(parseMessage(received!).tags.get('+draft/react')).toBe('l😃l');
    a.send('@label=7 PRIVMSG a :hi');
    const self = a.lines();
    expect(self).toHaveLength(2);
    expect(self.map((l) => parseMessage(l).command)).toEqual(['PRIVMSG', 'PRIVMSG']);
    expect(self.filter((l) => parseMessage(l).tags.get('label') === '7')).toHaveLength(1);
  });

  it('holds later lines while SASL waits on the portal, then labels its replies', () => {
    const pending: Deferred<AvatarId>[] = [];
    const slowChecker = {
      credentialInterfaces: ['username-password'],
      requestAvatarId(_credentials: ICredentials): Deferred<AvatarId> {
        const d = new Deferred<AvatarId>();
        pending.push(d);
        return d;
      },
    };
    const realm = new SimpleRealm({ [IRC_ACCOUNT_INTERFACE]: (id) => id });
    const server = new TestServer({ accountPortal: new Portal(realm, [slowChecker]) });
    const client = server.connect();
    client.send('CAP LS 302', 'CAP REQ :sasl batch labeled-response', 'NICK a', 'USER a 0 * :A');
    client.send('AUTHENTICATE PLAIN');
    client.lines();
    const response = Buffer.from('\0alice\0pw').toString('base64');
    client.send(`@label=L1 AUTHENTICATE ${response}`, 'CAP END', '@label=L2 PING x');
    expect(client.lines()).toEqual([]);
    pending[0]!.callback('alice');
    const lines = client.lines();
    const id = /BATCH \+(\S+)/.exec(lines[0]!)![1]!;
    expect(lines.slice(0, 4)).toEqual([
      `@label=L1 :irc.test BATCH +${id} labeled-response`,
      `@batch=${id} :irc.test 900 a a!~a@10.0.0.1 alice :You are now logged in as alice`,
      `@batch=${id} :irc.test 903 a :SASL authentication successful`,
      `:irc.test BATCH -${id}`,
    ]);
    expect(lines[4]).toMatch(/^:irc.test 001 a /);
    expect(lines.at(-1)).toBe('@label=L2 :irc.test PONG irc.test x');
  });

  it('drops a client that sends too much while its SASL check waits', () => {
    const slowChecker = {
      credentialInterfaces: ['username-password'],
      requestAvatarId: (): Deferred<AvatarId> => new Deferred<AvatarId>(),
    };
    const realm = new SimpleRealm({ [IRC_ACCOUNT_INTERFACE]: (id) => id });
    const server = new TestServer({ accountPortal: new Portal(realm, [slowChecker]) });
    const client = server.connect();
    client.send('CAP REQ sasl', 'AUTHENTICATE PLAIN');
    client.send(`AUTHENTICATE ${Buffer.from('\0a\0b').toString('base64')}`);
    for (let i = 0; i < 100; i++) client.send(`PING ${i}`);
    expect(client.closed).toBe(false);
    client.lines();
    client.send('PING 100');
    expect(client.lines()).toEqual(['ERROR :Closing Link: 10.0.0.1 (Excess Flood)']);
    expect(client.closed).toBe(true);
  });

  it('is ignored without the cap and for labels over 64 bytes', () => {
    const server = new TestServer();
    const bare = server.register('bare');
    bare.send('@label=1 PING x');
    expect(bare.lines()).toEqual([':irc.test PONG irc.test x']);
    const a = server.register('a', { caps: LABELED });
    a.send(`@label=${'x'.repeat(65)} PING x`);
    expect(a.lines()).toEqual([':irc.test PONG irc.test x']);
  });

  it('labels the same way however the input is split', () => {
    const input =
      'CAP LS 302\r\nNICK spl\r\nUSER spl 0 * :S\r\nCAP REQ :batch labeled-response echo-message\r\n' +
      'CAP END\r\n@label=a JOIN #a\r\n@label=b PRIVMSG #a :hi\n@label=c PONG x\r\n' +
      '@label=d WHO #a %tn,1\r\n@label=e QUIT :bye\r\n';
    const run = (chunks: Uint8Array[]): string => {
      const server = new TestServer();
      const client = server.connect();
      for (const chunk of chunks) client.protocol.dataReceived(chunk);
      return client.transport.text();
    };
    const whole = run([new TextEncoder().encode(input)]);
    expect(whole).toContain('@label=c :irc.test ACK\r\n');
    expect(whole).toContain('@label=e ERROR :Closing Link');
    fc.assert(
      fc.property(arbitrarySplits(input), (chunks) => {
        expect(run(chunks)).toBe(whole);
      }),
      { numRuns: 100 },
    );
  });
});
