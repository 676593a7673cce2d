/**
 * @tw/ssh — the public surface. Everything here is re-exported from the module that owns it.
 */

// Channels as transports, and ssh2 over any @tw transport.
export {
  ChannelTransport,
  type ChannelTransportOptions,
  type ChannelAwareProtocol,
  type ChannelExit,
  type PtyInfo,
  type SSHChannelLike,
} from './channel/channel-transport.js';
export { TransportDuplex, TransportDuplexProtocol } from './stream/transport-duplex.js';

// The SSH server.
export { SSHServerFactory, SSHServerProtocol } from './server/ssh-server-factory.js';
export {
  type SSHServerOptions,
  type ResolvedSSHServerOptions,
  type DirectTcpipRequest,
  type ForwardingPolicy,
  type RemoteForwardRequest,
  type RemoteForwardingPolicy,
  DEFAULT_ACCEPTED_ENV,
  DEFAULT_SERVER_ALGORITHMS,
} from './server/options.js';
export {
  loadOrCreateHostKeys,
  HostKeyError,
  HOST_KEY_FILES,
  type HostKey,
} from './server/host-keys.js';
export type {
  ISSHSession,
  SSHSessionFactory,
  SSHSessionRequest,
  SessionAwareProtocol,
} from './server/session.js';
export type {
  SubsystemHandler,
  SFTPSubsystemHandler,
  SubsystemContext,
} from './server/subsystem.js';
export { SSHAuthenticator, type AuthenticatedUser } from './server/authenticator.js';

// The SSH client: connect/auth/exec/shell/SFTP/forwarding, host keys and known_hosts.
export { connectSSH, startSSHClient, SSHClientProtocol } from './client/connect.js';
export { SSHClientConnection, type ChannelProtocolOptions } from './client/connection.js';
export type { ExecOptions, ExecResult, PtyOptions } from './client/exec.js';
export type { RemoteForwarding, RemoteForwardTarget } from './client/forwarding.js';
export {
  HostKeyVerificationError,
  UnknownHostKeyError,
  ChangedHostKeyError,
  RevokedHostKeyError,
  HostKeyRejectedError,
  SSHAuthenticationError,
  SSHHandshakeTimeoutError,
  SSHConnectionError,
  SSHChannelError,
  SSHOutputTooLargeError,
  SSHClientClosedError,
  SFTPOperationError,
  SSHKeyError,
  type HostKeyTarget,
} from './client/errors.js';
export {
  hostKeyFromBlob,
  hostKeyFromPublicKeyLine,
  type RemoteHostKey,
} from './client/host-key.js';
export {
  KnownHosts,
  knownHostsName,
  hostPatternsMatch,
  hashKnownHostsName,
  type KnownHostsEntry,
  type KnownHostsProblem,
  type KnownHostsCheck,
  type KnownHostsAddOptions,
} from './client/known-hosts.js';
export {
  SSH_CLIENT_DEFAULTS,
  type SSHClientOptions,
  type HostKeyVerifier,
  type KeyboardInteractivePrompt,
} from './client/options.js';
export { RelayProtocol } from './client/relay.js';
export {
  SFTPClient,
  SFTP_READ_FILE_DEFAULT_LIMIT,
  type SFTPStats,
  type SFTPDirectoryEntry,
  type SFTPTransferOptions,
} from './client/sftp-client.js';

// Shells: the command shell and the opt-in system shell.
export {
  CommandShellProtocol,
  CommandExecProtocol,
  commandShellSessionFactory,
  type CommandShellOptions,
} from './shell/command-shell.js';
export {
  BUILTIN_SHELL_COMMANDS,
  formatDuration,
  type ShellCommand,
  type ShellCommandContext,
  type ShellCommandResult,
} from './shell/shell-commands.js';
export { LineEditor, type LineEditorEvent, type LineEditorOptions } from './shell/line-editor.js';
export { systemShellSessionFactory, type SystemShellOptions } from './shell/system-shell.js';
export { NodePtyMissingError } from './shell/node-pty-loader.js';

// The SFTP server subsystem over @tw/vfs.
export { sftpSubsystem, type SFTPSubsystemOptions } from './sftp/sftp-subsystem.js';
export { DEFAULT_SFTP_LIMITS, type SFTPLimits } from './sftp/sftp-limits.js';
export { statusForError, type SFTPStatusReply } from './sftp/sftp-status.js';
export { longname as sftpLongname, modeString } from './sftp/sftp-attributes.js';

// The ssh: client endpoint.
export { SSHClientEndpoint, type SSHEndpointTarget } from './endpoint/ssh-client-endpoint.js';
export { registerSSHEndpoints, sshOptionsFrom } from './endpoint/register.js';
export { SSHEndpointError } from './endpoint/errors.js';

// Key generation, relays and the tw ssh forwarding patterns.
export { generateEd25519OpenSSHKey, type OpenSSHKeyPair } from './server/openssh-key-format.js';
export { pausingProducerFor } from './channel/pausing-producer.js';
export { forwardingPolicyFromPatterns } from './plugin/forwarding-patterns.js';
