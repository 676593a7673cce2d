/**
 * The shapes around ChannelTransport: the ssh2 channel it wraps, pty details, the remote exit,
 * the optional protocol hooks and the options.
 */
import type { Address, IProtocol } from '@tw/core';
import type { Duplex, Readable, Writable } from 'node:stream';

/** What the transport needs from an ssh2 channel; both ServerChannel and ClientChannel fit. */
export type SSHChannelLike = Duplex & {
  readonly stderr: Readable | Writable;
  close(): void;
  exit?(statusOrSignal: number | string, coreDumped?: boolean, message?: string): void;
  setWindow?(rows: number, cols: number, height: number, width: number): void;
  signal?(signalName: string): void;
};

/** Terminal details a client asked for with pty-req (RFC 4254 §6.2). */
export interface PtyInfo {
  readonly term: string;
  readonly cols: number;
  readonly rows: number;
  readonly width: number;
  readonly height: number;
  /** Encoded terminal modes as ssh2 parsed them. */
  readonly modes: Readonly<Record<string, number | undefined>>;
}

/** How the remote end of the channel's command ended (client side: exit-status / exit-signal). */
export interface ChannelExit {
  readonly status: number | null;
  readonly signal: string | null;
  readonly coreDumped: boolean;
  readonly message: string | null;
}

/** Optional protocol hooks the channel transport calls when the protocol implements them. */
export interface ChannelAwareProtocol extends IProtocol {
  /** Data on the extended (stderr) stream: only on the client side. */
  errReceived?(data: Uint8Array): void;
  /** The peer sent EOF; we may still write. Without it the transport closes on EOF. */
  readConnectionLost?(): void;
  /** Our side sent EOF (after writeEOF). */
  writeConnectionLost?(): void;
  /** window-change (server side) delivered by the session. */
  terminalSizeChanged?(cols: number, rows: number, width: number, height: number): void;
  /** The remote command's exit status or signal arrived (client side). */
  exitReceived?(exit: ChannelExit): void;
}

/** Options of a ChannelTransport. */
export interface ChannelTransportOptions {
  /** What getPeer() returns; defaults to a custom `ssh-channel` address. */
  readonly peer?: Address;
  /** What getHost() returns; defaults to a custom `ssh-channel` address. */
  readonly host?: Address;
  /** The pty the client asked for, if any (server side). */
  readonly pty?: PtyInfo | null;
  /** Printed in logs and errors, e.g. "ssh exec channel from 127.0.0.1:5555". */
  readonly description?: string;
}
