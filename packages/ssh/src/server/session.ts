import type { Address, ILogger, IProtocol, IReactor } from '@tw/core';

import type { PtyInfo } from '../channel/channel-transport.js';

/** Who a session channel runs for, and what the client asked for before shell/exec. */
export interface SSHSessionRequest {
  /** The name the user authenticated as. */
  readonly username: string;
  /** The avatar the cred portal returned. */
  readonly avatar: unknown;
  /** The client's address. */
  readonly peer: Address;
  /** The reactor the server runs on. */
  readonly reactor: IReactor;
  /** The session's logger. */
  readonly log: ILogger;
  /** The pty the client asked for (pty-req), or null. */
  readonly pty: PtyInfo | null;
  /** Environment variables the client sent and the server accepted (env requests). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * What runs a session channel for one user — Twisted conch's ISession. The server calls it on
 * the channel's requests; `openShell`/`execCommand` return the protocol that runs on the
 * channel (as a ChannelTransport), or null to refuse the request. The protocol may implement
 * `terminalSizeChanged(cols, rows, width, height)` (window-change) and
 * `signalReceived(name)` (signal requests).
 */
export interface ISSHSession {
  /** pty-req: return false to refuse. Default: accepted. */
  getPty?(pty: PtyInfo): boolean;
  /** env: return false to refuse the variable. Default: refused. */
  setEnv?(name: string, value: string): boolean;
  /** An interactive shell. */
  openShell(request: SSHSessionRequest): IProtocol | null;
  /** A command (`ssh host command`). */
  execCommand(command: string, request: SSHSessionRequest): IProtocol | null;
  /** The client closed the session's channel. */
  closed?(): void;
}

/** Makes the ISSHSession of each new session channel. */
export type SSHSessionFactory = (request: SSHSessionRequest) => ISSHSession;

/** The protocol hooks a shell/exec protocol may implement. */
export interface SessionAwareProtocol extends IProtocol {
  terminalSizeChanged?(cols: number, rows: number, width: number, height: number): void;
  signalReceived?(name: string): void;
}
