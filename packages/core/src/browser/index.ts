/**
 * @tw/core/browser — the browser reactor and the browser-safe part of @tw/core.
 *
 * This module is also what `@tw/core` resolves to under the "browser" export condition (esbuild,
 * Vite, webpack for the web), so protocol packages that import '@tw/core' bundle for a page
 * unchanged. It must not import, directly or not, any `node:` module: the bundle test checks.
 */
export type * from '../interfaces/address.js';
export type * from '../interfaces/producer.js';
export type * from '../interfaces/transport.js';
export type * from '../interfaces/protocol.js';
export type * from '../interfaces/reactor.js';
export type * from '../interfaces/endpoint.js';
export type * from '../interfaces/tls.js';
export type * from '../interfaces/service.js';
export type * from '../interfaces/logger.js';

export { TwError, isTwError } from '../errors/tw-error.js';
export * from '../errors/connection.js';
export * from '../errors/defer.js';
export { ReactorNotRunning, ReactorAlreadyRunning } from '../errors/reactor.js';

export { Failure, type ErrorClass } from '../defer/failure.js';
export { Deferred, succeed, fail, ensureDeferred, type Canceller } from '../defer/deferred.js';
export { onUnhandledFailure, type UnhandledFailureObserver } from '../defer/unhandled.js';
export {
  maybeDeferred,
  gatherResults,
  DeferredList,
  race,
  deferLater,
  type DeferredListEntry,
  type DeferredListOptions,
} from '../defer/helpers.js';
export { DeferredLock, DeferredSemaphore, DeferredQueue } from '../defer/lock.js';

export { Protocol } from '../protocol/protocol.js';
export { Factory, ClientFactory } from '../protocol/factory.js';
export {
  ReconnectingClientFactory,
  NoClockError,
  NoConnectorError,
  type ReconnectingClientFactoryOptions,
} from '../protocol/reconnecting.js';
export {
  ipv4Address,
  ipv6Address,
  unixAddress,
  ipAddress,
  formatAddress,
} from '../address/address.js';
export {
  isTLSTransport,
  isSSLTransport,
  isHalfCloseableTransport,
  isHalfCloseableProtocol,
  requireCapability,
} from '../transport/capabilities.js';

export { Clock, DelayedCall, AlreadyCalled, AlreadyCancelled } from '../task/clock.js';
export { LoopingCall } from '../task/looping-call.js';
export {
  Cooperator,
  CooperativeTask,
  coiterate,
  cooperate,
  type CooperativeIterator,
  type CooperatorOptions,
} from '../task/cooperator.js';
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
} from '../task/errors.js';

export {
  EndpointDescriptionError,
  UnknownEndpointSchemeError,
  UnknownEndpointKeywordError,
  EndpointSchemeAlreadyRegisteredError,
  NoProtocolError,
  ConnectingCancelledError,
} from '../endpoints/errors.js';
export {
  parseEndpointDescription,
  quoteStringArgument,
  formatEndpointDescription,
  type ParsedEndpointDescription,
} from '../endpoints/grammar.js';
export {
  EndpointRegistry,
  type EndpointParser,
  type EndpointParseFunction,
  type EndpointParseContext,
  type ClientEndpointParser,
  type RegisterOptions,
} from '../endpoints/registry.js';
export {
  requiredArgument,
  portArgument,
  integerArgument,
  secondsArgument,
  flagArgument,
  hostArgument,
} from '../endpoints/arguments.js';
export { connectProtocol } from '../endpoints/connect-protocol.js';

export { ProtocolWrapper, WrappingFactory } from '../policies/wrapping-factory.js';
export {
  IdleTimeout,
  TimeoutProtocol,
  TimeoutFactory,
  type TimeoutFactoryOptions,
} from '../policies/timeout.js';

export { Logger } from '../log/logger.js';
export { LogPublisher, globalLogPublisher, type LogPublisherOptions } from '../log/publisher.js';
export { LOG_LEVELS, isLevelAtLeast, isLogLevel } from '../log/levels.js';
export { formatEvent } from '../log/format-event.js';

export { Service } from '../application/service.js';
export { MultiService } from '../application/multi-service.js';
export { ClientService, type ClientServiceOptions } from '../application/client-service.js';
export {
  backoffPolicy,
  type RetryPolicy,
  type BackoffPolicyOptions,
} from '../application/backoff-policy.js';
export {
  DuplicateServiceNameError,
  ServiceNotFoundError,
  ServiceRenameError,
  ChildServicesFailedError,
} from '../application/errors.js';

// The browser reactor.
export {
  BrowserReactor,
  type BrowserReactorOptions,
  type BrowserConnectOptions,
} from './browser-reactor.js';
export { BrowserDelayedCall } from './browser-time.js';
export {
  BrowserWebSocketTransport,
  DEFAULT_BROWSER_WEBSOCKET_TRANSPORT_OPTIONS,
  type BrowserWebSocketAddress,
  type BrowserWebSocketTransportOptions,
} from './websocket-transport.js';
export {
  BrowserWebSocketClientEndpoint,
  createBrowserEndpointRegistry,
  browserClientFromString,
} from './websocket-endpoint.js';
export { UnsupportedReactorFeature, NoWebSocketError } from './errors.js';
export type {
  WebSocketLike,
  WebSocketConstructor,
  WebSocketMessageEventLike,
  WebSocketCloseEventLike,
  PageEventTarget,
  BrowserTimerFunctions,
} from './dom-types.js';
