import type { Address, ILogger, Portal } from '@tw/core';
import type { Algorithms } from 'ssh2';

import type { HostKey } from './host-keys.js';
import type { SSHSessionFactory } from './session.js';
import type { SFTPSubsystemHandler, SubsystemHandler } from './subsystem.js';

/** A client's direct-tcpip request (`ssh -L`, `ssh -W`), RFC 4254 §7.2. */
export interface DirectTcpipRequest {
  /** Where the client wants to connect. */
  readonly destHost: string;
  readonly destPort: number;
  /** Where the client says the connection came from (unverified). */
  readonly originHost: string;
  readonly originPort: number;
  /** The name the user authenticated as. */
  readonly username: string;
}

/** Decides whether a direct-tcpip request may go ahead. */
export type ForwardingPolicy = (request: DirectTcpipRequest, avatar: unknown) => boolean;

/** A client's tcpip-forward request (`ssh -R`), RFC 4254 §7.1: listen here, forward back. */
export interface RemoteForwardRequest {
  /**
   * The address the client asked to bind: '' (every address), 'localhost', or an address. Only
   * honoured with `gatewayPorts`; otherwise the loopback address is bound whatever it says.
   */
  readonly bindAddress: string;
  /** The port to listen on; 0 lets the system pick (the client is told which). */
  readonly bindPort: number;
  /** The name the user authenticated as. */
  readonly username: string;
}

/** Decides whether a tcpip-forward request may go ahead. */
export type RemoteForwardingPolicy = (request: RemoteForwardRequest, avatar: unknown) => boolean;

/** Options of SSHServerFactory. Times are seconds of reactor time. */
export interface SSHServerOptions {
  /** Host private keys (OpenSSH or PEM text/Buffers, or loadOrCreateHostKeys' result). */
  readonly hostKeys: readonly (HostKey | Buffer | string)[];
  /** Authenticates users: passwords (UsernamePassword) and public keys (SSHPrivateKey). */
  readonly portal: Portal;
  /** The avatar interface asked of the realm; default 'ssh.avatar'. */
  readonly avatarInterface?: string;
  /** Runs shell and exec requests. Without it both are refused. */
  readonly sessionFactory?: SSHSessionFactory;
  /** Subsystems (`ssh -s name`), SFTP included. */
  readonly subsystems?: readonly (SubsystemHandler | SFTPSubsystemHandler)[];
  /** direct-tcpip forwarding: refused unless a policy is given and says yes. */
  readonly forwardingPolicy?: ForwardingPolicy | null;
  /**
   * Remote forwarding (`ssh -R`, tcpip-forward): refused unless a policy is given and says yes.
   * Ports below 1024 are always refused.
   */
  readonly remoteForwardingPolicy?: RemoteForwardingPolicy | null;
  /**
   * Listen on the address a remote-forwarding client asks for (sshd's GatewayPorts yes);
   * default false: always on the loopback address.
   */
  readonly gatewayPorts?: boolean;
  /** Remote-forwarded ports one connection may hold; default 10. */
  readonly maxRemoteForwards?: number;
  /**
   * The algorithms offered, by ssh2's names (kex, serverHostKey, cipher, hmac, compress).
   * Default: DEFAULT_SERVER_ALGORITHMS — ssh2's defaults without SHA-1 (no ssh-rsa signatures,
   * no hmac-sha1) and without compression before authentication (plain zlib).
   */
  readonly algorithms?: Algorithms;
  /** Text shown to the client before authentication. */
  readonly banner?: string;
  /** The software part of our version string; default 'tw_ssh'. */
  readonly ident?: string;
  /** Failed authentication attempts (password or signed key) before disconnecting; default 6. */
  readonly maxAuthAttempts?: number;
  /** Time to authenticate before the connection is dropped; default 120. */
  readonly loginGraceTime?: number;
  /** Open channels per connection; default 10. */
  readonly maxChannels?: number;
  /** Concurrent connections from one peer host; default 10; null for no limit. */
  readonly maxConnectionsPerPeer?: number | null;
  /** Drop a connection with no traffic for this long; default 3600; null for never. */
  readonly idleTimeout?: number | null;
  /** Seconds between keepalive pings to the client; default 15; 0 turns keepalives off. */
  readonly keepaliveInterval?: number;
  /** Unanswered keepalives before the client is dropped; default 3. */
  readonly keepaliveCountMax?: number;
  /** Environment variables a session may set (names or prefixes ending in `*`). */
  readonly acceptedEnv?: readonly string[];
  /** Where the server logs (logins, refusals, drops). */
  readonly log?: ILogger;
}

/** The options with every default filled in. */
export interface ResolvedSSHServerOptions {
  readonly avatarInterface: string;
  readonly maxAuthAttempts: number;
  readonly loginGraceTime: number;
  readonly maxChannels: number;
  readonly maxRemoteForwards: number;
  readonly gatewayPorts: boolean;
  readonly maxConnectionsPerPeer: number | null;
  readonly idleTimeout: number | null;
  readonly keepaliveInterval: number;
  readonly keepaliveCountMax: number;
  readonly acceptedEnv: readonly string[];
}

export const DEFAULT_ACCEPTED_ENV: readonly string[] = ['LANG', 'LC_*', 'TERM'];

export function resolveServerOptions(options: SSHServerOptions): ResolvedSSHServerOptions {
  return {
    avatarInterface: options.avatarInterface ?? 'ssh.avatar',
    maxAuthAttempts: options.maxAuthAttempts ?? 6,
    loginGraceTime: options.loginGraceTime ?? 120,
    maxChannels: options.maxChannels ?? 10,
    maxRemoteForwards: options.maxRemoteForwards ?? 10,
    gatewayPorts: options.gatewayPorts ?? false,
    maxConnectionsPerPeer:
      options.maxConnectionsPerPeer === undefined ? 10 : options.maxConnectionsPerPeer,
    idleTimeout: options.idleTimeout === undefined ? 3600 : options.idleTimeout,
    keepaliveInterval: options.keepaliveInterval ?? 15,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    acceptedEnv: options.acceptedEnv ?? DEFAULT_ACCEPTED_ENV,
  };
}

/** Whether `name` matches one of the accepted names (`LC_*` matches any LC_ prefix). */
export function envNameAccepted(name: string, accepted: readonly string[]): boolean {
  return accepted.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );
}

/** A printable form of an address for logs. */
export function describePeer(peer: Address): string {
  switch (peer.family) {
    case 'IPv4':
      return `${peer.host}:${peer.port}`;
    case 'IPv6':
      return `[${peer.host}]:${peer.port}`;
    case 'UNIX':
      return `unix:${peer.path ?? ''}`;
    case 'memory':
      return `memory:${peer.name}`;
    case 'process':
      return `process:${peer.pid ?? ''}`;
    case 'custom':
      return peer.description;
  }
}

/**
 * What the server offers unless told otherwise: ssh2's defaults less what OpenSSH 8.8+ and
 * ssh-audit reject — SHA-1 (the `ssh-rsa` signature algorithm, `hmac-sha1`, `hmac-sha1-etm`) —
 * and less `zlib` compression before authentication (OpenSSH's server offers only the delayed
 * `zlib@openssh.com`). RSA host keys still work, signed with rsa-sha2-256/512.
 */
export const DEFAULT_SERVER_ALGORITHMS: Algorithms = {
  kex: [
    'curve25519-sha256',
    'curve25519-sha256@libssh.org',
    'ecdh-sha2-nistp256',
    'ecdh-sha2-nistp384',
    'ecdh-sha2-nistp521',
    'diffie-hellman-group-exchange-sha256',
    'diffie-hellman-group16-sha512',
    'diffie-hellman-group18-sha512',
    'diffie-hellman-group14-sha256',
  ],
  serverHostKey: [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
  ],
  // AES-GCM first, as in ssh2's own list: Node's crypto does it fastest.
  cipher: [
    'aes128-gcm@openssh.com',
    'aes256-gcm@openssh.com',
    'aes128-ctr',
    'aes192-ctr',
    'aes256-ctr',
    'chacha20-poly1305@openssh.com',
  ],
  hmac: [
    'hmac-sha2-256-etm@openssh.com',
    'hmac-sha2-512-etm@openssh.com',
    'hmac-sha2-256',
    'hmac-sha2-512',
  ],
  compress: ['none', 'zlib@openssh.com'],
};
