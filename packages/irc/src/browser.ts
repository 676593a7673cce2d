/**
 * @tw/irc for web pages: the wire format and the client, without the server and the `tw irc`
 * plugin (which read files). `@tw/irc` resolves here under the "browser" export condition, so a
 * bundler targeting browsers picks it for `import { IRCClient } from '@tw/irc'`. src/index.ts
 * re-exports all of it, so the two surfaces cannot drift apart.
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
