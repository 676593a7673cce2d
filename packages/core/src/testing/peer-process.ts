/**
 * A third-party peer (nginx, ngircd, ssh-agent, twistd …) run by a test: spawned with its output
 * collected, waited on until it prints a line or opens a port, and stopped by PID — never by
 * name, so that nothing else on the machine is touched. Every peer still running when the test
 * process exits is killed, so a failing test cannot leave one behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { TwError } from '../errors/tw-error.js';
import { waitForTCPPort } from './wait-for-port.js';

/** A peer process could not be started, or did not do what a test waited for. */
export class PeerProcessError extends TwError {
  constructor(code: 'SPAWN' | 'OUTPUT_WAIT', message: string) {
    super(`TW_TESTING_PEER_${code}`, message);
  }
}

/** Options of {@link startPeerProcess}. */
export interface PeerProcessOptions {
  /** Working directory (default: the test's). */
  readonly cwd?: string;
  /** Environment (default: the test's own). */
  readonly env?: NodeJS.ProcessEnv;
  /** Name used in error messages (default: the command). */
  readonly name?: string;
  /** 'pipe' to write to the peer's stdin through {@link PeerProcess.child} (default 'ignore'). */
  readonly stdin?: 'ignore' | 'pipe';
  /** Characters of stdout, of stderr, and of both together kept, the latest ones (default 1 MiB each). */
  readonly maxOutput?: number;
}

/** How a peer ended: its exit code, or the signal that ended it. */
export interface PeerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of {@link PeerProcess.stop}. */
export interface StopPeerOptions {
  /** The signal asked for first (default SIGTERM). */
  readonly signal?: NodeJS.Signals;
  /** Milliseconds to wait before SIGKILL (default 5 000). */
  readonly killAfter?: number;
}

const live = new Set<PeerProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a plain SIGKILL by PID is all that fits.
  process.once('exit', () => {
    for (const peer of live) peer.kill('SIGKILL');
  });
}

/** A running (or ended) peer process; see {@link startPeerProcess}. */
export class PeerProcess {
  /** The process id: what {@link stop} signals. */
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<PeerExit>;
  private out = '';
  private err = '';
  private both = '';
  private exit: PeerExit | null = null;
  /** Exited and its output drained: waiting for more output is pointless. */
  private ended = false;
  private readonly listeners = new Set<() => void>();

  /** @internal use {@link startPeerProcess}. */
  constructor(
    readonly name: string,
    /** The Node child process, for stdin (with `stdin: 'pipe'`) or extra listeners. */
    readonly child: ChildProcess,
    pid: number,
    maxOutput: number,
  ) {
    this.pid = pid;
    const keep = (text: string): string =>
      text.length > maxOutput ? text.slice(text.length - maxOutput) : text;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.out = keep(this.out + chunk);
      this.both = keep(this.both + chunk);
      this.notify();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.err = keep(this.err + chunk);
      this.both = keep(this.both + chunk);
      this.notify();
    });
    this.exited = new Promise<PeerExit>((resolve) => {
      let settled = false;
      const settle = (): void => {
        if (settled || this.exit === null) return;
        settled = true;
        clearTimeout(grace);
        this.ended = true;
        live.delete(this);
        this.notify();
        resolve(this.exit);
      };
      let grace: NodeJS.Timeout | undefined;
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        // Its last output may still be in the pipes: wait for them to close ('close'), unless
        // a grandchild holds them open, then go on after a moment.
        grace = setTimeout(settle, 200);
        this.notify();
      });
      child.once('close', settle);
    });
  }

  /** Everything the peer wrote to stdout so far (the latest `maxOutput` characters). */
  get stdout(): string {
    return this.out;
  }

  /** Everything the peer wrote to stderr so far (the latest `maxOutput` characters). */
  get stderr(): string {
    return this.err;
  }

  /** stdout and stderr together, in the order they arrived (the latest `maxOutput` characters). */
  output(): string {
    return this.both;
  }

  /** How the peer ended, or null while it runs. */
  get exitStatus(): PeerExit | null {
    return this.exit;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exit === null;
  }

  /** Why waiting on this peer is pointless (it exited), or null while it runs. */
  exitReason(): string | null {
    if (!this.ended || this.exit === null) return null;
    const how = this.exit.signal ?? `code ${String(this.exit.code)}`;
    const output = this.output().trim();
    return `${this.name} exited (${how})${output === '' ? '' : `: ${output.slice(-2_000)}`}`;
  }

  /**
   * Resolve with the first match of `pattern` in stdout+stderr (a string must appear verbatim),
   * groups included. Rejects when the peer exits first, or after `timeout` ms (default 10 000).
   */
  waitForOutput(
    pattern: string | RegExp,
    options: { timeout?: number } = {},
  ): Promise<RegExpMatchArray> {
    const timeout = options.timeout ?? 10_000;
    const regex =
      typeof pattern === 'string'
        ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        : pattern;
    return new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = (): void => {
        const found = this.output().match(regex);
        if (found !== null) return finish(() => resolve(found));
        const reason = this.exitReason();
        if (reason !== null) {
          finish(() =>
            reject(
              new PeerProcessError('OUTPUT_WAIT', `waiting for ${String(pattern)}: ${reason}`),
            ),
          );
        }
      };
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new PeerProcessError(
                'OUTPUT_WAIT',
                `${this.name} did not print ${String(pattern)} within ${timeout} ms; ` +
                  `its output so far: ${this.output().slice(-2_000)}`,
              ),
            ),
          ),
        timeout,
      );
      this.listeners.add(check);
      check();
    });
  }

  /**
   * Resolve once the peer accepts TCP connections on `host:port` (default 127.0.0.1); rejects
   * at once if the peer exits, with its output in the message.
   */
  waitForPort(port: number, options: { host?: string; timeout?: number } = {}): Promise<void> {
    return waitForTCPPort(options.host ?? '127.0.0.1', port, {
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
      abortIf: () => this.exitReason(),
    });
  }

  /** Send `signal` to the PID now (no-op once exited); for {@link stop} and the exit hook. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit !== null) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // ESRCH: it exited between the check and the signal; 'exit' is on its way.
    }
  }

  /**
   * Stop the peer by PID: `signal` (default SIGTERM), then SIGKILL if it is still running after
   * `killAfter` ms. Resolves with how it ended; safe to call again or after it exited.
   */
  async stop(options: StopPeerOptions = {}): Promise<PeerExit> {
    if (this.exit !== null) return this.exit;
    this.kill(options.signal ?? 'SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), options.killAfter ?? 5_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Spawn `command args` as a peer for a test (no shell). Throws {@link PeerProcessError} when it
 * cannot be started (e.g. not installed). Stop it with {@link PeerProcess.stop} or
 * {@link stopPeerProcesses}; any left running are killed when the test process exits.
 */
export function startPeerProcess(
  command: string,
  args: readonly string[] = [],
  options: PeerProcessOptions = {},
): PeerProcess {
  const child = spawn(command, [...args], {
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const name = options.name ?? command;
  if (child.pid === undefined) {
    // The 'error' event (ENOENT, EACCES) still follows: swallow it, the throw says it all.
    child.once('error', () => undefined);
    throw new PeerProcessError(
      'SPAWN',
      `could not start ${name} (${command}): is it installed and on PATH? Gate the test with requirePeer()`,
    );
  }
  child.on('error', () => undefined);
  const peer = new PeerProcess(name, child, child.pid, options.maxOutput ?? 1024 * 1024);
  live.add(peer);
  installExitHook();
  return peer;
}

/** Stop every peer started by {@link startPeerProcess} that is still running (for afterAll). */
export async function stopPeerProcesses(options: StopPeerOptions = {}): Promise<void> {
  await Promise.all([...live].map((peer) => peer.stop(options)));
}
