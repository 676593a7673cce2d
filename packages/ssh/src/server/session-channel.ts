import type { Address, IProtocol, IReactor, Logger } from '@tw/core';
import type { ServerChannel, Session, SFTPWrapper } from 'ssh2';

import { ChannelTransport, type PtyInfo } from '../channel/channel-transport.js';
import { describePeer, envNameAccepted } from './options.js';
import type {
  ISSHSession,
  SessionAwareProtocol,
  SSHSessionFactory,
  SSHSessionRequest,
} from './session.js';
import type { SFTPSubsystemHandler, SubsystemHandler } from './subsystem.js';

/** Bounds on what a client may send before shell/exec. */
const MAX_ENV_VARIABLES = 64;
const MAX_ENV_BYTES = 16 * 1024;
const MAX_COMMAND_BYTES = 256 * 1024;

export interface SessionChannelContext {
  readonly username: string;
  readonly avatar: unknown;
  readonly peer: Address;
  readonly host: Address;
  readonly reactor: IReactor;
  readonly log: Logger;
  readonly sessionFactory: SSHSessionFactory | undefined;
  readonly subsystems: readonly (SubsystemHandler | SFTPSubsystemHandler)[];
  readonly acceptedEnv: readonly string[];
}

type Accept = (() => void) | undefined;
type Reject = (() => void) | undefined;

/**
 * One session channel: collects pty-req and env, then hands shell/exec to the user's
 * ISSHSession and runs the protocol it returns on a ChannelTransport; window-change and signal
 * go to that protocol; subsystem requests go to the named handler.
 */
export class SessionChannel {
  private pty: PtyInfo | null = null;
  private readonly env: Record<string, string> = {};
  private envCount = 0;
  private envBytes = 0;
  private session: ISSHSession | null = null;
  private transport: ChannelTransport | null = null;
  private protocol: SessionAwareProtocol | null = null;

  constructor(
    ssh: Session,
    private readonly context: SessionChannelContext,
  ) {
    ssh.on('pty', (accept: Accept, reject: Reject, info: PtyRequestInfo) =>
      this.onPty(accept, reject, info),
    );
    ssh.on('window-change', (accept: Accept, _reject: Reject, info: WindowChangeInfo) => {
      this.onWindowChange(info);
      accept?.();
    });
    ssh.on('env', (accept: Accept, reject: Reject, info: { key: string; val: string }) =>
      this.onEnv(accept, reject, info.key, info.val),
    );
    ssh.on('signal', (accept: Accept, _reject: Reject, info: { name: string }) => {
      accept?.();
      this.guard(() => this.protocol?.signalReceived?.(String(info.name)));
    });
    ssh.on('shell', (accept: () => ServerChannel, reject: () => void) =>
      this.onShell(accept, reject),
    );
    ssh.on('exec', (accept: () => ServerChannel, reject: () => void, info: { command: string }) =>
      this.onExec(accept, reject, info.command),
    );
    ssh.on('subsystem', (accept: () => ServerChannel, reject: () => void, info: { name: string }) =>
      this.onSubsystem(accept, reject, info.name),
    );
    // ssh2 routes "sftp" to the 'sftp' event only while someone listens to it; otherwise a
    // generic handler named "sftp" (e.g. one running OpenSSH's sftp-server) gets it.
    if (context.subsystems.some((handler) => 'startSFTP' in handler)) {
      ssh.on('sftp', (accept: () => SFTPWrapper, reject: () => void) =>
        this.onSFTP(accept, reject),
      );
    }
    ssh.on('x11', (_accept: Accept, reject: Reject) => reject?.());
    ssh.on('auth-agent', (_accept: Accept, reject: Reject) => reject?.());
    ssh.on('close', () => this.guard(() => this.session?.closed?.()));
  }

  private request(): SSHSessionRequest {
    return {
      username: this.context.username,
      avatar: this.context.avatar,
      peer: this.context.peer,
      reactor: this.context.reactor,
      log: this.context.log,
      pty: this.pty,
      env: { ...this.env },
    };
  }

  private sessionObject(): ISSHSession | null {
    if (this.session === null && this.context.sessionFactory !== undefined) {
      this.session = this.context.sessionFactory(this.request());
    }
    return this.session;
  }

  private onPty(accept: Accept, reject: Reject, info: PtyRequestInfo): void {
    const pty: PtyInfo = {
      term: typeof info.term === 'string' ? info.term.slice(0, 64) : 'dumb',
      cols: clampDimension(info.cols),
      rows: clampDimension(info.rows),
      width: clampDimension(info.width),
      height: clampDimension(info.height),
      modes: (info.modes ?? {}) as Record<string, number | undefined>,
    };
    const session = this.guard(() => this.sessionObject());
    const ok = session?.getPty?.(pty) ?? session !== null;
    if (!ok || this.transport !== null) {
      reject?.();
      return;
    }
    this.pty = pty;
    accept?.();
  }

  private onWindowChange(info: WindowChangeInfo): void {
    const cols = clampDimension(info.cols);
    const rows = clampDimension(info.rows);
    const width = clampDimension(info.width);
    const height = clampDimension(info.height);
    if (this.pty !== null) this.pty = { ...this.pty, cols, rows, width, height };
    this.transport?.windowChanged(cols, rows, width, height);
  }

  private onEnv(accept: Accept, reject: Reject, name: string, value: string): void {
    const bytes = name.length + value.length;
    const acceptable =
      this.transport === null &&
      this.envCount < MAX_ENV_VARIABLES &&
      this.envBytes + bytes <= MAX_ENV_BYTES &&
      envNameAccepted(name, this.context.acceptedEnv) &&
      !name.includes('=') &&
      !name.includes('\u0000') &&
      !value.includes('\u0000');
    const session = acceptable ? this.guard(() => this.sessionObject()) : null;
    const ok = acceptable && (session?.setEnv?.(name, value) ?? true);
    if (!ok) {
      reject?.();
      return;
    }
    this.env[name] = value;
    this.envCount += 1;
    this.envBytes += bytes;
    accept?.();
  }

  private onShell(accept: () => ServerChannel, reject: () => void): void {
    const request = this.request();
    const protocol = this.guard(() => this.sessionObject()?.openShell(request) ?? null);
    this.run(protocol, accept, reject, 'shell');
  }

  private onExec(accept: () => ServerChannel, reject: () => void, command: string): void {
    if (typeof command !== 'string' || command.length > MAX_COMMAND_BYTES) {
      reject();
      return;
    }
    const request = this.request();
    const protocol = this.guard(() => this.sessionObject()?.execCommand(command, request) ?? null);
    this.run(protocol, accept, reject, 'exec');
  }

  private run(
    protocol: IProtocol | null | undefined,
    accept: () => ServerChannel,
    reject: () => void,
    kind: string,
  ): void {
    if (protocol === null || protocol === undefined || this.transport !== null) {
      reject();
      return;
    }
    const channel = accept() as ServerChannel | undefined;
    if (channel === undefined) return; // the session closed before the reply
    this.protocol = protocol as SessionAwareProtocol;
    this.transport = new ChannelTransport(channel, protocol, {
      peer: this.context.peer,
      host: this.context.host,
      pty: this.pty,
      description: `SSH ${kind} channel of ${this.context.username} from ${describePeer(this.context.peer)}`,
    });
    this.transport.start();
  }

  private onSubsystem(accept: () => ServerChannel, reject: () => void, name: string): void {
    const handler = this.context.subsystems.find(
      (candidate): candidate is SubsystemHandler => candidate.name === name && 'start' in candidate,
    );
    if (handler === undefined || this.transport !== null) {
      reject();
      return;
    }
    const channel = accept() as ServerChannel | undefined;
    if (channel === undefined) return;
    this.guard(() => handler.start(channel, this.subsystemContext()));
  }

  private onSFTP(accept: () => SFTPWrapper, reject: () => void): void {
    const handler = this.context.subsystems.find(
      (candidate): candidate is SFTPSubsystemHandler =>
        candidate.name === 'sftp' && 'startSFTP' in candidate,
    );
    if (handler === undefined || this.transport !== null) {
      reject();
      return;
    }
    const sftp = accept() as SFTPWrapper | undefined;
    if (sftp === undefined) return;
    this.guard(() => handler.startSFTP(sftp, this.subsystemContext()));
  }

  private subsystemContext(): { username: string; avatar: unknown; log: Logger } {
    return { username: this.context.username, avatar: this.context.avatar, log: this.context.log };
  }

  /** Code we do not own (sessions, protocols, handlers) must not take the connection down. */
  private guard<T>(call: () => T): T | null {
    try {
      return call();
    } catch (error) {
      this.context.log.failure('SSH session handler failed', error, {}, 'error');
      return null;
    }
  }
}

interface PtyRequestInfo {
  cols?: number;
  rows?: number;
  width?: number;
  height?: number;
  term?: string;
  modes?: unknown;
}

interface WindowChangeInfo {
  cols?: number;
  rows?: number;
  width?: number;
  height?: number;
}

function clampDimension(value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return 0;
  return Math.min(Math.floor(value), 65535);
}
