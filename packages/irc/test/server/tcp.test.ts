import type { Socket } from 'node:net';
import { NodeReactor, type IListeningPort } from '@tw/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IRCServerFactory } from '../../src/server/factory.js';
import { LineSocketClient as RawClient } from './line-socket-client.js';

let reactor: NodeReactor | null = null;
let port: IListeningPort | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await port?.stopListening();
  port = null;
  if (reactor !== null) {
    const stopped = reactor;
    reactor = null;
    stopped.stop();
  }
});

describe('IRC server over real TCP', () => {
  it('registers two raw clients, relays a channel message and a QUIT', async () => {
    reactor = new NodeReactor({ installSignalHandlers: false, shutdownGracePeriod: 1 });
    void reactor.run();
    const factory = new IRCServerFactory(reactor, { serverName: 'irc.loopback', motd: 'hello' });
    port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
    const address = port.getHost();
    const portNumber = 'port' in address ? address.port : 0;

    const alice = await RawClient.connect(portNumber);
    const bob = await RawClient.connect(portNumber);
    sockets.push(alice.socket, bob.socket);
    alice.send('NICK alice');
    alice.send('USER alice 0 * :Alice');
    bob.send('CAP LS 302');
    bob.send('NICK bob');
    bob.send('USER bob 0 * :Bob');
    bob.send('CAP REQ :echo-message');
    bob.send('CAP END');
    await alice.waitFor(/ 376 alice /);
    await bob.waitFor(/ 376 bob /);
    alice.send('JOIN #room');
    await alice.waitFor(/ 366 alice #room /);
    bob.send('JOIN #room');
    await alice.waitFor(/^:bob!~bob@127\.0\.0\.1 JOIN #room$/);
    bob.send('PRIVMSG #room :hello over TCP');
    expect(await alice.waitFor(/PRIVMSG #room/)).toBe(
      ':bob!~bob@127.0.0.1 PRIVMSG #room :hello over TCP',
    );
    expect(await bob.waitFor(/PRIVMSG #room/)).toBe(
      ':bob!~bob@127.0.0.1 PRIVMSG #room :hello over TCP',
    );
    bob.send('QUIT :done');
    expect(await bob.waitFor(/^ERROR /)).toBe('ERROR :Closing Link: 127.0.0.1 (Quit: done)');
    await bob.closed();
    expect(await alice.waitFor(/ QUIT /)).toBe(':bob!~bob@127.0.0.1 QUIT :Quit: done');
  });
});
