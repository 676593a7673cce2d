import {
  Deferred,
  HostnameEndpoint,
  TLSClientEndpoint,
  isIPLiteral,
  type HostnameEndpointReactor,
  type IReactorTLS,
  type IStreamClientEndpoint,
  type TLSOptions,
} from '@tw/core';
import type { IHeaders } from '../interfaces.js';
import { Headers } from '../wire/headers.js';
import type { IBodyProducer } from './body-producer.js';
import type { ClientRequest } from './client-request.js';
import { InvalidRequestError, InvalidURLError, SchemeNotSupported } from './errors.js';
import { HTTPConnectionPool } from './pool.js';
import type { Response } from './response.js';

/** Anything that sends requests: the Agent and the agents that wrap it (twisted.web.iweb.IAgent). */
export interface IAgent {
  /**
   * Send a request for `uri`. The Deferred fires with the Response when its status line and
   * headers arrived; read the body with readBody() or response.deliverBody().
   */
  request(
    method: string,
    uri: string,
    headers?: IHeaders | null,
    bodyProducer?: IBodyProducer | null,
  ): Deferred<Response>;
}

/** What the Agent needs from its reactor: time, TCP, TLS and a resolver. */
export type AgentReactor = HostnameEndpointReactor & IReactorTLS;

/** Builds the endpoint a request connects with (Twisted's IAgentEndpointFactory). */
export type AgentEndpointFactory = (
  scheme: 'http' | 'https',
  host: string,
  port: number,
) => IStreamClientEndpoint;

export interface AgentOptions {
  /** Shared connection pool; by default a persistent pool of the Agent's own. */
  readonly pool?: HTTPConnectionPool;
  /** Seconds to connect, name resolution and TLS handshake included (default 30). */
  readonly connectTimeout?: number;
  /**
   * TLS for https: `ca` to trust (default: the system roots), a client certificate, `minVersion`.
   * The server's certificate is always checked against the URL's host (sent as SNI) unless
   * `verifyPeer: false`.
   */
  readonly tls?: TLSOptions;
  /** Connect some other way (a memory pipe in tests, a proxy, a Unix socket). */
  readonly endpointFactory?: AgentEndpointFactory;
}

const DEFAULT_CONNECT_TIMEOUT = 30;

/** A parsed request URL. */
export interface ParsedURI {
  readonly scheme: 'http' | 'https';
  /** Host without IPv6 brackets. */
  readonly host: string;
  readonly port: number;
  /** origin-form request-target: path and query. */
  readonly target: string;
  /** The Host header value: host[:port], brackets for IPv6, default port omitted. */
  readonly hostHeader: string;
  readonly href: string;
}

/** Parse an http(s) URL into what a request needs; throws InvalidURLError / SchemeNotSupported. */
export function parseRequestURI(uri: string): ParsedURI {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidURLError(uri, 'it is not an absolute URL');
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') throw new SchemeNotSupported(scheme);
  if (url.hostname === '') throw new InvalidURLError(uri, 'it names no host');
  if (url.username !== '' || url.password !== '')
    throw new InvalidURLError(
      uri,
      'credentials in the URL are not sent; use an Authorization header',
    );
  const bracketed = url.hostname;
  const host = bracketed.startsWith('[') ? bracketed.slice(1, -1) : bracketed;
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  const target = (url.pathname === '' ? '/' : url.pathname) + url.search;
  const hostHeader = port === defaultPort ? bracketed : `${bracketed}:${port}`;
  return { scheme, host, port, target, hostHeader, href: url.href };
}

/**
 * The HTTP/1.1 client (twisted.web.client.Agent): connections from a pool keyed by
 * scheme+host+port, TLS with SNI and certificate verification for https, every call a Deferred.
 * Redirects, content decoding and cookies are separate agents that wrap this one
 * (RedirectAgent, ContentDecoderAgent, CookieAgent), as in Twisted.
 *
 * ```ts
 * const agent = new Agent(reactor);
 * const response = await agent.request('GET', 'https://example.org/');
 * const body = await readBody(response);
 * ```
 */
export class Agent implements IAgent {
  readonly pool: HTTPConnectionPool;
  private readonly connectTimeout: number;
  private readonly tls: TLSOptions;
  private readonly endpointFactory: AgentEndpointFactory;

  constructor(
    private readonly reactor: AgentReactor,
    options: AgentOptions = {},
  ) {
    this.pool = options.pool ?? new HTTPConnectionPool(reactor);
    this.connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;
    this.tls = options.tls ?? {};
    this.endpointFactory =
      options.endpointFactory ?? ((scheme, host, port) => this.defaultEndpoint(scheme, host, port));
  }

  request(
    method: string,
    uri: string,
    headers: IHeaders | null = null,
    bodyProducer: IBodyProducer | null = null,
  ): Deferred<Response> {
    let parsed: ParsedURI;
    let request: ClientRequest;
    try {
      parsed = parseRequestURI(uri);
      request = this.buildRequest(method, parsed, headers, bodyProducer);
    } catch (error) {
      return Deferred.fail(error);
    }
    const key = `${parsed.scheme}://${parsed.host.toLowerCase()}:${parsed.port}`;
    let endpoint: IStreamClientEndpoint;
    try {
      endpoint = this.endpointFactory(parsed.scheme, parsed.host, parsed.port);
    } catch (error) {
      return Deferred.fail(error);
    }
    return this.pool
      .getConnection(key, endpoint)
      .addCallback((connection) => connection.request(request));
  }

  private buildRequest(
    method: string,
    parsed: ParsedURI,
    headers: IHeaders | null,
    bodyProducer: IBodyProducer | null,
  ): ClientRequest {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method))
      throw new InvalidRequestError(
        `Invalid method ${JSON.stringify(method)}: a method is a token.`,
      );
    const sent = new Headers();
    if (headers !== null) for (const [name, value] of headers) sent.addRawHeader(name, value);
    // A caller's Host is kept (a reverse proxy may forward one); otherwise the URL's.
    if (!sent.hasHeader('host')) sent.setRawHeaders('Host', [parsed.hostHeader]);
    return {
      method,
      target: parsed.target,
      headers: sent,
      bodyProducer,
      persistent: this.pool.persistent,
      absoluteURI: parsed.href,
    };
  }

  private defaultEndpoint(
    scheme: 'http' | 'https',
    host: string,
    port: number,
  ): IStreamClientEndpoint {
    const timeout = this.connectTimeout;
    if (scheme === 'http') return new HostnameEndpoint(this.reactor, host, port, { timeout });
    // Verify the certificate against the URL's host on every resolved address; an IP literal is
    // checked against the certificate's IP subjectAltNames and never sent as SNI (RFC 6066).
    const tls: TLSOptions = {
      alpnProtocols: ['http/1.1'],
      ...this.tls,
      ...(this.tls.serverName === undefined && !isIPLiteral(host) ? { serverName: host } : {}),
    };
    return new HostnameEndpoint(this.reactor, host, port, {
      timeout,
      endpointForAddress: (address, remaining) =>
        new TLSClientEndpoint(this.reactor, address.host, port, tls, { timeout: remaining }),
    });
  }
}
