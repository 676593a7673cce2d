import type { IRequest, IResource, RenderResult } from '../interfaces.js';
import { NoResource, Resource } from './resource.js';

/**
 * Serves a different resource tree per Host header (twisted.web.vhost.NameVirtualHost). Host
 * names compare case-insensitively, without the port and without a trailing dot; a request for
 * an unknown host (or with no Host header, which HTTP/1.0 allows) gets `default`, or 404 when
 * there is none.
 *
 * Put it at the root of a Site (or anywhere in a tree): traversal continues into the chosen
 * host's tree, and when the chosen resource is a leaf it renders the whole remaining path.
 */
export class NameVirtualHost extends Resource {
  /** Resource for hosts not in the map (and requests without Host); 404 when null. */
  default: IResource | null = null;
  private readonly hosts = new Map<string, IResource>();

  /** Serve `resource` for Host `name` (any case; a port or trailing dot in `name` is ignored). */
  addHost(name: string, resource: IResource): void {
    this.hosts.set(normalizeHostName(name), resource);
  }

  removeHost(name: string): void {
    this.hosts.delete(normalizeHostName(name));
  }

  /** The resource for this request's Host header. */
  resourceForRequest(request: IRequest): IResource {
    const header = request.getHeader('host');
    const chosen = header === null ? undefined : this.hosts.get(normalizeHostName(header));
    return chosen ?? this.default ?? new NoResource(`There is no site for this host name here.`);
  }

  override render(request: IRequest): RenderResult {
    return this.resourceForRequest(request).render(request);
  }

  override getChild(name: string, request: IRequest): IResource {
    const resource = this.resourceForRequest(request);
    if (resource.isLeaf) {
      // The leaf renders the whole path below the vhost, this segment included.
      request.postpath.unshift(request.prepath.pop()!);
      return resource;
    }
    return resource.getChildWithDefault(name, request);
  }
}

/**
 * 'Example.COM:8080' → 'example.com', '[::1]:80' → '[::1]', 'example.com.' → 'example.com'.
 */
export function normalizeHostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) {
    const close = name.indexOf(']');
    name = close < 0 ? name : name.slice(0, close + 1);
  } else {
    const colon = name.indexOf(':');
    if (colon >= 0) name = name.slice(0, colon);
  }
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
