/**
 * @tw/core — the public surface. Everything here is re-exported from the module that owns it.
 */
export type * from './interfaces/address.js';
export type * from './interfaces/producer.js';
export type * from './interfaces/transport.js';
export type * from './interfaces/protocol.js';
export type * from './interfaces/reactor.js';
export type * from './interfaces/endpoint.js';
export type * from './interfaces/tls.js';

export { TwError, isTwError } from './errors/tw-error.js';
export * from './errors/connection.js';
export * from './errors/defer.js';

export { Failure, type ErrorClass } from './defer/failure.js';
export { Deferred, succeed, fail, ensureDeferred, type Canceller } from './defer/deferred.js';
export { onUnhandledFailure, type UnhandledFailureObserver } from './defer/unhandled.js';
export { setAsyncContextPropagation } from './defer/async-context.js';
export {
  maybeDeferred,
  gatherResults,
  DeferredList,
  race,
  deferLater,
  type DeferredListEntry,
  type DeferredListOptions,
} from './defer/helpers.js';
export { DeferredLock, DeferredSemaphore, DeferredQueue } from './defer/lock.js';

export { Protocol } from './protocol/protocol.js';
export { Factory, ClientFactory } from './protocol/factory.js';
export {
  ipv4Address,
  ipv6Address,
  unixAddress,
  ipAddress,
  formatAddress,
} from './address/address.js';
export {
  isTLSTransport,
  isSSLTransport,
  isHalfCloseableTransport,
  isHalfCloseableProtocol,
  requireCapability,
} from './transport/capabilities.js';
export { Clock, DelayedCall, AlreadyCalled, AlreadyCancelled } from './task/clock.js';
export { LoopingCall } from './task/looping-call.js';
export {
  Cooperator,
  CooperativeTask,
  coiterate,
  cooperate,
  cooperatorFor,
  type CooperativeIterator,
  type CooperatorOptions,
  type CooperatorScheduler,
  type ScheduledCall,
  type TerminationPredicateFactory,
} from './task/cooperator.js';
export {
  LoopingCallAlreadyRunning,
  LoopingCallNotRunning,
  InvalidLoopingInterval,
  TaskDone,
  TaskFinished,
  TaskFailed,
  TaskStopped,
  SchedulerStopped,
  NotPaused,
} from './task/errors.js';

export {
  EndpointDescriptionError,
  UnknownEndpointSchemeError,
  UnknownEndpointKeywordError,
  EndpointSchemeAlreadyRegisteredError,
  NoProtocolError,
  ConnectingCancelledError,
  AllConnectionAttemptsFailedError,
} from './endpoints/errors.js';
export {
  parseEndpointDescription,
  quoteStringArgument,
  formatEndpointDescription,
  type ParsedEndpointDescription,
} from './endpoints/grammar.js';
export {
  EndpointRegistry,
  type EndpointParser,
  type EndpointParseFunction,
  type EndpointParseContext,
  type ServerEndpointParser,
  type ClientEndpointParser,
  type RegisterOptions,
} from './endpoints/registry.js';
export {
  defaultEndpointRegistry,
  createDefaultEndpointRegistry,
  registerServerEndpointParser,
  registerClientEndpointParser,
  serverFromString,
  clientFromString,
  type FromStringOptions,
} from './endpoints/default-registry.js';
export {
  requiredArgument,
  portArgument,
  integerArgument,
  secondsArgument,
  octalArgument,
  flagArgument,
  hostArgument,
} from './endpoints/arguments.js';
export {
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  TCP4ClientEndpoint,
  TCP6ClientEndpoint,
  type TCPServerEndpointOptions,
  type TCPClientEndpointOptions,
} from './endpoints/tcp.js';
export { TLSServerEndpoint, TLSClientEndpoint } from './endpoints/tls.js';
export { HAProxyServerEndpoint, haproxyServerParser } from './endpoints/haproxy.js';
export {
  UNIXServerEndpoint,
  UNIXClientEndpoint,
  type UNIXServerEndpointOptions,
  type UNIXClientEndpointOptions,
} from './endpoints/unix.js';
export {
  HostnameEndpoint,
  interleaveAddressFamilies,
  type HostnameEndpointOptions,
  type HostnameEndpointReactor,
} from './endpoints/hostname.js';
export { connectProtocol } from './endpoints/connect-protocol.js';
export { connectWithWrappingFactory } from './endpoints/wrapping-factory.js';
export { isIPv4Literal, isIPv6Literal, isIPLiteral } from './endpoints/ip-literal.js';

export { ReactorNotRunning, ReactorAlreadyRunning } from './errors/reactor.js';
export { DatagramProtocol } from './protocol/datagram.js';
export { NodeReactor, type NodeReactorOptions } from './reactor/node/node-reactor.js';
export { react } from './reactor/node/react.js';
export { NodeResolver } from './reactor/node/resolver.js';
export { NodeDelayedCall } from './reactor/node/time.js';
export { SocketTransport } from './reactor/node/socket-transport.js';

// Framing (twisted.protocols.basic) and policies (twisted.protocols.policies).
export { LineReceiver } from './framing/line-receiver.js';
export { LineOnlyReceiver } from './framing/line-only-receiver.js';
export {
  IntNStringReceiver,
  Int8StringReceiver,
  Int16StringReceiver,
  Int32StringReceiver,
} from './framing/int-n-string.js';
export { NetstringReceiver } from './framing/netstring.js';
export { StringTooLongError, NetstringParseError } from './framing/errors.js';
export { ProtocolWrapper, WrappingFactory } from './policies/wrapping-factory.js';
export {
  IdleTimeout,
  TimeoutProtocol,
  TimeoutFactory,
  type TimeoutFactoryOptions,
} from './policies/timeout.js';
export {
  LimitTotalConnectionsFactory,
  type LimitTotalConnectionsOptions,
} from './policies/limit-total-connections.js';
export {
  LimitConnectionsByPeer,
  defaultPeerKey,
  type LimitConnectionsByPeerOptions,
} from './policies/limit-connections-by-peer.js';
export { RefusedConnectionProtocol, type RefusalMessage } from './policies/refused-connection.js';
export {
  ProxyProtocolWrapper,
  ProxyProtocolWrappingFactory,
  getProxyHeader,
  type ProxyProtocolOptions,
} from './policies/proxy-protocol.js';
export {
  ProxyHeaderParser,
  parseProxyHeader,
  type ProxyProtocolVersions,
  type ProxyHeaderParserOptions,
  type ProxyParseEvent,
} from './policies/proxy-protocol-parser.js';
export {
  ProxyTLVType,
  PROXY_V2_SIGNATURE,
  PROXY_V1_MAX_LENGTH,
  type ProxyHeader,
  type ProxyTLV,
} from './policies/proxy-protocol-header.js';
export {
  formatProxyHeaderV1,
  formatProxyHeaderV2,
  type ProxyHeaderFields,
} from './policies/proxy-protocol-writer.js';
export { InvalidProxyHeader, ProxyHeaderTimeout } from './policies/errors.js';

// TLS: node:tls mapping, the generic TLS layer over any stream transport, test certificates.
export { TLSOptionsError, TLSPeerVerificationError } from './tls/tls-errors.js';
export {
  toNodeServerOptions,
  toNodeClientOptions,
  wrapSocketInTLS,
  peerCertificateOf,
  sniNameMatches,
} from './tls/node-tls.js';
export {
  TLSProtocolWrapper,
  startTLSOn,
  validateTLSOptions,
  type TLSSide,
  type TLSProtocolWrapperOptions,
} from './tls/tls-layer.js';
export { TLSWrappingFactory } from './tls/tls-wrapping-factory.js';
export { TLSTransport, type TLSLayerControl } from './tls/tls-transport.js';
export { PlainTransportDuplex, type CiphertextSink } from './tls/plain-transport-duplex.js';
export {
  generateKeyPair,
  generateSelfSignedCertificate,
  generateCertificateAuthority,
  issueCertificate,
  inspectCertificate,
  type KeyPairPEM,
  type CertificateAndKey,
  type SelfSignedCertificateOptions,
  type CertificateAuthorityOptions,
  type IssueCertificateOptions,
  type CertificateInfo,
} from './tls/certificates.js';
export type * from './interfaces/service.js';
export type * from './interfaces/logger.js';
export type * from './interfaces/plugin.js';
export { Logger } from './log/logger.js';
export {
  LogPublisher,
  globalLogPublisher,
  stderrWarningsObserver,
  type LogPublisherOptions,
} from './log/publisher.js';
export { LOG_LEVELS, isLevelAtLeast, isLogLevel } from './log/levels.js';
export { formatEvent, MISSING } from './log/format-event.js';
export { formatEventAsText, formatEventTime } from './log/format-text.js';
export { REDACTED, isSensitiveFieldName } from './log/redaction.js';
export { toJSONSafe, stringifyValue, type JSONSafe } from './log/safe-value.js';
export type { LogStream } from './log/observers/log-stream.js';
export { textFileLogObserver } from './log/observers/text-file.js';
export {
  jsonFileLogObserver,
  eventAsJSONRecord,
  type JSONLogRecord,
} from './log/observers/json-file.js';
export {
  filteringObserver,
  namespaceLevelResolver,
  type LevelFilterOptions,
} from './log/observers/filtering.js';
export { LimitedHistoryLogObserver } from './log/observers/limited-history.js';
export { routeUnhandledFailuresToLog } from './log/unhandled-failures.js';

// Child processes (twisted.internet.process) and stdio (twisted.internet.stdio).
export type * from './interfaces/process.js';
export {
  ProcessDone,
  ProcessTerminated,
  ProcessSpawnError,
  ProcessExitedAlready,
  InvalidSpawnOptionsError,
  ChildFDNotWritableError,
  type ProcessTerminatedDetails,
} from './errors/process.js';
export { ProcessProtocol, type ProcessEndReason } from './protocol/process-protocol.js';
export { ProcessTransport } from './reactor/node/process-transport.js';
export { StandardIO, type StandardIOOptions } from './reactor/node/stdio.js';

// cred (twisted.cred): Portal, realms, credentials, checkers, password hashes, SSH keys, throttling.
export type * from './interfaces/cred.js';
export {
  LoginFailed,
  UnauthorizedLogin,
  UnhandledCredentials,
  ValidPublicKey,
  UnsupportedAvatarInterface,
  MalformedPasswordHash,
  InvalidUsername,
  InvalidSSHKey,
} from './cred/errors.js';
export { Portal, type PortalOptions } from './cred/portal.js';
export { SimpleRealm, type AvatarFactory, type SimpleRealmOptions } from './cred/simple-realm.js';
export { LoginThrottle, type LoginThrottleOptions } from './cred/login-throttle.js';
export {
  ANONYMOUS,
  UsernamePassword,
  Anonymous,
  SSHPrivateKey,
  constantTimeEqual,
} from './cred/credentials.js';
export {
  hashPassword,
  verifyPassword,
  parsePasswordHash,
  formatPasswordHash,
  DEFAULT_SCRYPT_PARAMETERS,
  type ScryptParameters,
  type HashPasswordOptions,
  type ParsedPasswordHash,
} from './cred/scrypt-hash.js';
export {
  parsePasswordFile,
  setPasswordInFile,
  removeUserFromPasswordFile,
  checkPasswordFileUsername,
  type PasswordFileProblem,
  type ParsedPasswordFile,
} from './cred/password-file.js';
export {
  parseSSHPublicKey,
  encodeSSHPublicKey,
  formatOpenSSHPublicKey,
  sshKeyFingerprint,
  verifySSHSignature,
  signSSHData,
  signatureAlgorithmMatchesKey,
  type SSHKeyType,
  type SSHPublicKey,
  type VerifySSHSignatureOptions,
} from './cred/ssh-key-wire.js';
export {
  parseAuthorizedKeys,
  type AuthorizedKey,
  type AuthorizedKeyOption,
  type AuthorizedKeysProblem,
  type ParseAuthorizedKeysOptions,
  type ParsedAuthorizedKeys,
} from './cred/authorized-keys.js';
export { AllowAnonymousAccess } from './cred/checkers/anonymous.js';
export {
  InMemoryUsernamePasswordDatabaseDontUse,
  InMemoryPasswordChecker,
} from './cred/checkers/in-memory.js';
export {
  PasswordFileChecker,
  type PasswordFileCheckerOptions,
} from './cred/checkers/password-file.js';
export {
  SSHPublicKeyChecker,
  AuthorizedKeysChecker,
  AuthorizedKeysFiles,
  InMemorySSHKeyDB,
  type IAuthorizedKeysDB,
  type SSHPublicKeyInput,
  type AuthorizedKeysFilesOptions,
  type AuthorizedKeysCheckerOptions,
} from './cred/checkers/ssh-public-key.js';

// Threads: worker-thread pools (piscina) behind Deferreds, and adbapi's ConnectionPool.
export {
  ThreadPool,
  type ThreadPoolOptions,
  type ThreadPoolReactor,
} from './threads/thread-pool.js';
export { getThreadPool, deferToThread } from './threads/reactor-thread-pool.js';
export type { ModuleReference } from './threads/module-url.js';
export {
  callFromThread,
  blockingCallFromThread,
  isPoolWorkerThread,
} from './threads/worker-api.js';
export { ConnectionPool, type ConnectionPoolOptions } from './threads/adbapi.js';
export type { Transaction } from './threads/adbapi-transaction.js';
export type { SqlParameters, RunResult } from './threads/sqlite-connection.js';
export {
  ThreadPoolClosedError,
  ThreadPoolAlreadyCreatedError,
  InvalidThreadPoolOptionError,
  ThreadExportNotFoundError,
  NotOnWorkerThreadError,
  DatabaseDriverNotInstalledError,
  UnsupportedDatabaseDriverError,
  ThreadDataCloneError,
  TransactionClosedError,
} from './threads/errors.js';

// Application services (twisted.application) and reconnecting clients.
export { Service } from './application/service.js';
export { MultiService } from './application/multi-service.js';
export {
  StreamServerEndpointService,
  type StreamServerEndpointServiceOptions,
} from './application/endpoint-service.js';
export { listeningServices } from './application/listening-services.js';
export { ClientService, type ClientServiceOptions } from './application/client-service.js';
export {
  backoffPolicy,
  type RetryPolicy,
  type BackoffPolicyOptions,
} from './application/backoff-policy.js';
export { runService } from './application/run-service.js';
export {
  DuplicateServiceNameError,
  ServiceNotFoundError,
  ServiceRenameError,
  ChildServicesFailedError,
} from './application/errors.js';
export {
  ReconnectingClientFactory,
  NoClockError,
  NoConnectorError,
  type ReconnectingClientFactoryOptions,
} from './protocol/reconnecting.js';

// Plugins: discovery of installed `tw` plugins and their options.
export { discoverPlugins, type DiscoverPluginsOptions } from './plugin/discovery.js';
export {
  loadPluginFromPackageDir,
  type DiscoveredPlugin,
  type PluginLoadResult,
} from './plugin/load-package.js';
export { readPackageManifest, type TwManifest, type PackageManifest } from './plugin/manifest.js';
export {
  findPluginProblems,
  isTwPlugin,
  PLUGIN_NAME_PATTERN,
  PLUGIN_OPTION_NAME_PATTERN,
  PLUGIN_OPTION_TYPES,
} from './plugin/plugin-shape.js';
export { parsePluginOptions, optionFlagName } from './plugin/options.js';
export {
  PluginLoadError,
  DuplicatePluginNameError,
  PluginOptionError,
  UnknownPluginOptionError,
  MissingPluginOptionError,
  InvalidPluginOptionValueError,
  type PluginSource,
} from './plugin/errors.js';

// The host-stepped reactor (iterate()) for programs that own their loop.
export { SteppedReactor, type SteppedReactorOptions } from './reactor/stepped/stepped-reactor.js';
export { SteppedDelayedCall } from './reactor/stepped/stepped-timers.js';
export { IterateReentryError } from './reactor/stepped/errors.js';
