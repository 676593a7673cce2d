import type { IStreamClientEndpoint, IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { IReactor } from '../interfaces/reactor.js';
import {
  EndpointDescriptionError,
  EndpointSchemeAlreadyRegisteredError,
  UnknownEndpointKeywordError,
  UnknownEndpointSchemeError,
} from './errors.js';
import { parseEndpointDescription } from './grammar.js';

/** What a parser learns besides its arguments: which string it is parsing, for error messages. */
export interface EndpointParseContext {
  readonly kind: 'server' | 'client';
  /** The scheme as registered (lower case). */
  readonly scheme: string;
  /** The whole description string, as given. */
  readonly description: string;
  /**
   * Positional and keyword arguments bound by name: positional arguments fill, in order, the
   * parser's `positional` names not already given as keywords. Equal to `kwargs` for a parser
   * that declares no `positional` names.
   */
  readonly values: Readonly<Record<string, string>>;
  /** The registry parsing it: a wrapping scheme (`haproxy:…`) builds its inner endpoint with it. */
  readonly registry: EndpointRegistry;
}

/**
 * Turns the arguments of one scheme into an endpoint. Receives the reactor, the positional
 * arguments after the scheme, and the keyword arguments; throws EndpointDescriptionError (see
 * `context`) for arguments it cannot use.
 */
export type EndpointParseFunction<E> = (
  reactor: IReactor,
  args: readonly string[],
  kwargs: Readonly<Record<string, string>>,
  context: EndpointParseContext,
) => E;

/**
 * A parser with its signature declared, so the registry can reject unknown keywords and extra
 * positional arguments with a message that lists what the scheme accepts.
 */
export interface EndpointParser<E> {
  /** Names positional arguments stand for, in order (e.g. `['host', 'port']`). */
  readonly positional?: readonly string[];
  /** Every keyword accepted, positional names included. Omit to accept any keyword. */
  readonly keywords?: readonly string[];
  /** One line for docs and error messages, e.g. `tcp:PORT[:interface=ADDR][:backlog=N]`. */
  readonly usage?: string;
  readonly parse: EndpointParseFunction<E>;
}

export type ServerEndpointParser =
  EndpointParser<IStreamServerEndpoint> | EndpointParseFunction<IStreamServerEndpoint>;
export type ClientEndpointParser =
  EndpointParser<IStreamClientEndpoint> | EndpointParseFunction<IStreamClientEndpoint>;

/** `replace: true` lets a registration override an existing scheme on purpose. */
export interface RegisterOptions {
  readonly replace?: boolean;
}

/**
 * The schemes serverFromString()/clientFromString() understand. An explicit object rather than
 * module-level maps so that a test (or an embedding application) can use its own registry —
 * `new EndpointRegistry()` starts empty, `defaultEndpointRegistry.copy()` starts with what is
 * registered — while plugins add their schemes to `defaultEndpointRegistry` through the simple
 * register functions.
 */
export class EndpointRegistry {
  private readonly servers = new Map<string, EndpointParser<IStreamServerEndpoint>>();
  private readonly clients = new Map<string, EndpointParser<IStreamClientEndpoint>>();

  /** Register the parser of a server scheme (`serverFromString(reactor, "<scheme>:…")`). */
  registerServerEndpointParser(
    scheme: string,
    parser: ServerEndpointParser,
    options: RegisterOptions = {},
  ): void {
    register(this.servers, 'server', scheme, parser, options);
  }

  /** Register the parser of a client scheme (`clientFromString(reactor, "<scheme>:…")`). */
  registerClientEndpointParser(
    scheme: string,
    parser: ClientEndpointParser,
    options: RegisterOptions = {},
  ): void {
    register(this.clients, 'client', scheme, parser, options);
  }

  /** The registered server schemes, sorted. */
  serverSchemes(): string[] {
    return [...this.servers.keys()].sort();
  }

  /** The registered client schemes, sorted. */
  clientSchemes(): string[] {
    return [...this.clients.keys()].sort();
  }

  /** The parser registered for a server scheme, if any (for docs and `tw --help`). */
  serverParser(scheme: string): EndpointParser<IStreamServerEndpoint> | undefined {
    return this.servers.get(scheme.toLowerCase());
  }

  /** The parser registered for a client scheme, if any. */
  clientParser(scheme: string): EndpointParser<IStreamClientEndpoint> | undefined {
    return this.clients.get(scheme.toLowerCase());
  }

  /** A new registry with the same registrations; later changes to either do not affect the other. */
  copy(): EndpointRegistry {
    const copy = new EndpointRegistry();
    for (const [scheme, parser] of this.servers) copy.servers.set(scheme, parser);
    for (const [scheme, parser] of this.clients) copy.clients.set(scheme, parser);
    return copy;
  }

  /** Build a server endpoint from a description such as `"tcp:8080:interface=127.0.0.1"`. */
  serverFromString(reactor: IReactor, description: string): IStreamServerEndpoint {
    return build(this, this.servers, 'server', reactor, description);
  }

  /** Build a client endpoint from a description such as `"tcp:host=example.org:port=6667"`. */
  clientFromString(reactor: IReactor, description: string): IStreamClientEndpoint {
    return build(this, this.clients, 'client', reactor, description);
  }
}

function register<E>(
  parsers: Map<string, EndpointParser<E>>,
  kind: 'server' | 'client',
  scheme: string,
  parser: EndpointParser<E> | EndpointParseFunction<E>,
  options: RegisterOptions,
): void {
  const key = scheme.toLowerCase();
  if (key === '' || /[\\:=]/.test(key)) {
    throw new TypeError(
      `An endpoint scheme must be non-empty and contain no ":", "=" or "\\"; got ${JSON.stringify(scheme)}.`,
    );
  }
  if (parsers.has(key) && options.replace !== true)
    throw new EndpointSchemeAlreadyRegisteredError(kind, key);
  parsers.set(key, typeof parser === 'function' ? { parse: parser } : parser);
}

function build<E>(
  registry: EndpointRegistry,
  parsers: Map<string, EndpointParser<E>>,
  kind: 'server' | 'client',
  reactor: IReactor,
  description: string,
): E {
  const parsed = parseEndpointDescription(description);
  const scheme = parsed.scheme.toLowerCase();
  const parser = parsers.get(scheme);
  if (parser === undefined) {
    throw new UnknownEndpointSchemeError(
      description,
      kind,
      parsed.scheme,
      [...parsers.keys()].sort(),
    );
  }
  if (parser.keywords !== undefined) {
    for (const keyword of Object.keys(parsed.kwargs)) {
      if (!parser.keywords.includes(keyword)) {
        throw new UnknownEndpointKeywordError(description, scheme, keyword, parser.keywords);
      }
    }
  }
  const values = bindArguments(description, scheme, parser, parsed.args, parsed.kwargs);
  return parser.parse(reactor, parsed.args, parsed.kwargs, {
    kind,
    scheme,
    description,
    values,
    registry,
  });
}

function bindArguments(
  description: string,
  scheme: string,
  parser: EndpointParser<unknown>,
  args: readonly string[],
  kwargs: Readonly<Record<string, string>>,
): Record<string, string> {
  const values: Record<string, string> = Object.assign(
    Object.create(null) as Record<string, string>,
    kwargs,
  );
  if (parser.positional === undefined) return values;
  const open = parser.positional.filter(
    (name) => !Object.prototype.hasOwnProperty.call(kwargs, name),
  );
  if (args.length > open.length) {
    const given = parser.positional.filter((name) => !open.includes(name));
    throw new EndpointDescriptionError(
      description,
      `too many positional arguments for ${scheme}: (${args.map((arg) => JSON.stringify(arg)).join(', ')}). ` +
        `It takes ${parser.positional.length === 0 ? 'none' : `at most ${parser.positional.join(', ')}`} positionally` +
        (given.length > 0
          ? `, and ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} already given as keyword`
          : '') +
        (parser.usage === undefined ? '.' : `. Usage: ${parser.usage}`),
    );
  }
  args.forEach((arg, index) => {
    values[open[index]!] = arg;
  });
  return values;
}
