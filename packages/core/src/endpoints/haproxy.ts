import type { IStreamServerEndpoint } from '../interfaces/endpoint.js';
import type { IListeningPort, IReactorTime } from '../interfaces/reactor.js';
import type { IProtocolFactory } from '../interfaces/protocol.js';
import type { Deferred } from '../defer/deferred.js';
import {
  ProxyProtocolWrappingFactory,
  type ProxyProtocolOptions,
} from '../policies/proxy-protocol.js';
import { EndpointDescriptionError } from './errors.js';
import type { EndpointParser } from './registry.js';

/**
 * Listens on another server endpoint and reads a PROXY protocol header (v1 or v2) at the start
 * of every connection (Twisted's `haproxy:` endpoint): the protocol is built for, and sees as
 * `getPeer()`, the client address the proxy reports. For servers behind HAProxy, nginx's
 * `proxy_protocol`, or @tw/http's WebSocket bridge; a connection without a valid header within
 * the timeout is dropped, so listen where only the proxy can connect.
 */
export class HAProxyServerEndpoint implements IStreamServerEndpoint {
  constructor(
    private readonly clock: IReactorTime,
    readonly wrapped: IStreamServerEndpoint,
    private readonly options: Omit<ProxyProtocolOptions, 'clock'> = {},
  ) {}

  listen(factory: IProtocolFactory): Deferred<IListeningPort> {
    return this.wrapped.listen(
      new ProxyProtocolWrappingFactory(factory, { ...this.options, clock: this.clock }),
    );
  }
}

const HAPROXY_USAGE =
  'haproxy:ENDPOINT (e.g. haproxy:tcp:8080, haproxy:unix:/run/irc.sock:mode=600)';

/** `haproxy:unix:/run/irc.sock` → HAProxyServerEndpoint around `unix:/run/irc.sock`. */
export const haproxyServerParser: EndpointParser<IStreamServerEndpoint> = {
  usage: HAPROXY_USAGE,
  parse: (reactor, _args, _kwargs, context) => {
    // Everything after "haproxy:" is the wrapped endpoint's own description, escapes and all.
    const inner = context.description.slice(context.description.indexOf(':') + 1);
    if (inner.trim() === '') {
      throw new EndpointDescriptionError(
        context.description,
        `it names no endpoint to listen on: ${HAPROXY_USAGE}.`,
      );
    }
    return new HAProxyServerEndpoint(reactor, context.registry.serverFromString(reactor, inner));
  },
};
