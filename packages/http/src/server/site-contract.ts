import type { IRequest, IResource, ISession } from '../interfaces.js';

/**
 * What the server protocol needs from a site (twisted.web.server.Site): the resource for a
 * request, and optionally sessions and body-argument parsing. `Site` (src/resource/site.ts)
 * implements it; any object with getResourceFor() will do for tests and small servers.
 */
export interface IRequestSite {
  /**
   * Walk the resource tree for `request` (consuming request.postpath into prepath) and return
   * the resource to render. Called once the request's headers are complete, before its body.
   * A throw becomes a 500.
   */
  getResourceFor(request: IRequest): IResource;
  /** The session with this uid, or null when there is none (or it expired). */
  getSession?(uid: string): ISession | null;
  /** A new session, registered under its uid. */
  makeSession?(): ISession;
  /** Session cookie name (default 'TW_SESSION'). */
  readonly sessionCookieName?: string;
  /**
   * The whole of request.getSession() when the site provides it: find or make the session
   * for `request`, set its cookie, and refuse to hand a session made over HTTPS to a plain-HTTP
   * request (Site does this). Without it, Request uses getSession/makeSession above.
   */
  sessionForRequest?(request: IRequest): ISession;
  /**
   * Called once a buffered body is complete, before render(): parse form bodies
   * (application/x-www-form-urlencoded, multipart/form-data) into args with request.addArg().
   * Not called for streaming resources. A throw of an error carrying a 4xx `status` (such as
   * FormParseError: malformed 400, too large 413, unsupported content coding 415) is the
   * client's fault: it is answered with that status and the error's message, and the resource
   * does not render. Any other throw is a 500.
   */
  parseBodyArgs?(request: IRequest & { addArg(name: string, value: string): void }): void;
  /**
   * Show the error and its stack (HTML-escaped) in the 500 page of a resource that threw
   * (twisted's Site.displayTracebacks). Read at each failure. Default false: a generic page.
   */
  readonly displayTracebacks?: boolean;
  /** Called when a response is finished (access log); errors thrown here are logged, not sent. */
  logRequest?(request: IRequest): void;
}
