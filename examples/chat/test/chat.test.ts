import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeReactor, formatAddress, type IListeningPort } from '@tw/core';
import { StringTransport } from '@tw/core/testing';
import { ChatFactory, ChatProtocol, ChatRoom } from '../src/chat.js';
import { startExample, stopExample } from '../../echo/test/run-example.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function member(room: ChatRoom): {
  protocol: ChatProtocol;
  transport: StringTransport;
  lines: () => string[];
} {
  const protocol = new ChatProtocol(room);
  const transport = new StringTransport().connect(protocol);
  return {
    protocol,
    transport,
    lines: () =>
      transport
        .text()
        .split('\n')
        .filter((l) => l.length > 0),
  };
}

describe('ChatProtocol (string transport)', () => {
  it('asks for a name, then relays lines to everyone else', () => {
    const room = new ChatRoom();
    const alice = member(room);
    const bob = member(room);
    expect(alice.lines()[0]).toMatch(/What is your name/);
    alice.protocol.dataReceived(encode('alice\r\n'));
    bob.protocol.dataReceived(encode('bob\n'));
    alice.transport.clear();
    bob.transport.clear();
    // Split mid-line and mid-delimiter: framing is LineReceiver's job.
    bob.protocol.dataReceived(encode('hel'));
    bob.protocol.dataReceived(encode('lo all\r'));
    bob.protocol.dataReceived(encode('\n'));
    expect(alice.lines()).toEqual(['<bob> hello all']);
    expect(bob.lines()).toEqual([]);
  });

  it('refuses a taken or malformed name and lets the user try again', () => {
    const room = new ChatRoom();
    const first = member(room);
    const second = member(room);
    first.protocol.dataReceived(encode('zoe\n'));
    second.transport.clear();
    second.protocol.dataReceived(encode('zoe\n'));
    second.protocol.dataReceived(encode('no spaces allowed\n'));
    second.protocol.dataReceived(encode('zed\n'));
    expect(second.lines()).toEqual([
      '"zoe" is taken. Try another:',
      'Names are 1 to 24 letters, digits, "_" or "-". Try again:',
      'Hello zed. 2 here. /who lists, /quit leaves.',
    ]);
  });

  it('/who lists the room, /quit says bye, closes, and tells the others', () => {
    const room = new ChatRoom();
    const a = member(room);
    const b = member(room);
    a.protocol.dataReceived(encode('ann\n'));
    b.protocol.dataReceived(encode('ben\n'));
    a.transport.clear();
    b.transport.clear();
    b.protocol.dataReceived(encode('/who\n/quit\n'));
    expect(b.lines()).toEqual(['Here: ann, ben', 'Bye.']);
    expect(b.transport.disconnecting).toBe(true);
    expect(a.lines()).toEqual(['* ben left']);
    expect([...room.members.keys()]).toEqual(['ann']);
  });

  it('closes a connection whose line exceeds the limit, with a message', () => {
    const room = new ChatRoom();
    const c = member(room);
    c.transport.clear();
    c.protocol.dataReceived(encode('x'.repeat(5000)));
    expect(c.lines()).toEqual(['Lines are limited to 1024 bytes; closing.']);
    expect(c.transport.disconnecting).toBe(true);
  });
});

/** A raw `net` client that collects lines. */
function lineClient(
  port: number,
): Promise<{ socket: net.Socket; nextLine: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const lines: string[] = [];
    const waiters: ((line: string) => void)[] = [];
    let buffer = '';
    socket.on('data', (data) => {
      buffer += data.toString();
      let index: number;
      while ((index = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 1);
        const waiter = waiters.shift();
        if (waiter) waiter(line);
        else lines.push(line);
      }
    });
    socket.once('connect', () =>
      resolve({
        socket,
        nextLine: () =>
          new Promise<string>((r) => {
            const line = lines.shift();
            if (line !== undefined) r(line);
            else waiters.push(r);
          }),
      }),
    );
    socket.once('error', reject);
  });
}

describe('chat over TCP', () => {
  let reactor: NodeReactor | undefined;
  let port: IListeningPort | undefined;
  afterEach(async () => {
    await port?.stopListening();
  });

  it('relays between two real TCP clients', async () => {
    reactor = new NodeReactor({ installSignalHandlers: false });
    port = await reactor.listenTCP(0, new ChatFactory(), { interface: '127.0.0.1' });
    const address = port.getHost();
    if (address.family !== 'IPv4') throw new Error(`unexpected ${formatAddress(address)}`);
    const a = await lineClient(address.port);
    const b = await lineClient(address.port);
    await a.nextLine();
    await b.nextLine();
    a.socket.write('amy\n');
    await a.nextLine();
    b.socket.write('bo\n');
    await b.nextLine();
    expect(await a.nextLine()).toBe('* bo joined (2 here)');
    b.socket.write('hi amy\n');
    expect(await a.nextLine()).toBe('<bo> hi amy');
    a.socket.destroy();
    expect(await b.nextLine()).toBe('* amy left');
    b.socket.destroy();
  });

  it('`start` runs the server program on the endpoint given', async () => {
    const { child, match } = await startExample(
      'chat',
      'chat-server',
      ['tcp:0:interface=127.0.0.1'],
      /listening on 127\.0\.0\.1:(\d+)/,
    );
    try {
      const client = await lineClient(Number(match[1]));
      expect(await client.nextLine()).toMatch(/What is your name/);
      client.socket.destroy();
    } finally {
      expect(await stopExample(child)).toBe(0);
    }
  });
});
