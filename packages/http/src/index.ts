/**
 * @tw/http — the public surface. Everything here is re-exported from the module that owns it.
 */

// HTTP/1.1 wire format (src/wire/): incremental parser, headers, serialisers, limits.
export { HTTPParser, type HTTPParserHandler } from './wire/parser.js';
export { Headers, type HeadersInit } from './wire/headers.js';
export {
  HTTPParseError,
  InvalidHeaderError,
  InvalidHTTPLimitError,
  type HTTPParseErrorStatus,
} from './wire/errors.js';
export { DEFAULT_HTTP_LIMITS, resolveHTTPLimits, type HTTPLimits } from './wire/limits.js';
export {
  serializeResponseHead,
  serializeRequestHead,
  fieldLines,
  type HeaderPairs,
} from './wire/serialize.js';
export {
  encodeChunk,
  encodeLastChunk,
  chunkSizeLine,
  LAST_CHUNK,
  CHUNK_DATA_END,
} from './wire/chunked-encoder.js';
export { isToken, isFieldValue, splitListValue, trimOWS } from './wire/tokens.js';
export { STATUS_REASONS, reasonPhrase, statusHasNoBody, statusLine } from './wire/status-codes.js';
export {
  parseContentLength,
  parseTransferCodings,
  requestFraming,
  responseFraming,
  isKeepAlive,
  connectionHas,
  type BodyFraming,
  type FramingResult,
} from './wire/framing.js';
export { formatHTTPDate, parseHTTPDate } from './wire/http-date.js';

// Templates (src/template/): tags, slots, Elements and renderers, XML templates, flattening.
export * from './template/index.js';

// HTTP client (src/client/): Agent, connection pool, redirects, content decoding, cookies.
export {
  Agent,
  parseRequestURI,
  type IAgent,
  type AgentOptions,
  type AgentReactor,
  type AgentEndpointFactory,
  type ParsedURI,
} from './client/agent.js';
export {
  HTTPConnectionPool,
  type HTTPConnectionPoolOptions,
  type IHTTPClientConnection,
} from './client/pool.js';
export {
  HTTP11ClientProtocol,
  DEFAULT_RESPONSE_TIMEOUT,
  DEFAULT_BODY_IDLE_TIMEOUT,
  type HTTP11ClientProtocolOptions,
} from './client/client-protocol.js';
export { isIdempotentMethod, type ClientRequest } from './client/client-request.js';
export { Response, type IResponseBodyReceiver, type RequestSummary } from './client/response.js';
export { readBody, DEFAULT_READ_BODY_MAX_SIZE, type ReadBodyOptions } from './client/read-body.js';
export {
  FileBodyProducer,
  type IBodyProducer,
  type BodySource,
  type FileBodyProducerOptions,
} from './client/body-producer.js';
export {
  ResponseFailed,
  ResponseNeverReceived,
  RequestTransmissionFailed,
  RequestNotSent,
  ResponseDone,
  WrongBodyLength,
  ResponseTimeoutError,
  BodyIdleTimeoutError,
  BodyTooLargeError,
  DecompressedBodyTooLargeError,
  SchemeNotSupported,
  InvalidURLError,
  InvalidRequestError,
  RedirectWithNoLocation,
  InfiniteRedirection,
  RedirectDowngradeRefused,
  UnsupportedContentEncoding,
  isTimeoutFailure,
} from './client/errors.js';

// Static files (src/static/): the File resource, ranges, conditional requests, safe paths.
export { File } from './static/file.js';
export {
  resolveFileOptions,
  DEFAULT_GZIP_MIN_SIZE,
  DEFAULT_MAX_DIRECTORY_ENTRIES,
  type FileOptions,
  type ResolvedFileOptions,
} from './static/file-options.js';
export {
  planFileResponse,
  type FileResponseFacts,
  type FileResponsePlan,
} from './static/file-response-plan.js';
export {
  StaticProducer,
  FileTruncatedError,
  DEFAULT_CHUNK_SIZE,
  type BodyPiece,
  type StaticProducerOptions,
} from './static/static-producer.js';
export {
  decideRange,
  parseRangeSpecs,
  coalesceRanges,
  formatContentRange,
  formatUnsatisfiedContentRange,
  rangeLength,
  DEFAULT_MAX_RANGES,
  type ByteRange,
  type RangeDecision,
  type RangeIgnoreReason,
  type RangeOptions,
  type RangeSpec,
} from './static/range.js';
export {
  layoutByteRanges,
  makeBoundary,
  type ByteRangesLayout,
  type ByteRangesPart,
} from './static/byteranges.js';
export {
  evaluatePreconditions,
  ifMatchPasses,
  ifNoneMatchPasses,
  ifRangePasses,
  type ConditionalRequest,
  type ConditionalOutcome,
  type RepresentationValidators,
} from './static/conditional.js';
export {
  fileETag,
  variantETag,
  formatETag,
  parseETag,
  parseETagList,
  strongMatch,
  weakMatch,
  type EntityTag,
  type FileValidatorFacts,
} from './static/etag.js';
export {
  resolveUnderRoot,
  realRootOf,
  unsafeSegmentReason,
  isWithin,
  type ResolvedPath,
  type SafePathOptions,
} from './static/safe-path.js';
export {
  renderDirectoryListing,
  readDirectoryEntries,
  type DirectoryEntry,
  type DirectoryListingPage,
} from './static/directory-listing.js';
export { acceptsGzip } from './static/accept-encoding.js';
export { contentTypeFor, isCompressibleType, DEFAULT_CONTENT_TYPE } from './static/content-type.js';
export { RedirectAgent, type RedirectAgentOptions } from './client/redirect.js';
export {
  ContentDecoderAgent,
  DEFAULT_MAX_DECOMPRESSED_SIZE,
  type ContentDecoderAgentOptions,
  type DecoderFactory,
} from './client/content-decoder.js';
export { CookieAgent } from './client/cookies.js';
export {
  CookieJar,
  parseSetCookie,
  domainMatches,
  pathMatches,
  type StoredCookie,
  type CookieJarOptions,
} from './client/cookie-jar.js';

// HTTP/1.1 server protocol (src/server/): channel, request, factory, site contract.
export { HTTPChannel } from './server/channel.js';
export { HTTPFactory, singleResourceSite } from './server/factory.js';
export { Request, RequestStateError, NoSessionsError } from './server/request.js';
export { RequestBodyStream } from './server/request-body-stream.js';
export type { IRequestSite } from './server/site-contract.js';
export {
  resolveHTTPServerOptions,
  type HTTPServerOptions,
  type ResolvedHTTPServerOptions,
} from './server/options.js';
export { parseCookieHeader, serializeSetCookie } from './server/cookies.js';
export { parseQueryArgs, targetPath, targetQuery, pathSegments } from './server/request-target.js';
export { dateHeaderLine } from './server/date-cache.js';

// WebSocket (src/websocket/): RFC 6455 frames, messages, close handshake, permessage-deflate,
// server (resource + standalone factory), client, ws:/wss: endpoints, ITransport adapter.
export { CloseCode, isValidCloseCode, type CloseCodeName } from './websocket/close-codes.js';
export {
  WebSocketProtocolError,
  WebSocketMessageTooBigError,
  WebSocketHandshakeError,
  WebSocketClosedError,
} from './websocket/errors.js';
export {
  Opcode,
  encodeFrame,
  encodeFrameHeader,
  writeFrameHeader,
  frameHeaderSize,
  isControlOpcode,
  type Frame,
  type FrameHeader,
  type FrameHeaderFields,
  type OpcodeValue,
} from './websocket/frame.js';
export { FrameParser, type FrameSink, type FrameParserOptions } from './websocket/frame-parser.js';
export { applyMask, maskInPlace } from './websocket/mask.js';
export { Utf8Validator, isValidUtf8 } from './websocket/utf8-validator.js';
export {
  acceptDeflateOffer,
  formatDeflateOffer,
  acceptDeflateResponse,
  type PerMessageDeflateOptions,
  type NegotiatedDeflate,
} from './websocket/deflate-negotiation.js';
export { PerMessageDeflateCodec, type PerMessageDeflateCodecOptions } from './websocket/deflate.js';
export {
  parseExtensionHeader,
  formatExtension,
  type ExtensionOffer,
} from './websocket/extension-header.js';
export {
  DEFAULT_MAX_MESSAGE_SIZE,
  type WebSocketHandler,
  type WebSocketConnection,
  type WebSocketCloseInfo,
  type WebSocketHandshakeInfo,
  type WebSocketOptions,
} from './websocket/handler.js';
export { WebSocketProtocol, type WebSocketProtocolOptions } from './websocket/protocol.js';
export {
  WebSocketTransport,
  WebSocketWrappedProtocol,
  type WebSocketAddress,
} from './websocket/websocket-transport.js';
export {
  type WebSocketApplication,
  type WebSocketHandlerFactory,
  type WebSocketSessionInfo,
} from './websocket/application.js';
export { computeAcceptKey, generateWebSocketKey } from './websocket/accept-key.js';
export {
  negotiateServerHandshake,
  type WebSocketServerOptions,
  type WebSocketUpgradeRequest,
  type ServerHandshakeResult,
} from './websocket/server-handshake.js';
export {
  WebSocketServerFactory,
  WebSocketServerHandshakeProtocol,
  type WebSocketServerFactoryOptions,
} from './websocket/server-factory.js';
export { WebSocketResource, type ISwitchProtocolsRequest } from './websocket/resource.js';
export {
  parseWebSocketURL,
  type WebSocketURL,
  type WebSocketClientHandshakeOptions,
} from './websocket/client-handshake.js';
export {
  connectWebSocket,
  openWebSocket,
  WebSocketClientFactory,
  WebSocketClientHandshakeProtocol,
  type WebSocketClientOptions,
} from './websocket/client.js';
export { WebSocketClientEndpoint, registerWebSocketEndpoints } from './websocket/endpoint.js';

// Reverse proxy (src/proxy/).
export { ReverseProxyResource, type ReverseProxyOptions } from './proxy/reverse-proxy.js';

// Resources and sites (src/resource/): the resource tree, Site, sessions, forms, HTTP auth, vhosts.
export {
  Resource,
  ErrorPage,
  NoResource,
  ForbiddenResource,
  getChildForRequest,
  computeAllowedMethods,
  type ResourceRenderMethod,
} from './resource/resource.js';
export { Data } from './resource/data.js';
export { DeferredResource } from './resource/deferred-resource.js';
export { renderResource } from './resource/render-resource.js';
export { Site, type SiteOptions } from './resource/site.js';
export {
  Session,
  SessionStore,
  DEFAULT_SESSION_TIMEOUT,
  DEFAULT_MAX_SESSIONS,
  type SessionStoreOptions,
} from './resource/session.js';
export { SESSION_COOKIE_NAME, sessionForRequest } from './resource/session-cookie.js';
export { parseFormBody, formEncodingOf, type ParsedForm } from './resource/forms.js';
export { getUploadedFiles } from './resource/uploaded-files.js';
export type { UploadedFile } from './resource/multipart-form.js';
export { DEFAULT_FORM_LIMITS, resolveFormLimits, type FormLimits } from './resource/form-limits.js';
export { FormParseError } from './resource/form-errors.js';
export {
  HTTPAuthSessionWrapper,
  UnauthorizedResource,
  RESOURCE_AVATAR_INTERFACE,
} from './resource/guard.js';
export {
  BasicCredentialFactory,
  formatChallenge,
  type ICredentialFactory,
} from './resource/credential-factory.js';
export { NameVirtualHost, normalizeHostName } from './resource/vhost.js';

// The `tw web` plugin (src/plugin/): its module is also the package's "./plugin" export.
export { DEFAULT_WEB_LISTEN, webConnectHint, type WebPluginOptions } from './plugin/web-plugin.js';
export { ServicesPage, servicesDocument } from './plugin/services-page.js';
export {
  loadResourceModule,
  isResource,
  ResourceModuleError,
  type ResourceModuleExport,
} from './plugin/resource-module.js';
export { writeSampleSite, WEB_DATA_SUBDIR, SAMPLE_PAGE_TITLE } from './plugin/sample-site.js';
export {
  WebSocketBridgeResource,
  WebSocketBridgeOptionError,
  isSameOrigin,
  DEFAULT_BRIDGE_MAX_CONNECTIONS,
  DEFAULT_BRIDGE_MAX_CONNECTIONS_PER_PEER,
  DEFAULT_BRIDGE_MAX_MESSAGE_SIZE,
  type WebSocketBridgeOptions,
} from './websocket/bridge.js';
