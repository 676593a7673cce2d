import { ipv4Address } from '@tw/core';
import { Clock, StringTransport } from '@tw/core/testing';
import { IRCServerFactory } from '../../src/server/factory.js';
import type { IRCServerConfigInput } from '../../src/server/config.js';
import type { IRCServerProtocol } from '../../src/server/connection.js';

/** A fixed wall clock, so server-time tags and timestamps are golden. */
export const FIXED_NOW = new Date('2026-01-02T03:04:05.678Z');
const encoder = new TextEncoder();

/** One fake client: a StringTransport on an IRCServerProtocol. */
export class TestClient {
  constructor(
    readonly protocol: IRCServerProtocol,
    readonly transport: StringTransport,
  ) {}

  /** Send lines (each gets CRLF). */
  send(...lines: string[]): this {
    for (const line of lines) this.protocol.dataReceived(encoder.encode(`${line}\r\n`));
    return this;
  }

  /** Everything written since the last call, as lines without CRLF. */
  lines(): string[] {
    const text = this.transport.text();
    this.transport.clear();
    return text.split('\r\n').filter((l) => l !== '');
  }

  /** Lines whose command (after any tags and source) is `command`. */
  take(command: string): string[] {
    return this.lines().filter((line) => commandOf(line) === command);
  }

  get closed(): boolean {
    return this.transport.disconnecting;
  }
}

/** The command of a raw line. */
export function commandOf(line: string): string {
  const parts = line.split(' ');
  let i = 0;
  if (parts[i]?.startsWith('@')) i++;
  if (parts[i]?.startsWith(':')) i++;
  return parts[i] ?? '';
}

let nextPort = 50000;

/** A server on a virtual clock, and a way to connect registered or raw clients to it. */
export class TestServer {
  readonly clock = new Clock();
  readonly factory: IRCServerFactory;

  constructor(config: IRCServerConfigInput = {}) {
    this.factory = new IRCServerFactory(this.clock, {
      serverName: 'irc.test',
      network: 'TestNet',
      now: () => FIXED_NOW,
      flood: { burst: 0, perSecond: 0 },
      ...config,
    });
  }

  /** A connected, unregistered client. */
  connect(host = '10.0.0.1'): TestClient {
    const protocol = this.factory.buildServerProtocol();
    const transport = new StringTransport({ peer: ipv4Address('TCP', host, nextPort++) });
    transport.connect(protocol);
    return new TestClient(protocol, transport);
  }

  /** A registered client (welcome burst discarded), optionally with capabilities. */
  register(nick: string, options: { caps?: string[]; host?: string } = {}): TestClient {
    const client = this.connect(options.host);
    if (options.caps !== undefined && options.caps.length > 0) {
      client.send('CAP LS 302', `CAP REQ :${options.caps.join(' ')}`);
    }
    client.send(`NICK ${nick}`, `USER ${nick} 0 * :${nick} real`);
    if (options.caps !== undefined && options.caps.length > 0) client.send('CAP END');
    const welcome = client.lines();
    if (!welcome.some((l) => commandOf(l) === '001')) {
      throw new Error(`registration of ${nick} failed:\n${welcome.join('\n')}`);
    }
    return client;
  }
}
