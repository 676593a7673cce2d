import type { Deferred } from '../defer/deferred.js';
import { hostArgument, portArgument, secondsArgument } from '../endpoints/arguments.js';
import { EndpointDescriptionError } from '../endpoints/errors.js';
import { EndpointRegistry, type EndpointParseContext } from '../endpoints/registry.js';
import type { IStreamClientEndpoint } from '../interfaces/endpoint.js';
import type { IProtocol, IProtocolFactory } from '../interfaces/protocol.js';
import type { IReactor } from '../interfaces/reactor.js';
import type { BrowserConnectOptions, BrowserReactor } from './browser-reactor.js';
import { UnsupportedReactorFeature } from './errors.js';

/**
 * A client endpoint that runs any protocol over the browser's WebSocket to `url`: the page's
 * counterpart of @tw/http's Node `ws:` endpoint, with the same description strings.
 */
export class BrowserWebSocketClientEndpoint implements IStreamClientEndpoint {
  constructor(
    private readonly reactor: BrowserReactor,
    readonly url: string,
    private readonly options: BrowserConnectOptions = {},
  ) {}

  connect<P extends IProtocol>(factory: IProtocolFactory<P>): Deferred<P> {
    return this.reactor.connectWebSocket(this.url, factory, this.options);
  }
}

const KEYWORDS = ['url', 'host', 'port', 'path', 'subprotocol', 'timeout'] as const;

function usage(scheme: 'ws' | 'wss'): string {
  return (
    `${scheme}:url=${scheme}\\://HOST\\:PORT/PATH  or  ${scheme}:host=HOST[:port=PORT][:path=/PATH]` +
    `  or  ${scheme}:path=/PATH (the page's own host)[:subprotocol=NAME][:timeout=SECONDS]`
  );
}

function isBrowserReactor(reactor: IReactor): reactor is BrowserReactor {
  return typeof (reactor as Partial<BrowserReactor>).connectWebSocket === 'function';
}

/** The URL a description names; `path=` alone means the page's own host and port. */
function urlFrom(context: EndpointParseContext, scheme: 'ws' | 'wss', pageURL?: string): string {
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
    let url: URL;
    try {
      url = new URL(values['url']);
    } catch {
      throw new EndpointDescriptionError(
        context.description,
        `url= is not an absolute URL: ${JSON.stringify(values['url'])}.`,
      );
    }
    if (url.protocol !== `${scheme}:`) {
      throw new EndpointDescriptionError(
        context.description,
        `the url is ${url.protocol} but the scheme is ${scheme}:; use the matching endpoint.`,
      );
    }
    return url.href;
  }
  const path = values['path'] ?? '/';
  if (!path.startsWith('/')) {
    throw new EndpointDescriptionError(
      context.description,
      `path must start with "/", got ${JSON.stringify(path)}.`,
    );
  }
  let authority: string;
  if (values['host'] !== undefined) {
    const host = hostArgument(context, 'host', values['host']);
    const port =
      values['port'] === undefined
        ? scheme === 'wss'
          ? 443
          : 80
        : portArgument(context, 'port', values['port']);
    authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  } else {
    if (values['port'] !== undefined) {
      throw new EndpointDescriptionError(context.description, 'port= needs host= too.');
    }
    if (pageURL === undefined) {
      throw new EndpointDescriptionError(
        context.description,
        `url= or host= is required when the page's URL is unknown. Usage: ${usage(scheme)}`,
      );
    }
    authority = new URL(pageURL).host;
  }
  return new URL(`${scheme}://${authority}${path}`).href;
}

function parserFor(scheme: 'ws' | 'wss') {
  return {
    positional: [],
    keywords: KEYWORDS,
    usage: usage(scheme),
    parse: (
      reactor: IReactor,
      _args: readonly string[],
      _kwargs: Readonly<Record<string, string>>,
      context: EndpointParseContext,
    ): IStreamClientEndpoint => {
      if (!isBrowserReactor(reactor)) throw new UnsupportedReactorFeature('browser WebSocket');
      const url = urlFrom(context, scheme, reactor.pageURL);
      const values = context.values;
      const options: BrowserConnectOptions = {
        ...(values['subprotocol'] === undefined
          ? {}
          : { subprotocols: values['subprotocol'].split(',') }),
        ...(values['timeout'] === undefined
          ? {}
          : { timeout: secondsArgument(context, 'timeout', values['timeout']) }),
      };
      return new BrowserWebSocketClientEndpoint(reactor, url, options);
    },
  };
}

/**
 * A registry with the browser's client schemes, `ws:` and `wss:`. A page has no TCP, TLS or
 * Unix sockets, so those schemes are absent (they would be UnknownEndpointSchemeError).
 */
export function createBrowserEndpointRegistry(): EndpointRegistry {
  const registry = new EndpointRegistry();
  registry.registerClientEndpointParser('ws', parserFor('ws'));
  registry.registerClientEndpointParser('wss', parserFor('wss'));
  return registry;
}

let browserRegistry: EndpointRegistry | undefined;

/**
 * A client endpoint for a page from a description: `ws:path=/irc/ws` (the page's own host),
 * `wss:host=chat.example.org:path=/irc/ws`, `ws:url=ws\://127.0.0.1\:7080/irc/ws`. The
 * registry defaults to a shared createBrowserEndpointRegistry().
 */
export function browserClientFromString(
  reactor: BrowserReactor,
  description: string,
  registry?: EndpointRegistry,
): IStreamClientEndpoint {
  const chosen = registry ?? (browserRegistry ??= createBrowserEndpointRegistry());
  return chosen.clientFromString(reactor, description);
}
