import { ConnectError } from '../errors/connection.js';
import { CancelledError } from '../errors/defer.js';
import { TwError } from '../errors/tw-error.js';
import type { Failure } from '../defer/failure.js';
import type { Address } from '../interfaces/address.js';
import { formatAddress } from '../address/address.js';

/**
 * An endpoint description string (`"tcp:8080:interface=127.0.0.1"`) could not be turned into
 * an endpoint: bad syntax, a bad or missing argument, an unreadable certificate file.
 * `description` is the string as given.
 */
export class EndpointDescriptionError extends TwError {
  readonly description: string;

  constructor(
    description: string,
    problem: string,
    options?: { cause?: unknown },
    code = 'TW_ENDPOINT_INVALID_DESCRIPTION',
  ) {
    super(code, `Invalid endpoint description ${JSON.stringify(description)}: ${problem}`, options);
    this.description = description;
  }
}

/** The description names a scheme no parser is registered for. */
export class UnknownEndpointSchemeError extends EndpointDescriptionError {
  readonly scheme: string;
  /** The schemes that are registered (for the same kind: server or client). */
  readonly registeredSchemes: readonly string[];

  constructor(
    description: string,
    kind: 'server' | 'client',
    scheme: string,
    registeredSchemes: readonly string[],
  ) {
    super(
      description,
      `unknown ${kind} endpoint scheme ${JSON.stringify(scheme)}. ` +
        `Registered ${kind} schemes: ${registeredSchemes.join(', ') || '(none)'}. ` +
        `A package that provides more schemes registers them with register${kind === 'server' ? 'Server' : 'Client'}EndpointParser().`,
      undefined,
      'TW_ENDPOINT_UNKNOWN_SCHEME',
    );
    this.scheme = scheme;
    this.registeredSchemes = registeredSchemes;
  }
}

/** The description passes a keyword argument its scheme does not accept. */
export class UnknownEndpointKeywordError extends EndpointDescriptionError {
  readonly scheme: string;
  readonly keyword: string;
  /** Every keyword the scheme accepts. */
  readonly acceptedKeywords: readonly string[];

  constructor(
    description: string,
    scheme: string,
    keyword: string,
    acceptedKeywords: readonly string[],
  ) {
    super(
      description,
      `the ${scheme}: endpoint has no keyword ${JSON.stringify(keyword)}. ` +
        `It accepts: ${acceptedKeywords.join(', ') || '(no keywords)'}.`,
      undefined,
      'TW_ENDPOINT_UNKNOWN_KEYWORD',
    );
    this.scheme = scheme;
    this.keyword = keyword;
    this.acceptedKeywords = acceptedKeywords;
  }
}

/** Two packages tried to register the same scheme; pass `{ replace: true }` to override on purpose. */
export class EndpointSchemeAlreadyRegisteredError extends TwError {
  readonly scheme: string;

  constructor(kind: 'server' | 'client', scheme: string) {
    super(
      'TW_ENDPOINT_SCHEME_ALREADY_REGISTERED',
      `A ${kind} endpoint parser for the scheme ${JSON.stringify(scheme)} is already registered. ` +
        `Pass { replace: true } to replace it on purpose, or register into a separate EndpointRegistry.`,
    );
    this.scheme = scheme;
  }
}

/** A client endpoint's factory returned null from buildProtocol(): there is nothing to connect. */
export class NoProtocolError extends ConnectError {
  constructor(address: Address) {
    super(
      `The factory's buildProtocol() returned null for ${formatAddress(address)}, so the connection was dropped. ` +
        `Return a protocol from buildProtocol() to connect.`,
      undefined,
      'TW_ENDPOINT_NO_PROTOCOL',
    );
  }
}

/**
 * A connection attempt made by an endpoint was cancelled (Deferred.cancel()) before it
 * connected. A CancelledError, so code that traps CancelledError sees it.
 */
export class ConnectingCancelledError extends CancelledError {
  /** Where the cancelled attempt was going. */
  readonly address: Address | null;

  /** `address` is where the attempt went; `destination` describes it when there is no Address yet (a host name). */
  constructor(address: Address | null, destination?: string) {
    const where = address === null ? destination : formatAddress(address);
    super(
      where === undefined
        ? 'The connection attempt was cancelled before it connected.'
        : `The connection attempt to ${where} was cancelled before it connected.`,
    );
    this.address = address;
  }
}

/**
 * Every address a HostnameEndpoint tried failed. `failures` holds each attempt's failure in the
 * order they happened; `cause` is the last one.
 */
export class AllConnectionAttemptsFailedError extends ConnectError {
  readonly host: string;
  readonly failures: readonly Failure[];

  constructor(host: string, port: number, failures: readonly Failure[]) {
    const reasons = failures.map((failure) => describeReason(failure.value)).join('; ');
    super(
      `Could not connect to ${host} port ${port}: all ${failures.length} address(es) failed (${reasons}).`,
      { cause: failures[failures.length - 1]?.value },
      'TW_CONNECT_ALL_ATTEMPTS_FAILED',
    );
    this.host = host;
    this.failures = failures;
  }
}

function describeReason(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
}
