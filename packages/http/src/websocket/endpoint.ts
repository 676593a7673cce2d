import { readFileSync } from 'node:fs';

import {
  EndpointDescriptionError,
  defaultEndpointRegistry,
  flagArgument,
  hostArgument,
  integerArgument,
  portArgument,
  secondsArgument,
  type Deferred,
  type EndpointParseContext,
  type EndpointParser,
  type EndpointRegistry,
  type IProtocol,
  type IProtocolFactory,
  type IReactor,
  type IStreamClientEndpoint,
  type RegisterOptions,
} from '@tw/core';

import { openWebSocket, type WebSocketClientOptions } from './client.js';
import { parseWebSocketURL, type WebSocketURL } from './client-handshake.js';
import type { WebSocketWrappedProtocol } from './websocket-transport.js';

/**
 * A client endpoint that runs any protocol over a WebSocket: connect(factory) opens the
 * WebSocket to `url`, builds the factory's protocol and fires with it once its
 * connectionMade() has run. Made by `clientFromString(reactor, 'ws:…')` after
 * registerWebSocketEndpoints().
 */
export class WebSocketClientEndpoint implements IStreamClientEndpoint {
  readonly url: WebSocketURL;

  constructor(
    private readonly reactor: IReactor,
    url: string | WebSocketURL,
    private readonly options: Partial<WebSocketClientOptions> = {},
  ) {
    this.url = typeof url === 'string' ? parseWebSocketURL(url) : url;
  }

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    return openWebSocket(this.reactor, this.url, factory, this.options).addCallback(
      ({ handler }) => (handler as WebSocketWrappedProtocol).wrapped as P,
    );
  }
}

const KEYWORDS = [
  'url',
  'host',
  'port',
  'path',
  'subprotocol',
  'origin',
  'timeout',
  'maxMessageSize',
  'compress',
  'caCerts',
  'serverName',
] as const;

function usage(scheme: 'ws' | 'wss'): string {
  return (
    `${scheme}:url=${scheme}\\://HOST\\:PORT/PATH  or  ${scheme}:host=HOST:port=PORT[:path=/PATH]` +
    `[:subprotocol=NAME][:origin=ORIGIN][:timeout=SECONDS][:maxMessageSize=BYTES][:compress=1]` +
    (scheme === 'wss' ? '[:caCerts=CA.pem][:serverName=NAME]' : '')
  );
}

function urlFrom(context: EndpointParseContext, scheme: 'ws' | 'wss'): WebSocketURL {
  const values = context.values;
  if (values['url'] !== undefined) {
    if (
      values['host'] !== undefined ||
      values['port'] !== undefined ||
      values['path'] !== undefined
    ) {
      throw new EndpointDescriptionError(
        context.description,
        'give url= or host=/port=/path=, not both.',
      );
    }
    let url: WebSocketURL;
    try {
      url = parseWebSocketURL(values['url']);
    } catch (error) {
      throw new EndpointDescriptionError(context.description, (error as Error).message);
    }
    if (url.scheme !== scheme) {
      throw new EndpointDescriptionError(
        context.description,
        `the url is ${url.scheme}: but the scheme is ${scheme}:; use the ${url.scheme}: endpoint.`,
      );
    }
    return url;
  }
  const rawHost = values['host'];
  if (rawHost === undefined) {
    throw new EndpointDescriptionError(
      context.description,
      `url= or host= is required. Usage: ${usage(scheme)}`,
    );
  }
  const host = hostArgument(context, 'host', rawHost);
  const port =
    values['port'] === undefined
      ? scheme === 'wss'
        ? 443
        : 80
      : portArgument(context, 'port', values['port']);
  const path = values['path'] ?? '/';
  if (!path.startsWith('/')) {
    throw new EndpointDescriptionError(
      context.description,
      `path must start with "/", got ${JSON.stringify(path)}.`,
    );
  }
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return parseWebSocketURL(`${scheme}://${bracketed}:${port}${path}`);
}

function parserFor(scheme: 'ws' | 'wss'): EndpointParser<IStreamClientEndpoint> {
  return {
    positional: [],
    keywords:
      scheme === 'wss' ? KEYWORDS : KEYWORDS.filter((k) => k !== 'caCerts' && k !== 'serverName'),
    usage: usage(scheme),
    parse: (reactor, _args, _kwargs, context) => {
      const url = urlFrom(context, scheme);
      const values = context.values;
      const options: Partial<WebSocketClientOptions> = {
        ...(values['subprotocol'] === undefined
          ? {}
          : { subprotocols: values['subprotocol'].split(',') }),
        ...(values['origin'] === undefined ? {} : { origin: values['origin'] }),
        ...(values['timeout'] === undefined
          ? {}
          : { timeout: secondsArgument(context, 'timeout', values['timeout']) }),
        ...(values['maxMessageSize'] === undefined
          ? {}
          : {
              maxMessageSize: integerArgument(
                context,
                'maxMessageSize',
                values['maxMessageSize'],
                1,
                2 ** 31,
              ),
            }),
        ...(values['compress'] === undefined
          ? {}
          : { perMessageDeflate: flagArgument(context, 'compress', values['compress']) }),
        ...(scheme === 'wss' ? { tls: tlsFrom(context) } : {}),
      };
      return new WebSocketClientEndpoint(reactor, url, options);
    },
  };
}

function tlsFrom(context: EndpointParseContext): { ca?: string; serverName?: string } {
  const { caCerts, serverName } = context.values;
  let ca: string | undefined;
  if (caCerts !== undefined) {
    try {
      ca = readFileSync(caCerts, 'utf8');
    } catch (error) {
      throw new EndpointDescriptionError(
        context.description,
        `caCerts: cannot read ${JSON.stringify(caCerts)}: ${(error as Error).message}`,
      );
    }
  }
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(serverName === undefined ? {} : { serverName }),
  };
}

/**
 * Register the `ws:` and `wss:` client endpoint schemes (in `registry`, default: @tw/core's
 * defaultEndpointRegistry). An explicit call, never an import side effect. Afterwards
 * `clientFromString(reactor, 'ws:host=127.0.0.1:port=8080:path=/chat')` (or
 * `'ws:url=ws\\://127.0.0.1\\:8080/chat'`) connects any protocol factory over a WebSocket.
 */
export function registerWebSocketEndpoints(
  registry: EndpointRegistry = defaultEndpointRegistry,
  options: RegisterOptions = {},
): void {
  registry.registerClientEndpointParser('ws', parserFor('ws'), options);
  registry.registerClientEndpointParser('wss', parserFor('wss'), options);
}
