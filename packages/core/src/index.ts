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

export { Protocol } from './protocol/protocol.js';
export { Factory, ClientFactory } from './protocol/factory.js';
export { ipv4Address, ipv6Address, unixAddress, ipAddress, formatAddress } from './address/address.js';
export { isTLSTransport, isSSLTransport, isHalfCloseableTransport, requireCapability } from './transport/capabilities.js';
export { Clock, DelayedCall, AlreadyCalled, AlreadyCancelled } from './task/clock.js';
