import type { Deferred } from '@tw/core';
import type { Algorithms } from 'ssh2';

import type { HostKeyTarget } from './errors.js';
import type { RemoteHostKey } from './host-key.js';
import type { KnownHosts } from './known-hosts.js';

/** A keyboard-interactive prompt from the server. */
export interface KeyboardInteractivePrompt {
  readonly prompt: string;
  readonly echo: boolean;
}

/**
 * Decides whether a host key is acceptable for a target. Return (or resolve to) true to accept;
 * false, or a thrown error, refuses the connection.
 */
export type HostKeyVerifier = (
  key: RemoteHostKey,
  target: HostKeyTarget,
) => boolean | Deferred<boolean> | PromiseLike<boolean>;

/** How connectSSH authenticates and checks the server. */
export interface SSHClientOptions {
  /** The user to log in as. */
  readonly username: string;
  /** Password authentication (also answers keyboard-interactive prompts, see below). */
  readonly password?: string;
  /** A private key (OpenSSH or PEM text) for public key authentication. */
  readonly privateKey?: string | Uint8Array;
  /** The passphrase of an encrypted privateKey. */
  readonly passphrase?: string;
  /**
   * An ssh-agent to authenticate with: its socket path, or true for `$SSH_AUTH_SOCK`.
   * Every key the agent holds is tried.
   */
  readonly agent?: string | true;
  /**
   * Try keyboard-interactive (servers that allow only that, e.g. PAM-backed). With a function,
   * it answers the prompts; with true, every prompt is answered with `password`. Default: true
   * when a password is given.
   */
  readonly keyboardInteractive?:
    | boolean
    | ((
        prompts: readonly KeyboardInteractivePrompt[],
        instructions: string,
      ) => readonly string[] | Deferred<readonly string[]> | PromiseLike<readonly string[]>);
  /**
   * A known_hosts to check the server's key against (a KnownHosts or a file path). A key it lists
   * for the host is accepted; `@revoked` or a different key for the host is refused; an unknown
   * host goes to `verifyHostKey` when given, else is refused.
   */
  readonly knownHosts?: KnownHosts | string;
  /**
   * Look the host key up in known_hosts under this name instead of the host (OpenSSH's
   * HostKeyAlias): for servers reached through a relay, or several on one address.
   */
  readonly hostKeyAlias?: string;
  /** Your own host-key check (after known_hosts, for hosts it does not know). */
  readonly verifyHostKey?: HostKeyVerifier;
  /** Host name used for known_hosts and errors; default: the transport's peer address. */
  readonly host?: string;
  /** Port used for known_hosts; default: the transport's peer port, else 22. */
  readonly port?: number;
  /** Seconds the handshake plus authentication may take (default 30). */
  readonly handshakeTimeout?: number;
  /** Seconds between keepalive pings when idle (default 0: none). */
  readonly keepaliveInterval?: number;
  /** Unanswered keepalives before the connection is dropped (default 3). */
  readonly keepaliveCountMax?: number;
  /** Algorithm preferences passed to ssh2 as is. */
  readonly algorithms?: Algorithms;
  /** Default byte limit for output collected by exec() (default 16 MiB). */
  readonly maxOutputBytes?: number;
  /** Called with ssh2's debug lines. */
  readonly debug?: (line: string) => void;
}

/** Defaults of SSHClientOptions. */
export const SSH_CLIENT_DEFAULTS = {
  handshakeTimeout: 30,
  keepaliveCountMax: 3,
  maxOutputBytes: 16 * 1024 * 1024,
} as const;
