import { Deferred } from '@tw/core';
import type { ClientChannel } from 'ssh2';

import { SSHConnectionError, SSHOutputTooLargeError } from './errors.js';

/** A pseudo-terminal to ask for (RFC 4254 §6.2). */
export interface PtyOptions {
  /** TERM value (default `vt100`, as ssh2 sends). */
  readonly term?: string;
  readonly cols?: number;
  readonly rows?: number;
  readonly width?: number;
  readonly height?: number;
}

/** Options of SSHClientConnection.exec. */
export interface ExecOptions {
  /** Bytes (or UTF-8 text) sent as the command's stdin, followed by EOF. Default: EOF at once. */
  readonly stdin?: Uint8Array | string;
  /** Environment variables to ask for (the server may refuse them: sshd's AcceptEnv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Allocate a pseudo-terminal (stdout and stderr then arrive merged on stdout). */
  readonly pty?: boolean | PtyOptions;
  /** Most bytes of stdout + stderr collected (default: the connection's maxOutputBytes). */
  readonly maxOutputBytes?: number;
}

/** What exec collected. */
export interface ExecResult {
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
  /** The exit status, or null when the command ended by a signal or the server sent none. */
  readonly exitCode: number | null;
  /** The signal name without "SIG" (e.g. "TERM"), or null. */
  readonly signal: string | null;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Collect a command's output from an exec channel until it closes. Over `limit` bytes the
 * channel is closed and the Deferred errbacks with SSHOutputTooLargeError; when the connection
 * dies before an exit status arrives, with SSHConnectionError.
 */
export function collectExecOutput(
  channel: ClientChannel,
  command: string,
  stdin: Uint8Array | string | undefined,
  limit: number,
  connectionClosed: () => boolean = () => false,
): Deferred<ExecResult> {
  const result = new Deferred<ExecResult>(() => channel.close());
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let exitCode: number | null = null;
  let signal: string | null = null;
  const overLimit = (): boolean => {
    if (stdoutBytes + stderrBytes <= limit) return false;
    if (!result.called) result.errback(new SSHOutputTooLargeError(command, limit));
    channel.close();
    return true;
  };
  channel.on('data', (data: Buffer) => {
    if (result.called) return;
    stdoutBytes += data.length;
    if (!overLimit()) stdout.push(data);
  });
  channel.stderr.on('data', (data: Buffer) => {
    if (result.called) return;
    stderrBytes += data.length;
    if (!overLimit()) stderr.push(data);
  });
  channel.on('exit', (code: number | null, signalName?: string) => {
    if (typeof code === 'number') exitCode = code;
    if (typeof signalName === 'string') signal = signalName.replace(/^SIG/, '');
  });
  channel.on('close', () => {
    if (result.called) return;
    if (exitCode === null && signal === null && connectionClosed()) {
      // ssh2 closes the channels of a dead connection like clean ones: do not pass partial
      // output off as the command's.
      result.errback(
        new SSHConnectionError(
          `The SSH connection was lost before ${JSON.stringify(command.slice(0, 80))} finished.`,
        ),
      );
      return;
    }
    result.callback({
      stdout: concat(stdout, stdoutBytes),
      stderr: concat(stderr, stderrBytes),
      exitCode,
      signal,
    });
  });
  if (stdin !== undefined) channel.end(typeof stdin === 'string' ? Buffer.from(stdin) : stdin);
  else channel.end();
  return result;
}
