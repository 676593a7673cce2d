import type { IReactorTime } from '@tw/core';
import type { IRequest, IResource, ISession, IStreamingResource } from '../interfaces.js';
import { HTTPFactory } from '../server/factory.js';
import type { HTTPServerOptions } from '../server/options.js';
import type { IRequestSite } from '../server/site-contract.js';
import { resolveFormLimits, type FormLimits } from './form-limits.js';
import { FormParsingResource } from './form-parsing-resource.js';
import { formEncodingOf } from './forms.js';
import { getChildForRequest } from './resource.js';
import { SESSION_COOKIE_NAME, sessionForRequest } from './session-cookie.js';
import { SessionStore, type Session, type SessionStoreOptions } from './session.js';

export interface SiteOptions extends HTTPServerOptions, SessionStoreOptions {
  /** Limits on form bodies parsed into request.args and uploaded files (→ 413). */
  readonly formLimits?: Partial<FormLimits>;
  /** Show error details (stack traces) in 500 pages. Default false: never on a public server. */
  readonly displayTracebacks?: boolean;
}

/**
 * A web site (twisted.web.server.Site): an HTTPFactory serving a tree of resources rooted at
 * `resource`, with sessions for its clients and form parsing.
 *
 * ```ts
 * const root = new Resource();
 * root.putChild('', new Data('hello', 'text/plain'));
 * await serverFromString(reactor, 'tcp:8080:interface=127.0.0.1').listen(new Site(reactor, root));
 * ```
 *
 * For each request the channel asks getResourceFor(), which walks request.postpath from the
 * root (getChildForRequest). A request whose body is a form (urlencoded or multipart) gets
 * its body parsed into request.args and getUploadedFiles(request) just before the resource
 * renders. request.getSession() finds and makes sessions through this site.
 */
export class Site extends HTTPFactory implements IRequestSite {
  /** Show error details in 500 pages (twisted's displayTracebacks). Default false. */
  displayTracebacks: boolean;
  readonly sessionCookieName = SESSION_COOKIE_NAME;
  readonly sessions: SessionStore;
  readonly formLimits: FormLimits;

  constructor(
    reactor: IReactorTime,
    /** The root of the resource tree; may be replaced at any time. */
    public resource: IResource,
    options: SiteOptions = {},
  ) {
    super(reactor, null, options);
    this.displayTracebacks = options.displayTracebacks ?? false;
    this.sessions = new SessionStore(reactor, options);
    this.formLimits = resolveFormLimits(options.formLimits);
  }

  /**
   * The resource for `request` (twisted's Site.getResourceFor): traversal from the root, with
   * form parsing in front of it when the body is a form. Called once the headers are complete.
   */
  getResourceFor(request: IRequest): IResource {
    const resource = getChildForRequest(this.resource, request);
    if ((resource as Partial<IStreamingResource>).streamsRequestBody === true) return resource;
    if (formEncodingOf(request.getHeader('content-type')) === null) return resource;
    return new FormParsingResource(resource, this.formLimits);
  }

  /** A new session (twisted's Site.makeSession). Resources use request.getSession(). */
  makeSession(secure = false): Session {
    return this.sessions.makeSession(secure);
  }

  /** The live session with this uid, or null. */
  getSession(uid: string): ISession | null {
    return this.sessions.getSession(uid);
  }

  /**
   * The session of `request`, made (and its cookie set) on first use; unlike a bare
   * getSession(uid), it never hands a session made over HTTPS to a plain-HTTP request.
   */
  sessionForRequest(request: IRequest): Session {
    return sessionForRequest(this.sessions, request);
  }
}
