/**
 * @tw/irc — the public surface. Everything here is re-exported from the module that owns it.
 */

// Wire and client: the part of @tw/irc that also runs in web pages (src/browser.ts).
export * from './browser.js';

// Server (src/server/): the IRC daemon.
export {
  defaultIRCServerConfig,
  checkIRCServerConfig,
  IRC_ACCOUNT_INTERFACE,
  IRC_OPERATOR_INTERFACE,
  SERVER_CAPABILITIES,
  type IRCServerConfig,
  type IRCServerConfigInput,
  type IRCFloodConfig,
} from './server/config.js';
export { IRCServerFactory } from './server/factory.js';
export { IRCServerProtocol, type ConnectionState } from './server/connection.js';
export { IRCServerContext } from './server/server-context.js';
export { IRCServerState, type WhowasEntry } from './server/state.js';
export { ServerUser, type IRCClientLink } from './server/user.js';
export { ServerChannel, type Membership, type MaskListEntry } from './server/channel.js';
export {
  CertificateFingerprintChecker,
  TLSCertificateCredentials,
  TLS_CERTIFICATE_CREDENTIALS,
  normalizeFingerprint,
  type ITLSCertificateCredentials,
} from './server/certificate-credentials.js';

// The `tw irc` plugin (src/plugin/): its module is also the package's "./plugin" export.
export { ircPlugin, DEFAULT_IRC_LISTEN } from './plugin/irc-plugin.js';
export {
  serverConfigFromOptions,
  IRC_DEFAULT_PASSWORD_FILE,
  type IRCPluginOptions,
  type IRCConfigContext,
} from './plugin/server-config-from-options.js';
export {
  writeSampleMotd,
  SAMPLE_MOTD,
  IRC_DATA_SUBDIR,
  IRC_MOTD_FILE,
} from './plugin/sample-motd.js';
