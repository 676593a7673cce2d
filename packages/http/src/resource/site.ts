import type { IReactorTime } from '@tw/core';
import type { IRequest, IResource, ISession } from '../interfaces.js';
import { HTTPFactory } from '../server/factory.js';
import type { HTTPServerOptions } from '../server/options.js';
import type { IRequestSite } from '../server/site-contract.js';
import { resolveFormLimits, type FormLimits } from './form-limits.js';
import { unsupportedFormEncoding } from './form-errors.js';
import { formEncodingOf, parseFormBody } from './forms.js';
import { getChildForRequest } from './resource.js';
import { SESSION_COOKIE_NAME, sessionForRequest } from './session-cookie.js';
import { SessionStore, type Session, type SessionStoreOptions } from './session.js';
import { setUploadedFiles } from './uploaded-files.js';

export interface SiteOptions extends HTTPServerOptions, SessionStoreOptions {
  /** Limits on form bodies parsed into request.args and uploaded files (→ 413). */
  readonly formLimits?: Partial<FormLimits>;
  /**
   * Show the error and its stack in the 500 page of a resource that threw (HTML-escaped).
   * Default false: a generic page. It leaks internals: never on a public server.
   */
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
  /** Show the error and stack in 500 pages (twisted's displayTracebacks); read per failure. */
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
   * The resource for `request` (twisted's Site.getResourceFor): traversal from the root.
   * Called once the headers are complete, before the body.
   */
  getResourceFor(request: IRequest): IResource {
    return getChildForRequest(this.resource, request);
  }

  /**
   * Parse a complete form body into request.args (after the query's arguments) and
   * getUploadedFiles(request); the channel calls it before render() for resources that do
   * not stream their body. Throws FormParseError, which the channel answers with its status:
   * 400 malformed, 413 past formLimits, 415 for a Content-Encoding (the body is not decoded).
   */
  parseBodyArgs(request: IRequest & { addArg(name: string, value: string): void }): void {
    const contentType = request.getHeader('content-type');
    if (formEncodingOf(contentType) === null) return;
    const coding = request.getHeader('content-encoding');
    if (coding !== null && !/^[ \t]*identity[ \t]*$/i.test(coding)) {
      // RFC 9110 §12.5.3: a 415 for a content coding says which codings would do.
      request.setHeader('Accept-Encoding', 'identity');
      throw unsupportedFormEncoding(
        `A form body with Content-Encoding "${coding}" is not decoded: send it without one.`,
      );
    }
    const form = parseFormBody(contentType, request.content, this.formLimits);
    if (form === null) return;
    for (const [name, values] of form.args) {
      for (const value of values) request.addArg(name, value);
    }
    if (form.files.size > 0) setUploadedFiles(request, form.files);
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
