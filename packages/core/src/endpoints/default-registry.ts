import type { IStreamClientEndpoint, IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { IReactor } from '../interfaces/reactor.js';
import {
  tcp6ClientParser,
  tcpClientParser,
  tlsClientParser,
  unixClientParser,
} from './client-parsers.js';
import { haproxyServerParser } from './haproxy.js';
import {
  EndpointRegistry,
  type ClientEndpointParser,
  type RegisterOptions,
  type ServerEndpointParser,
} from './registry.js';
import {
  tcp6ServerParser,
  tcpServerParser,
  tlsServerParser,
  unixServerParser,
} from './server-parsers.js';

/**
 * A registry holding the built-in schemes: tcp, tcp6, tls, ssl (= tls), unix — for servers and
 * clients — and haproxy (a server endpoint wrapping another with the PROXY protocol).
 */
export function createDefaultEndpointRegistry(): EndpointRegistry {
  const registry = new EndpointRegistry();
  registry.registerServerEndpointParser('tcp', tcpServerParser);
  registry.registerServerEndpointParser('tcp6', tcp6ServerParser);
  registry.registerServerEndpointParser('tls', tlsServerParser);
  registry.registerServerEndpointParser('ssl', tlsServerParser);
  registry.registerServerEndpointParser('unix', unixServerParser);
  registry.registerServerEndpointParser('haproxy', haproxyServerParser);
  registry.registerClientEndpointParser('tcp', tcpClientParser);
  registry.registerClientEndpointParser('tcp6', tcp6ClientParser);
  registry.registerClientEndpointParser('tls', tlsClientParser);
  registry.registerClientEndpointParser('ssl', tlsClientParser);
  registry.registerClientEndpointParser('unix', unixClientParser);
  return registry;
}

/**
 * The registry serverFromString()/clientFromString() use unless given another. Packages add
 * their schemes to it from an explicit `register…()` call the application makes (or the `tw`
 * plugin loader), never as an import side effect: @tw packages are `sideEffects: false`.
 */
export const defaultEndpointRegistry: EndpointRegistry =
  /* @__PURE__ */ createDefaultEndpointRegistry();

/** Where serverFromString()/clientFromString() look schemes up. */
export interface FromStringOptions {
  /** Default: defaultEndpointRegistry. Tests pass their own to stay isolated. */
  readonly registry?: EndpointRegistry;
}

/** Add a server scheme to defaultEndpointRegistry (see EndpointRegistry.registerServerEndpointParser). */
export function registerServerEndpointParser(
  scheme: string,
  parser: ServerEndpointParser,
  options?: RegisterOptions,
): void {
  defaultEndpointRegistry.registerServerEndpointParser(scheme, parser, options);
}

/** Add a client scheme to defaultEndpointRegistry (see EndpointRegistry.registerClientEndpointParser). */
export function registerClientEndpointParser(
  scheme: string,
  parser: ClientEndpointParser,
  options?: RegisterOptions,
): void {
  defaultEndpointRegistry.registerClientEndpointParser(scheme, parser, options);
}

/**
 * A server endpoint from a description (Twisted's serverFromString):
 * `"tcp:8080:interface=127.0.0.1"`, `"tls:8443:privateKey=key.pem:certKey=cert.pem"`,
 * `"unix:/run/tw.sock:mode=660"`. Throws EndpointDescriptionError (UnknownEndpointSchemeError,
 * UnknownEndpointKeywordError) for a description it cannot use; certificate files are read now.
 *
 * @example
 * const port = await serverFromString(reactor, 'tcp:8080:interface=127.0.0.1').listen(factory);
 */
export function serverFromString(
  reactor: IReactor,
  description: string,
  options: FromStringOptions = {},
): IStreamServerEndpoint {
  return (options.registry ?? defaultEndpointRegistry).serverFromString(reactor, description);
}

/**
 * A client endpoint from a description (Twisted's clientFromString):
 * `"tcp:host=example.org:port=6667"`, `"tls:host=example.org:port=443"`, `"unix:path=/run/tw.sock"`.
 *
 * @example
 * const protocol = await clientFromString(reactor, 'tcp:host=localhost:port=6667').connect(factory);
 */
export function clientFromString(
  reactor: IReactor,
  description: string,
  options: FromStringOptions = {},
): IStreamClientEndpoint {
  return (options.registry ?? defaultEndpointRegistry).clientFromString(reactor, description);
}
