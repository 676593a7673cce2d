import type { Deferred, Failure } from '@tw/core';
import { Logger } from '@tw/core';
import { NOT_DONE_YET, type IRequest, type IResource, type RenderResult } from '../interfaces.js';
import { failRequest, renderResource } from './render-resource.js';
import { getChildForRequest, Resource } from './resource.js';

const log = new Logger('tw.http.resource');

/**
 * A resource that will be known later (twisted.web.util.DeferredResource): it ends traversal,
 * and when the Deferred fires, traversal continues from the resource it gives with the rest of
 * the path, and that resource is rendered. A failed Deferred answers 500 (and is logged).
 */
export class DeferredResource extends Resource {
  override isLeaf = true;

  constructor(readonly deferred: Deferred<IResource>) {
    super();
  }

  override getChild(_name: string, _request: IRequest): IResource {
    return this;
  }

  override render(request: IRequest): RenderResult {
    this.deferred.addCallbacks(
      (resource: IResource) => {
        renderResource(request, getChildForRequest(resource, request));
        return resource;
      },
      (failure: Failure) => {
        log.failure('A DeferredResource failed for {uri}', failure, { uri: request.uri });
        failRequest(request, failure.value);
        return null as unknown as IResource;
      },
    );
    return NOT_DONE_YET;
  }
}
