/**
 * @tw/irc — the public surface. Everything here is re-exported from the module that owns it.
 */

// Wire: parsing and serialising IRC messages, case mapping, ISUPPORT, modes, CTCP, numerics.
export {
  IRCParseError,
  InvalidIRCMessageError,
  LineTooLongError,
  InvalidIRCOptionError,
} from './wire/errors.js';
export {
  type IRCMessage,
  type IRCSource,
  type IRCMessageInit,
  parseSource,
  makeSource,
  isServerSource,
  createMessage,
  toTagMap,
} from './wire/message.js';
export {
  parseTags,
  formatTags,
  escapeTagValue,
  unescapeTagValue,
  isValidTagKey,
  formatServerTime,
  parseServerTime,
} from './wire/tags.js';
export { parseMessage, tryParseMessage } from './wire/parser.js';
export { IRCLineDecoder, type IRCLineDecoderOptions } from './wire/line-decoder.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  DEFAULT_MAX_TAG_BYTES,
  MAX_CLIENT_TAG_BYTES,
} from './wire/limits.js';
export {
  formatMessage,
  encodeLine,
  maxTextBytes,
  type FormatOptions,
  type EncodeOptions,
} from './wire/serializer.js';
export { splitText, utf8ByteLength } from './wire/split-text.js';
export { decodeLatin1 } from './wire/latin1.js';
export {
  type CaseMapping,
  DEFAULT_CASEMAPPING,
  toCaseMapping,
  lowerIRC,
  ircEquals,
  IRCMap,
} from './wire/casemapping.js';
export {
  type ISupportMap,
  type ChanModes,
  type PrefixSpec,
  ISupport,
  ISUPPORT_DEFAULTS,
  parseISupport,
  parseISupportMessage,
  formatISupportTokens,
  escapeISupportValue,
  unescapeISupportValue,
  parsePrefix,
  parseChanModes,
  parseTargMax,
} from './wire/isupport.js';
export { type ModeChange, parseModeString, formatModeChanges, modeTakesArg } from './wire/modes.js';
export {
  type CTCPMessage,
  CTCP_DELIMITER,
  isCTCP,
  parseCTCP,
  formatCTCP,
  lowQuote,
  lowDequote,
  ctcpQuote,
  ctcpDequote,
} from './wire/ctcp.js';
export {
  Numerics,
  type NumericName,
  numericName,
  isNumeric,
  isErrorNumeric,
} from './wire/numerics.js';
export { matchMask, normalizeMask } from './wire/masks.js';
export { isValidNick, isValidChannelName, isValidHostname } from './wire/names.js';
export {
  type ParsedNamesEntry,
  parseNamesEntry,
  formatMemberPrefixes,
  splitStatusTarget,
  splitTargets,
} from './wire/membership.js';

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

// Client (src/client/): IRCClient for bots and applications.
export { IRCClient } from './client/protocol.js';
export { IRCClientConnection } from './client/connection.js';
export {
  IRCClientFactory,
  ircClientService,
  type IRCClientServiceOptions,
} from './client/factory.js';
export {
  DEFAULT_CAPS,
  DEFAULT_CLIENT_LIMITS,
  type IRCClientOptions,
  type IRCClientLimits,
  type SASLOptions,
} from './client/options.js';
export type * from './client/events.js';
export type { JoinedChannel } from './client/event-dispatch.js';
export type { NamesEntry, WhoReply, WhoisInfo } from './client/queries.js';
export { TokenBucket, TokenBucketQueue, DEFAULT_FLOOD, type FloodOptions } from './client/flood.js';
export { DEFAULT_VERSION_REPLY, DEFAULT_CTCP_REPLY_RATE } from './client/ctcp-responder.js';
export { saslPayloadLines, SASL_CHUNK_BYTES } from './client/cap-negotiation.js';
export { TypedEmitter, type EventHandler } from './client/typed-emitter.js';
export {
  NoSuchNickError,
  IRCCommandError,
  NicknameUnavailableError,
  SASLFailedError,
  IRCClientLimitError,
  NotConnectedError,
  IRCTimeoutError,
} from './client/errors.js';

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
