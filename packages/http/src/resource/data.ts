import type { IRequest, RenderResult } from '../interfaces.js';
import { Resource } from './resource.js';

/**
 * Fixed bytes with a content type, for every path below it (twisted.web.static.Data). Answers
 * GET and HEAD; anything else gets 405 with an Allow header.
 */
export class Data extends Resource {
  override isLeaf = true;
  readonly data: Uint8Array;

  /** `data` as bytes, or text encoded as UTF-8 (say so in `contentType`). */
  constructor(
    data: Uint8Array | string,
    readonly contentType: string,
  ) {
    super();
    this.data = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  }

  render_GET(request: IRequest): RenderResult {
    request.setHeader('content-type', this.contentType);
    return this.data;
  }
}
