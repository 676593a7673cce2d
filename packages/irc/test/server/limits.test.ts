import { Protocol, ipv4Address } from '@tw/core';
import { StringTransport, connectedPair } from '@tw/core/testing';
import { arbitrarySplits } from '@tw/core/testing/split-feeder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IRCServerFactory } from '../../src/server/factory.js';
import { FIXED_NOW, TestServer } from './harness.js';

describe('flood control', () => {
  it('queues lines past the burst, runs them as tokens return, and drops an excess flood', () => {
    const server = new TestServer({ flood: { burst: 3, perSecond: 1, maxQueuedLines: 2 } });
    const client = server.connect();
    client.send('PING 1', 'PING 2', 'PING 3', 'PING 4');
    expect(client.lines()).toEqual([
      ':irc.test PONG irc.test 1',
      ':irc.test PONG irc.test 2',
      ':irc.test PONG irc.test 3',
    ]);
    server.clock.advance(1);
    expect(client.lines()).toEqual([':irc.test PONG irc.test 4']);
    client.send('PING 5', 'PING 6');
    expect(client.lines()).toEqual([]);
    client.send('PING 7');
    expect(client.lines()).toEqual(['ERROR :Closing Link: 10.0.0.1 (Excess Flood)']);
    expect(client.closed).toBe(true);
  });

  it('burst or perSecond 0 turns flood control off', () => {
    const server = new TestServer({ flood: { burst: 0, perSecond: 1, maxQueuedLines: 0 } });
    const client = server.connect();
    for (let i = 0; i < 100; i++) client.send(`PING ${i}`);
    expect(client.lines()).toHaveLength(100);
  });
});

describe('send queue', () => {
  it('drops a client that stops reading once its queue passes sendQueueBytes', () => {
    const factory = new IRCServerFactory(new TestServer().clock, {
      serverName: 'irc.test',
      now: () => FIXED_NOW,
      flood: { burst: 0 },
      sendQueueBytes: 4096,
    });
    const reader = new Protocol();
    const pair = connectedPair(factory.buildServerProtocol(), reader, { bufferSize: 1024 });
    const send = (line: string): void => {
      pair.clientTransport.write(new TextEncoder().encode(`${line}\r\n`));
      pair.pump.flush();
    };
    send('NICK slow');
    send('USER slow 0 * :Slow');
    expect(pair.serverTransport.disconnected).toBe(false);
    // A second client on the same server talks to the slow one's channel.
    const talker = factory.buildServerProtocol();
    const talkerTransport = new StringTransport({ peer: ipv4Address('TCP', '10.0.0.5', 1) });
    talkerTransport.connect(talker);
    const say = (line: string): void => {
      talker.dataReceived(new TextEncoder().encode(`${line}\r\n`));
    };
    say('NICK talker');
    say('USER t 0 * :T');
    send('JOIN #c');
    say('JOIN #c');
    pair.clientTransport.pauseProducing();
    for (let i = 0; i < 100 && !pair.serverTransport.aborted; i++) {
      say(`PRIVMSG #c :${'x'.repeat(100)} ${i}`);
      pair.pump.pump();
    }
    expect(pair.serverTransport.aborted).toBe(true);
    pair.pump.flush();
    expect(pair.serverTransport.disconnected).toBe(true);
    expect(talkerTransport.text()).toContain(':slow!~slow@127.0.0.1 QUIT :SendQ exceeded');
    expect(factory.state.findUser('slow')).toBeUndefined();
  });

  it('keeps a slow reader that catches up', () => {
    const factory = new IRCServerFactory(new TestServer().clock, {
      flood: { burst: 0 },
      sendQueueBytes: 64 * 1024,
    });
    const pair = connectedPair(factory.buildServerProtocol(), new Protocol(), { bufferSize: 512 });
    const send = (line: string): void => {
      pair.clientTransport.write(new TextEncoder().encode(`${line}\r\n`));
    };
    send('NICK reader');
    send('USER r 0 * :R');
    pair.clientTransport.pauseProducing();
    for (let i = 0; i < 50; i++) send(`PING token${i}`);
    pair.pump.flush();
    pair.clientTransport.resumeProducing();
    pair.pump.flush();
    expect(pair.serverTransport.disconnected).toBe(false);
    expect(factory.state.findUser('reader')).toBeDefined();
  });
});

describe('config checks', () => {
  it('refuses configs the server cannot run with, naming the setting', () => {
    const clock = new TestServer().clock;
    expect(() => new IRCServerFactory(clock, { nickLen: 0 })).toThrow(
      /nickLen must be a whole number/,
    );
    expect(() => new IRCServerFactory(clock, { serverName: 'two words' })).toThrow(/serverName/);
    expect(() => new IRCServerFactory(clock, { flood: { burst: -1 } })).toThrow(/flood/);
    expect(() => new IRCServerFactory(clock, { pingTimeout: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'TW_IRC_INVALID_OPTION' }),
    );
  });
});

describe('line limits and connection limits', () => {
  it('answers 417 to an over-long line and carries on', () => {
    const server = new TestServer();
    const client = server.register('a');
    client.send(`PRIVMSG a :${'y'.repeat(600)}`, 'PING ok');
    expect(client.lines()).toEqual([
      ':irc.test 417 a :Input line was too long',
      ':irc.test PONG irc.test ok',
    ]);
  });

  it('refuses connections beyond maxConnectionsPerAddress with an ERROR', () => {
    const server = new TestServer({ maxConnectionsPerAddress: 2 });
    const addr = ipv4Address('TCP', '10.1.1.1', 1234);
    const protocols = [1, 2, 3].map(() => server.factory.buildProtocol(addr)!);
    const transports = protocols.map((p) => new StringTransport({ peer: addr }).connect(p));
    expect(transports[0]!.disconnecting).toBe(false);
    expect(transports[1]!.disconnecting).toBe(false);
    expect(transports[2]!.text()).toBe(
      'ERROR :Closing Link: 10.1.1.1 (Too many connections from your address)\r\n',
    );
    expect(transports[2]!.disconnecting).toBe(true);
  });

  it('gives the same replies however the input is split', () => {
    const input =
      'CAP LS 302\r\nNICK spl\r\nUSER spl 0 * :S p l\r\nCAP REQ :server-time\r\nCAP END\r\n' +
      'JOIN #a,#b\r\n@+x=y PRIVMSG #a :héllo wörld\nTOPIC #a :t\rMODE #a +ntk k\r\nWHOIS spl\r\nQUIT :done\r\n';
    const run = (chunks: Uint8Array[]): string => {
      const server = new TestServer();
      const client = server.connect();
      for (const chunk of chunks) client.protocol.dataReceived(chunk);
      return client.transport.text();
    };
    const whole = run([new TextEncoder().encode(input)]);
    expect(whole).toContain('ERROR :Closing Link');
    fc.assert(
      fc.property(arbitrarySplits(input), (chunks) => {
        expect(run(chunks)).toBe(whole);
      }),
      { numRuns: 200 },
    );
  });
});
