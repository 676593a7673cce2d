import type { Address, IProtocol } from '@tw/core';
import { MemoryReactor, StringTransport } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { commandShellSessionFactory, formatDuration, type PtyInfo } from '../../src/index.js';

/** A StringTransport with what a ChannelTransport adds: pty, exit status, stderr. */
class SessionTransport extends StringTransport {
  exitStatus: number | null = null;
  stderr = '';
  constructor(readonly pty: PtyInfo | null) {
    super();
  }
  setExitStatus(status: number): void {
    this.exitStatus = status;
  }
  writeStderr(data: Uint8Array): void {
    this.stderr += new TextDecoder().decode(data);
  }
}

const PTY: PtyInfo = { term: 'xterm', cols: 80, rows: 24, width: 0, height: 0, modes: {} };
const peer: Address = { family: 'memory', name: 'client' };

function session(reactor = new MemoryReactor()) {
  const listing = [
    {
      service: 'web',
      plugin: 'web',
      endpoint: 'tcp:8080',
      address: { family: 'IPv4', type: 'TCP', host: '127.0.0.1', port: 8080 } as const,
      connect: 'curl http://127.0.0.1:8080/',
    },
  ];
  const factory = commandShellSessionFactory(reactor, { services: () => listing });
  return factory({
    username: 'demo',
    avatar: null,
    peer,
    reactor,
    log: {
      namespace: 't',
      debug() {},
      info() {},
      warn() {},
      error() {},
      critical() {},
      failure() {},
    },
    pty: null,
    env: {},
  });
}

function attach(protocol: IProtocol | null, pty: PtyInfo | null): SessionTransport {
  const transport = new SessionTransport(pty);
  transport.connect(protocol!);
  return transport;
}

const request = { username: 'demo' } as never;

describe('the command shell', () => {
  it('runs commands line by line without a pty, stdout and stderr apart', () => {
    const shell = session().openShell(request);
    const transport = attach(shell, null);
    shell!.dataReceived(new TextEncoder().encode('whoami\nnope\r\nservices\n'));
    const text = transport.text();
    expect(text).toMatch(/^Welcome to tw, demo\./);
    expect(text).toContain('\ndemo\n');
    expect(text).toMatch(
      /SERVICE +LISTENING ON +TRY\nweb +127\.0\.0\.1:8080 +curl http:\/\/127\.0\.0\.1:8080\/\n$/,
    );
    expect(transport.stderr).toBe('tw: nope: command not found (try "help")\n');
    expect(transport.exitStatus).toBeNull();
  });

  it('ends with the status given to exit', () => {
    const shell = session().openShell(request);
    const transport = attach(shell, null);
    shell!.dataReceived(new TextEncoder().encode('exit 42\nwhoami\n'));
    expect(transport.exitStatus).toBe(42);
    expect(transport.disconnecting).toBe(true);
    expect(transport.text()).not.toContain('demo\n');
  });

  it('ends with status 0 at the end of input', () => {
    const shell = session().openShell(request) as IProtocol & { readConnectionLost(): void };
    const transport = attach(shell, null);
    shell.readConnectionLost();
    expect(transport.exitStatus).toBe(0);
  });

  it('refuses an over-long line without a newline', () => {
    const shell = session().openShell(request);
    const transport = attach(shell, null);
    shell!.dataReceived(new Uint8Array(5000).fill(0x61));
    expect(transport.stderr).toContain('maxLineLength');
    expect(transport.exitStatus).toBe(1);
  });

  it('line-edits on a pty, with CR LF line ends and a prompt', () => {
    const shell = session().openShell(request);
    const transport = attach(shell, PTY);
    shell!.dataReceived(new TextEncoder().encode('uptime\r'));
    expect(transport.text()).toMatch(/demo@tw> uptime\r\nup 0 seconds\r\ndemo@tw> $/);
    shell!.dataReceived(new TextEncoder().encode('\u0004'));
    expect(transport.exitStatus).toBe(0);
  });

  it('reports uptime from the reactor clock', () => {
    const reactor = new MemoryReactor();
    const shell = session(reactor).execCommand('uptime', request);
    reactor.advance(3725);
    const transport = attach(shell, null);
    expect(transport.text()).toBe('up 1 hour, 2 minutes\n');
  });

  it('runs exec requests non-interactively: 0 for known commands, 127 otherwise', () => {
    const ok = attach(session().execCommand('whoami', request), null);
    expect(ok.text()).toBe('demo\n');
    expect(ok.exitStatus).toBe(0);
    const unknown = attach(session().execCommand('rm -rf /', request), null);
    expect(unknown.text()).toBe('');
    expect(unknown.stderr).toBe('tw: rm: command not found (try "help")\n');
    expect(unknown.exitStatus).toBe(127);
  });

  it('formats durations in whole units', () => {
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(59)).toBe('59 seconds');
    expect(formatDuration(90061)).toBe('1 day, 1 hour, 1 minute');
  });
});
