import type { IRequest, IResource, RenderResult } from '../interfaces.js';
import { escapeAttribute as escapeHTML } from '../template/escape.js';

/**
 * A render method, as Twisted names them: `render_GET`, `render_POST`, … It returns the whole
 * body (bytes or text) or NOT_DONE_YET when it will write and finish() the response later.
 */
export type ResourceRenderMethod = (request: IRequest) => RenderResult;

const RENDER_PREFIX = 'render_';

/**
 * A node of the resource tree (twisted.web.resource.Resource).
 *
 * Traversal asks each node for the next path segment with getChildWithDefault(): registered
 * children first (putChild), then getChild(), which by default answers 404. A node whose
 * `isLeaf` is true ends traversal and renders every path below it itself.
 *
 * render() dispatches on the request method to a `render_<METHOD>` method of the subclass:
 * HEAD falls back to render_GET (the channel sends no body for HEAD), OPTIONS without a
 * render_OPTIONS is answered with the Allow header, and any other method without a render
 * method gets 405 Method Not Allowed with an Allow header (RFC 9110 §15.5.6).
 *
 * As in Twisted, the root is asked for the child `''` when the path is `/`, and a resource at
 * `/a` is asked for `''` when the path is `/a/`: register `putChild('', …)` or make it a leaf.
 */
export class Resource implements IResource {
  /** A leaf renders every path below it (no further traversal). */
  isLeaf = false;
  /** Children registered with putChild(), by path segment (decoded). */
  readonly children = new Map<string, IResource>();
  /**
   * The methods advertised in Allow on a 405 or an OPTIONS answer. When null (the default) they
   * are computed from the render_* methods present (Twisted's allowedMethods).
   */
  allowedMethods: readonly string[] | null = null;

  /** Register `child` as the resource for the path segment `name` (decoded, no '/'). */
  putChild(name: string, child: IResource): void {
    this.children.set(name, child);
  }

  /**
   * The child for a segment that was not registered with putChild(). Override to make children
   * dynamically; the default is a 404 page.
   */
  getChild(_name: string, _request: IRequest): IResource {
    return new NoResource();
  }

  /** Registered children first, then getChild(). */
  getChildWithDefault(name: string, request: IRequest): IResource {
    return this.children.get(name) ?? this.getChild(name, request);
  }

  render(request: IRequest): RenderResult {
    const method = request.method;
    const handler = this.renderMethodFor(method);
    if (handler !== null) return handler.call(this, request);
    if (method === 'HEAD') {
      const get = this.renderMethodFor('GET');
      if (get !== null) return get.call(this, request);
    }
    const allowed = this.allowedMethods ?? computeAllowedMethods(this);
    request.setHeader('allow', allowed.join(', '));
    if (method === 'OPTIONS') {
      request.setResponseCode(200);
      return new Uint8Array(0);
    }
    return new ErrorPage(
      405,
      'Method Not Allowed',
      `This resource does not support the ${method} method.`,
    ).render(request);
  }

  /** The render_<METHOD> function of this object, or null. */
  private renderMethodFor(method: string): ResourceRenderMethod | null {
    const candidate = (this as unknown as Record<string, unknown>)[RENDER_PREFIX + method];
    return typeof candidate === 'function' ? (candidate as ResourceRenderMethod) : null;
  }
}

/**
 * The methods a resource renders, from its render_* methods (own and inherited): HEAD when GET
 * is there, and OPTIONS always, since render() answers it.
 */
export function computeAllowedMethods(resource: object): string[] {
  const methods = new Set<string>();
  for (
    let proto: object | null = resource;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (!key.startsWith(RENDER_PREFIX) || key.length === RENDER_PREFIX.length) continue;
      const value = (resource as Record<string, unknown>)[key];
      if (typeof value === 'function') methods.add(key.slice(RENDER_PREFIX.length));
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort();
}

/**
 * Walk the tree from `resource`, moving segments from request.postpath to request.prepath, until
 * the path is used up or a leaf is reached (twisted.web.resource.getChildForRequest). Segments
 * are names handed to getChildWithDefault(), never file system paths: '..' is just a name, and
 * '%2F' decodes to a '/' inside one name.
 */
export function getChildForRequest(resource: IResource, request: IRequest): IResource {
  let current = resource;
  while (request.postpath.length > 0 && !current.isLeaf) {
    const name = request.postpath.shift()!;
    request.prepath.push(name);
    current = current.getChildWithDefault(name, request);
  }
  return current;
}

/**
 * A fixed HTML error page (twisted.web.resource.ErrorPage): renders `code` for any method and
 * is its own child for any path below it. Text is escaped, so a detail that quotes the request
 * cannot inject markup.
 */
export class ErrorPage extends Resource {
  constructor(
    readonly code: number,
    readonly brief: string,
    readonly detail: string,
  ) {
    super();
  }

  override render(request: IRequest): RenderResult {
    request.setResponseCode(this.code);
    request.setHeader('content-type', 'text/html; charset=utf-8');
    return errorPageHTML(this.code, this.brief, this.detail);
  }

  override getChild(_name: string, _request: IRequest): IResource {
    return this;
  }
}

/** 404 Not Found (twisted.web.resource.NoResource). */
export class NoResource extends ErrorPage {
  constructor(message = 'Sorry. No luck finding that resource.') {
    super(404, 'No Such Resource', message);
  }
}

/** 403 Forbidden (twisted.web.resource.ForbiddenResource). */
export class ForbiddenResource extends ErrorPage {
  constructor(message = 'Sorry, resource is forbidden.') {
    super(403, 'Forbidden Resource', message);
  }
}

/** The body of an ErrorPage, with its text HTML-escaped. */
export function errorPageHTML(code: number, brief: string, detail: string): string {
  const title = `${code} - ${escapeHTML(brief)}`;
  return (
    `<html>\n  <head><title>${title}</title></head>\n  <body>\n` +
    `    <h1>${escapeHTML(brief)}</h1>\n    <p>${escapeHTML(detail)}</p>\n  </body>\n</html>\n`
  );
}
