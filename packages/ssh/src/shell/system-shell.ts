/**
 * The opt-in system shell (`tw ssh --exec system`), like OpenSSH's sshd: exec requests run
 * `sh -c <command>` and shell requests run the user's shell, as the server's own user. Without a
 * pty the child's pipes are the channel (stdin EOF forwarded, stdout, stderr, exit status or
 * signal); with a pty the child runs on a pseudo-terminal from node-pty (an optional peer
 * dependency, loaded on first use).
 */
import { constants as osConstants } from 'node:os';

import {
  ProcessDone,
  ProcessProtocol,
  ProcessTerminated,
  Protocol,
  TwError,
  type Failure,
  type IProcessTransport,
  type IReactor,
  type ProcessEndReason,
} from '@tw/core';

import type { PtyInfo } from '../channel/channel-transport.js';
import { pausingProducerFor } from '../channel/pausing-producer.js';
import type { ISSHSession, SSHSessionFactory, SSHSessionRequest } from '../server/session.js';
import { loadNodePty, type PtyProcess } from './node-pty-loader.js';

export interface SystemShellOptions {
  /** The shell for shell and exec requests; default $SHELL or /bin/sh. */
  readonly shell?: string;
  /** Working directory of the child; default the server's own home ($HOME) or cwd. */
  readonly cwd?: string;
  /**
   * Base environment of the child. Default: like sshd, a small one — PATH, HOME, USER,
   * LOGNAME, SHELL, TZ, TMPDIR and LANG from this process — not everything `tw` runs with.
   */
  readonly env?: Readonly<Record<string, string>>;
}

interface ChannelSide {
  setExitStatus(status: number): void;
  setExitSignal(signal: string, coreDumped?: boolean, message?: string): void;
  writeStderr(data: Uint8Array): void;
  readonly pty: PtyInfo | null;
}

/** What the child inherits from the server by default (sshd gives a fresh environment too). */
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TZ', 'TMPDIR', 'LANG'] as const;

function childEnvironment(
  options: SystemShellOptions,
  request: SSHSessionRequest,
  term: string | null,
): Record<string, string> {
  const base: Record<string, string> = {};
  if (options.env !== undefined) {
    Object.assign(base, options.env);
  } else {
    for (const name of INHERITED_ENV) {
      const value = process.env[name];
      if (typeof value === 'string') base[name] = value;
    }
    base['PATH'] ??= '/usr/local/bin:/usr/bin:/bin';
  }
  const env = { ...base, ...request.env };
  if (term !== null) env['TERM'] = term;
  return env;
}

/** Pipes the child's stdio through the channel; used when no pty was asked for. */
class PipedChildProtocol extends Protocol {
  private child: IProcessTransport | null = null;

  constructor(
    private readonly reactor: IReactor,
    private readonly argv: readonly string[],
    private readonly env: Record<string, string>,
    private readonly cwd: string | undefined,
  ) {
    super();
  }

  override connectionMade(): void {
    const channel = this.transport;
    const side = channel as unknown as ChannelSide;
    const childGone = (): void => {
      this.child = null;
    };
    const processProtocol = new (class extends ProcessProtocol {
      override connectionMade(): void {
        // Each side pauses the other: a full SSH window stops reading the child's output, a
        // child not reading its stdin stops the channel (and so the client's window).
        channel.registerProducer(pausingProducerFor(this.transport), true);
        this.transport.registerProducer(pausingProducerFor(channel), true);
      }
      override outReceived(data: Uint8Array): void {
        channel.write(data);
      }
      override errReceived(data: Uint8Array): void {
        side.writeStderr(data);
      }
      override processEnded(reason: ProcessEndReason): void {
        childGone();
        try {
          channel.unregisterProducer();
        } catch {
          // already gone
        }
        reportExit(side, reason);
        channel.loseConnection();
      }
    })();
    const options: { env: Record<string, string>; cwd?: string } = { env: this.env };
    if (this.cwd !== undefined) options.cwd = this.cwd;
    this.child = this.reactor.spawnProcess(processProtocol, this.argv[0]!, this.argv, options);
  }

  override dataReceived(data: Uint8Array): void {
    this.child?.write(data);
  }

  readConnectionLost(): void {
    const child = this.child;
    if (child === null) return;
    // The channel stops producing into stdin; closing stdin waits for a registered producer.
    child.unregisterProducer();
    child.closeStdin();
  }

  signalReceived(name: string): void {
    signalChild(name, (signal) => this.child?.signalProcess(signal as never));
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    const child = this.child;
    this.child = null;
    if (child !== null) signalChild('HUP', (signal) => child.signalProcess(signal as never));
  }
}

/** Runs the child on a pseudo-terminal (node-pty). */
class PtyChildProtocol extends Protocol {
  private child: PtyProcess | null = null;

  constructor(
    private readonly file: string,
    private readonly args: readonly string[],
    private readonly env: Record<string, string>,
    private readonly cwd: string | undefined,
  ) {
    super();
  }

  override connectionMade(): void {
    const side = this.transport as unknown as ChannelSide;
    const pty = side.pty;
    let spawn;
    try {
      spawn = loadNodePty();
    } catch (error) {
      const message = error instanceof TwError ? error.message : String(error);
      side.writeStderr(new TextEncoder().encode(`tw: ${message}\r\n`));
      side.setExitStatus(1);
      this.transport.loseConnection();
      return;
    }
    const child = spawn(this.file, [...this.args], {
      name: pty?.term ?? 'xterm',
      cols: Math.max(1, pty?.cols ?? 80),
      rows: Math.max(1, pty?.rows ?? 24),
      cwd: this.cwd ?? process.cwd(),
      env: this.env,
      encoding: null,
    });
    this.child = child;
    child.onData((data: string | Buffer) => {
      this.transport.write(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    });
    child.onExit(({ exitCode, signal }) => {
      this.child = null;
      if (signal !== undefined && signal !== 0) {
        const name = Object.entries(osConstants.signals).find(
          ([, number]) => number === signal,
        )?.[0];
        side.setExitSignal((name ?? 'KILL').replace(/^SIG/, ''));
      } else {
        side.setExitStatus(exitCode);
      }
      this.transport.loseConnection();
    });
  }

  override dataReceived(data: Uint8Array): void {
    this.child?.write(Buffer.from(data));
  }

  /** EOF on a terminal is the user's ^D, which the pty already carried; nothing to do. */
  readConnectionLost(): void {}

  terminalSizeChanged(cols: number, rows: number): void {
    if (cols > 0 && rows > 0) this.child?.resize(cols, rows);
  }

  signalReceived(name: string): void {
    signalChild(name, (signal) => this.child?.kill(signal));
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    const child = this.child;
    this.child = null;
    child?.kill('SIGHUP');
  }
}

/** RFC 4254 §6.9 signal names (no "SIG"); anything else is ignored. */
const SIGNALS = new Set([
  'ABRT',
  'ALRM',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'KILL',
  'PIPE',
  'QUIT',
  'SEGV',
  'TERM',
  'USR1',
  'USR2',
]);

function signalChild(name: string, send: (signal: string) => void): void {
  const bare = name.replace(/^SIG/, '');
  if (!SIGNALS.has(bare)) return;
  try {
    send(`SIG${bare}`);
  } catch {
    // The child has exited already.
  }
}

function reportExit(side: ChannelSide, reason: Failure): void {
  const value = reason.value;
  if (value instanceof ProcessDone) {
    side.setExitStatus(0);
  } else if (value instanceof ProcessTerminated) {
    if (value.signal !== null) side.setExitSignal(value.signal.replace(/^SIG/, ''));
    else side.setExitStatus(value.exitCode ?? 1);
  } else {
    side.setExitStatus(127); // could not be started
  }
}

/**
 * The session factory of the system shell. exec → `<shell> -c <command>`, shell → `<shell> -l`
 * (login shell, interactive on a pty); with a pty both run on node-pty. env requests are kept
 * to what SSHServerOptions.acceptedEnv allows (LANG, LC_*, TERM by default).
 */
export function systemShellSessionFactory(
  reactor: IReactor,
  options: SystemShellOptions = {},
): SSHSessionFactory {
  const shell = options.shell ?? process.env['SHELL'] ?? '/bin/sh';
  const cwd = options.cwd ?? process.env['HOME'];
  return (): ISSHSession => ({
    openShell: (request) => {
      const env = childEnvironment(options, request, request.pty?.term ?? null);
      if (request.pty !== null) return new PtyChildProtocol(shell, ['-l'], env, cwd);
      return new PipedChildProtocol(reactor, [shell], env, cwd);
    },
    execCommand: (command, request) => {
      const env = childEnvironment(options, request, request.pty?.term ?? null);
      if (request.pty !== null) return new PtyChildProtocol(shell, ['-c', command], env, cwd);
      return new PipedChildProtocol(reactor, [shell, '-c', command], env, cwd);
    },
  });
}
