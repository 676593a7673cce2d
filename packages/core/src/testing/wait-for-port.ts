/**
 * Waiting for a TCP port to accept connections, and picking a free one: what every interop test
 * that starts a third-party server (nginx, ngircd, sshd, twistd …) needs before it connects.
 */
import * as net from 'node:net';

import { TwError } from '../errors/tw-error.js';

/** waitForTCPPort() gave up: nothing accepted in time, or the server it waited for died. */
export class PortWaitError extends TwError {
  constructor(message: string) {
    super('TW_TESTING_PORT_WAIT', message);
  }
}

/** Options of {@link waitForTCPPort}. */
export interface WaitForTCPPortOptions {
  /** Give up after this many milliseconds (default 10 000). */
  readonly timeout?: number;
  /** Pause between attempts, in milliseconds (default 25). */
  readonly interval?: number;
  /**
   * Checked before every retry: return a reason (e.g. "nginx exited with code 1") to stop
   * waiting at once instead of polling a port that will never open; null to keep waiting.
   */
  readonly abortIf?: () => string | null;
}

/** One connection attempt: true when something accepted, false on any error. */
function tryConnect(host: string, port: number, timeout: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    // A filtered port would hang the attempt for the OS's SYN timeout: bound each one.
    const timer = setTimeout(() => done(false), Math.max(1, timeout));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Resolve once `host:port` accepts a TCP connection (the probe connection is closed at once).
 * Rejects with {@link PortWaitError} after `timeout` ms, or as soon as `abortIf` gives a reason.
 */
export async function waitForTCPPort(
  host: string,
  port: number,
  options: WaitForTCPPortOptions = {},
): Promise<void> {
  const timeout = options.timeout ?? 10_000;
  const interval = options.interval ?? 25;
  const deadline = Date.now() + timeout;
  for (;;) {
    const left = deadline - Date.now();
    if (await tryConnect(host, port, Math.min(left, 2_000))) return;
    const reason = options.abortIf?.() ?? null;
    if (reason !== null) {
      throw new PortWaitError(`${host}:${port} never accepted a connection: ${reason}`);
    }
    if (Date.now() + interval >= deadline) {
      throw new PortWaitError(
        `${host}:${port} did not accept a connection within ${timeout} ms: check that the ` +
          'server started (its output) or raise the timeout',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * A TCP port that was free on `host` a moment ago (bound to port 0, then closed), for a
 * third-party server that must be told its port in a config file. Another process could take
 * it in between; on loopback in a test run that is rare enough.
 */
export async function freeTCPPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const chosen = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return chosen;
}
