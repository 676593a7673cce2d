import { Factory, type Address, type IReactorTime } from '@tw/core';

import type { IRequest, IResource } from '../interfaces.js';
import { HTTPChannel } from './channel.js';
import {
  resolveHTTPServerOptions,
  type HTTPServerOptions,
  type ResolvedHTTPServerOptions,
} from './options.js';
import type { IRequestSite } from './site-contract.js';

/** HTTPFactory was built without a site and does not implement getResourceFor itself. */
function missingSite(): never {
  throw new TypeError(
    'HTTPFactory needs a site: pass an object with getResourceFor(request), or subclass HTTPFactory and implement it.',
  );
}

/**
 * Builds an HTTPChannel per connection (twisted.web.http.HTTPFactory):
 * `reactor.listenTCP(8080, new HTTPFactory(reactor, site, { idleTimeout: 30 }))`.
 *
 * `site` answers getResourceFor(request). A subclass may pass null and implement
 * IRequestSite itself — that is how Site extends this class.
 */
export class HTTPFactory extends Factory<HTTPChannel> {
  readonly reactor: IReactorTime;
  readonly options: ResolvedHTTPServerOptions;
  private readonly explicitSite: IRequestSite | null;

  constructor(
    reactor: IReactorTime,
    site: IRequestSite | null = null,
    options: HTTPServerOptions = {},
  ) {
    super();
    this.reactor = reactor;
    this.explicitSite = site;
    this.options = resolveHTTPServerOptions(options);
  }

  /** The site requests are rendered against: the one given, or this factory itself. */
  get requestSite(): IRequestSite {
    if (this.explicitSite !== null) return this.explicitSite;
    const self = this as unknown as Partial<IRequestSite>;
    if (typeof self.getResourceFor !== 'function') missingSite();
    return self as IRequestSite;
  }

  override buildProtocol(_addr: Address): HTTPChannel {
    const channel = new HTTPChannel(this.reactor, this.requestSite, this.options);
    channel.factory = this;
    return channel;
  }
}

/** A site with one resource for every path — handy for tests and tiny servers. */
export function singleResourceSite(resource: IResource): IRequestSite {
  return { getResourceFor: (_request: IRequest) => resource };
}
