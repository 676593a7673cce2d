import {
  LoginFailed,
  Logger,
  UnauthorizedLogin,
  UnhandledCredentials,
  UnsupportedAvatarInterface,
  type Deferred,
  type Failure,
  type ICredentials,
  type LoginResult,
  type Portal,
} from '@tw/core';
import type { IRequest, IResource, RenderResult } from '../interfaces.js';
import { formatChallenge, type ICredentialFactory } from './credential-factory.js';
import { DeferredResource } from './deferred-resource.js';
import { ErrorPage, Resource } from './resource.js';

const log = new Logger('tw.http.guard');

/** The avatar interface HTTPAuthSessionWrapper asks the realm for: an IResource. */
export const RESOURCE_AVATAR_INTERFACE = 'http.resource';

/**
 * 401 Unauthorized with one WWW-Authenticate challenge per credential factory
 * (twisted.web._auth.wrapper.UnauthorizedResource). Ends traversal.
 */
export class UnauthorizedResource extends Resource {
  override isLeaf = true;

  constructor(private readonly factories: readonly ICredentialFactory[]) {
    super();
  }

  override getChildWithDefault(_name: string, _request: IRequest): IResource {
    return this;
  }

  override render(request: IRequest): RenderResult {
    request.setResponseCode(401);
    for (const factory of this.factories) {
      request.responseHeaders.addRawHeader(
        'www-authenticate',
        formatChallenge(factory.scheme, factory.getChallenge(request)),
      );
    }
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return 'Unauthorized';
  }
}

/**
 * Protects a tree of resources with HTTP authentication through cred
 * (twisted.web.guard.HTTPAuthSessionWrapper). Each request's Authorization header is decoded by
 * the factory for its scheme and checked with
 * `portal.loginFrom(clientAddress, credentials, null, 'http.resource')`; the realm's avatar is
 * the resource that then renders the request (traversal continues into it with the rest of the
 * path), and the avatar's logout runs when the response is finished. A missing, malformed or
 * refused Authorization header gets 401 with a challenge from every factory; refusals come
 * after the Portal's throttle delay, so guessing passwords is slow. Nothing is remembered
 * between requests: HTTP auth is sent with each one.
 */
export class HTTPAuthSessionWrapper implements IResource {
  readonly isLeaf = false;

  constructor(
    private readonly portal: Portal<IResource>,
    private readonly credentialFactories: readonly ICredentialFactory[],
  ) {}

  render(request: IRequest): RenderResult {
    return this.authorizedResource(request).render(request);
  }

  getChildWithDefault(_name: string, request: IRequest): IResource {
    // Give the segment back: traversal resumes inside the avatar, from this same point.
    request.postpath.unshift(request.prepath.pop()!);
    return this.authorizedResource(request);
  }

  putChild(_name: string, _child: IResource): void {
    throw new TypeError(
      'HTTPAuthSessionWrapper has no children of its own: put them on the avatar resources.',
    );
  }

  private authorizedResource(request: IRequest): IResource {
    const header = request.getHeader('authorization');
    if (header === null) return this.unauthorized();
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const factory = this.credentialFactories.find((f) => f.scheme === scheme);
    if (factory === undefined) return this.unauthorized();
    let credentials: ICredentials;
    try {
      credentials = factory.decode(space < 0 ? '' : header.slice(space + 1), request);
    } catch (error) {
      if (error instanceof LoginFailed) return this.unauthorized();
      log.failure('Decoding credentials failed', error);
      return internalError();
    }
    return new DeferredResource(this.login(credentials, request));
  }

  private login(credentials: ICredentials, request: IRequest): Deferred<IResource> {
    const login = this.portal.loginFrom(
      request.getClientAddress(),
      credentials,
      null,
      RESOURCE_AVATAR_INTERFACE,
    );
    return login.addCallbacks(
      (result: LoginResult<IResource>): IResource => {
        request.notifyFinish().addBoth(() => {
          result.logout();
          return null;
        });
        return result.avatar;
      },
      (failure: Failure): IResource => {
        // A portal without a checker for Basic, or a realm without 'http.resource', is a
        // configuration error: say so in the log and with a 500, not with a misleading 401.
        const misconfigured =
          failure.check(UnhandledCredentials) !== null ||
          failure.check(UnsupportedAvatarInterface) !== null;
        if (!misconfigured && failure.check(UnauthorizedLogin, LoginFailed) !== null) {
          return this.unauthorized();
        }
        log.failure('HTTP authentication failed with an unexpected error', failure);
        return internalError();
      },
    ) as unknown as Deferred<IResource>;
  }

  private unauthorized(): IResource {
    return new UnauthorizedResource(this.credentialFactories);
  }
}

function internalError(): IResource {
  return new ErrorPage(500, 'Internal Server Error', 'An error occurred during authentication.');
}
