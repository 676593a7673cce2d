import { TwError } from '@tw/core';

/** Where a host key was presented: the host name and port the client connected to. */
export interface HostKeyTarget {
  readonly host: string;
  readonly port: number;
}

function where(target: HostKeyTarget): string {
  return target.port === 22 ? target.host : `[${target.host}]:${target.port}`;
}

/** Base of the host-key refusals; carries the key's fingerprint and where it was offered. */
export class HostKeyVerificationError extends TwError {
  readonly fingerprint: string;
  readonly algorithm: string;
  readonly host: string;
  readonly port: number;

  constructor(
    code: string,
    message: string,
    target: HostKeyTarget,
    key: { fingerprint: string; algorithm: string },
  ) {
    super(code, message);
    this.fingerprint = key.fingerprint;
    this.algorithm = key.algorithm;
    this.host = target.host;
    this.port = target.port;
  }
}

/** The server's host key is in no known_hosts entry for this host (and no hook accepted it). */
export class UnknownHostKeyError extends HostKeyVerificationError {
  constructor(target: HostKeyTarget, key: { fingerprint: string; algorithm: string }) {
    super(
      'TW_SSH_HOST_KEY_UNKNOWN',
      `The authenticity of host ${where(target)} can't be established: its ${key.algorithm} key ` +
        `${key.fingerprint} is not in known_hosts. Check the fingerprint out of band, then add ` +
        `it (KnownHosts.add or ssh-keyscan) or pass a verifyHostKey hook that accepts it.`,
      target,
      key,
    );
  }
}

/** known_hosts holds other keys for this host: possible man-in-the-middle; refused loudly. */
export class ChangedHostKeyError extends HostKeyVerificationError {
  constructor(target: HostKeyTarget, key: { fingerprint: string; algorithm: string }) {
    super(
      'TW_SSH_HOST_KEY_CHANGED',
      `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${where(target)}! It offered the ` +
        `${key.algorithm} key ${key.fingerprint}, which differs from the key(s) known_hosts holds ` +
        `for it. Someone could be eavesdropping (man-in-the-middle), or the host key was just ` +
        `changed. Refusing to connect; if the change is expected, remove the old entry.`,
      target,
      key,
    );
  }
}

/** The key is marked `@revoked` in known_hosts: it must never be accepted. */
export class RevokedHostKeyError extends HostKeyVerificationError {
  constructor(target: HostKeyTarget, key: { fingerprint: string; algorithm: string }) {
    super(
      'TW_SSH_HOST_KEY_REVOKED',
      `The ${key.algorithm} host key ${key.fingerprint} offered by ${where(target)} is marked ` +
        `@revoked in known_hosts. Refusing to connect.`,
      target,
      key,
    );
  }
}

/** The verifyHostKey hook returned false (or failed). */
export class HostKeyRejectedError extends HostKeyVerificationError {
  constructor(target: HostKeyTarget, key: { fingerprint: string; algorithm: string }) {
    super(
      'TW_SSH_HOST_KEY_REJECTED',
      `The verifyHostKey hook rejected the ${key.algorithm} host key ${key.fingerprint} of ` +
        `${where(target)}.`,
      target,
      key,
    );
  }
}

/** Every offered authentication method failed. */
export class SSHAuthenticationError extends TwError {
  constructor(username: string, methods: readonly string[], options?: { cause?: unknown }) {
    super(
      'TW_SSH_AUTH_FAILED',
      `SSH authentication as "${username}" failed (tried: ${methods.join(', ') || 'none'}). ` +
        `Check the username, password, private key (and passphrase) or agent keys, and that ` +
        `the server allows the method.`,
      options,
    );
  }
}

/** The SSH handshake and authentication did not finish within the timeout. */
export class SSHHandshakeTimeoutError extends TwError {
  constructor(seconds: number) {
    super(
      'TW_SSH_HANDSHAKE_TIMEOUT',
      `The SSH handshake and authentication did not finish within ${seconds}s; raise the ` +
        `handshakeTimeout option if the server is slow.`,
    );
  }
}

/** The SSH connection failed or was lost (protocol error, disconnect, transport closed). */
export class SSHConnectionError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_SSH_CONNECTION_FAILED', message, options);
  }
}

/** The server refused to open a channel (session, direct-tcpip, …) or a request on it. */
export class SSHChannelError extends TwError {
  constructor(what: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('TW_SSH_CHANNEL_FAILED', `The server refused ${what}${reason}.`, options);
  }
}

/** exec() collected more output than maxOutputBytes allows; the channel was closed. */
export class SSHOutputTooLargeError extends TwError {
  readonly limit: number;

  constructor(command: string, limit: number) {
    super(
      'TW_SSH_OUTPUT_TOO_LARGE',
      `The command ${JSON.stringify(command.slice(0, 80))} wrote more than ${limit} bytes of ` +
        `output; raise the maxOutputBytes option or use runProtocol() to stream it.`,
    );
    this.limit = limit;
  }
}

/** The SSH client is closed: no new channels can be opened. */
export class SSHClientClosedError extends TwError {
  constructor() {
    super('TW_SSH_CLIENT_CLOSED', 'The SSH connection is closed; connect again to open channels.');
  }
}

/** An SFTP request failed; `status` is the SFTP status code when the server sent one. */
export class SFTPOperationError extends TwError {
  readonly status: number | undefined;
  readonly path: string;

  constructor(operation: string, path: string, cause: unknown) {
    const status = (cause as { code?: unknown } | null)?.code;
    const text = cause instanceof Error ? cause.message : String(cause);
    super('TW_SSH_SFTP_FAILED', `SFTP ${operation} ${JSON.stringify(path)} failed: ${text}`, {
      cause,
    });
    this.status = typeof status === 'number' ? status : undefined;
    this.path = path;
  }
}

/** A private key or agent could not be used for authentication. */
export class SSHKeyError extends TwError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TW_SSH_KEY_INVALID', message, options);
  }
}
