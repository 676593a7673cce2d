/**
 * A scripted server for IRCClient unit tests: the client runs on a StringTransport and a
 * virtual Clock; `server(line)` feeds it what a server would send, `take()` returns (and
 * forgets) the lines it sent.
 */
import { Clock, StringTransport } from '@tw/core/testing';

import type { IRCClientEvents } from '../../src/client/events.js';
import { IRCClient } from '../../src/client/protocol.js';
import type { IRCClientOptions } from '../../src/client/options.js';

const encoder = new TextEncoder();

export interface Harness {
  readonly client: IRCClient;
  readonly transport: StringTransport;
  readonly clock: Clock;
  /** Feed server lines (CR LF added). */
  server(...lines: string[]): void;
  /** The lines the client sent since the last take(), without CR LF. */
  take(): string[];
}

export const EPOCH = new Date(Date.UTC(2026, 0, 1));

export function connect(options: Partial<IRCClientOptions> = {}): Harness {
  const clock = new Clock();
  const client = new IRCClient({
    nickname: 'bot',
    username: 'botuser',
    realname: 'A Bot',
    reactor: clock,
    flood: 0,
    now: () => EPOCH,
    ...options,
  });
  const transport = new StringTransport();
  transport.connect(client);
  return {
    client,
    transport,
    clock,
    server(...lines) {
      for (const line of lines) client.dataReceived(encoder.encode(`${line}\r\n`));
    },
    take() {
      const text = transport.text();
      transport.clear();
      return text.split('\r\n').filter((line) => line !== '');
    },
  };
}

/** Connect and register without capabilities: CAP LS with none, then 001 and an ISUPPORT. */
export function registered(
  options: Partial<IRCClientOptions> = {},
  isupport = 'CASEMAPPING=rfc1459 CHANTYPES=# PREFIX=(ov)@+',
): Harness {
  const h = connect(options);
  h.server(
    ':irc.test CAP * LS :',
    ':irc.test 001 bot :Welcome to the test network bot!botuser@host.test',
    `:irc.test 005 bot ${isupport} :are supported by this server`,
  );
  h.take();
  return h;
}

/** Every `name` event the harness's client emits from now on, in order. */
export function record<K extends keyof IRCClientEvents>(h: Harness, name: K): IRCClientEvents[K][] {
  const events: IRCClientEvents[K][] = [];
  h.client.on(name, (event) => events.push(event));
  return events;
}
