import { ipv4Address, succeed, type IProtocol, type IProtocolFactory } from '@tw/core';
import { Clock, StringTransport } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { ircClientService } from '../../src/client/factory.js';
import type { IRCClient } from '../../src/client/protocol.js';

const encoder = new TextEncoder();

/** An endpoint whose every connection is a StringTransport the test can script. */
class ScriptedEndpoint {
  readonly transports: StringTransport[] = [];
  readonly clients: IRCClient[] = [];

  connect<P extends IProtocol>(factory: IProtocolFactory<P>) {
    const protocol = factory.buildProtocol(ipv4Address('TCP', '127.0.0.1', 6667))!;
    const transport = new StringTransport();
    this.transports.push(transport);
    this.clients.push(protocol as unknown as IRCClient);
    transport.connect(protocol);
    return succeed(protocol);
  }
}

function feed(client: IRCClient, ...lines: string[]): void {
  for (const line of lines) client.dataReceived(encoder.encode(`${line}\r\n`));
}

function sent(transport: StringTransport): string[] {
  const lines = transport
    .text()
    .split('\r\n')
    .filter((l) => l !== '');
  transport.clear();
  return lines;
}

describe('ircClientService', () => {
  it('hands out the client once registered, reconnects with backoff and rejoins its channels', () => {
    const clock = new Clock();
    const endpoint = new ScriptedEndpoint();
    const service = ircClientService(
      endpoint,
      { nickname: 'bot', channels: ['#start'], flood: 0, retryPolicy: () => 5 },
      clock,
    );
    service.startService();
    let connected: IRCClient | null = null;
    void service.whenConnected().addCallback((client) => {
      connected = client;
    });
    const first = endpoint.clients[0]!;
    expect(connected).toBeNull();
    feed(first, ':s 001 bot :Welcome');
    expect(connected).toBe(first);
    expect(sent(endpoint.transports[0]!)).toContain('JOIN #start');

    first.join('#keyed', 'k');
    feed(
      first,
      ':bot!u@h JOIN #start',
      ':bot!u@h JOIN #keyed',
      ':bot!u@h JOIN #parted',
      ':bot!u@h PART #parted',
      ':bot!u@h JOIN #kicked',
      ':op!o@h KICK #kicked bot :out',
    );
    endpoint.transports[0]!.reportDisconnect(new Error('reset'));

    clock.advance(4.9);
    expect(endpoint.clients).toHaveLength(1);
    clock.advance(0.1);
    expect(endpoint.clients).toHaveLength(2);
    const second = endpoint.clients[1]!;
    feed(second, ':s 001 bot :Welcome back');
    const lines = sent(endpoint.transports[1]!).filter((l) => l.startsWith('JOIN'));
    expect(lines.sort()).toEqual(['JOIN #keyed k', 'JOIN #start']);
    void service.stopService();
  });

  it('watches again, after a reconnect, the nicks it MONITORed (and not those it dropped)', () => {
    const clock = new Clock();
    const endpoint = new ScriptedEndpoint();
    const service = ircClientService(
      endpoint,
      { nickname: 'bot', flood: 0, retryPolicy: () => 1 },
      clock,
    );
    service.startService();
    const first = endpoint.clients[0]!;
    feed(first, ':s 001 bot :Welcome');
    first.monitor(['alice', 'bob', 'carol']);
    first.unmonitor(['BOB']);
    endpoint.transports[0]!.reportDisconnect(new Error('reset'));
    clock.advance(1);
    const second = endpoint.clients[1]!;
    sent(endpoint.transports[1]!);
    feed(second, ':s 001 bot :Welcome back');
    expect(sent(endpoint.transports[1]!).filter((l) => l.startsWith('MONITOR'))).toEqual([
      'MONITOR + alice,carol',
    ]);
    expect([...second.monitored.keys()]).toEqual(['alice', 'carol']);
    void service.stopService();
  });
});
