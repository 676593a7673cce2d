import { Logger } from '@tw/core';
import { NOT_DONE_YET, type IRequest, type IResource } from '../interfaces.js';
import { ErrorPage } from './resource.js';

const log = new Logger('tw.http.resource');
const encoder = new TextEncoder();

/**
 * Render `resource` onto `request` and complete the response (twisted.web.server.Request.render),
 * for code that renders outside the Site's own dispatch: DeferredResource, the auth wrapper.
 * A returned body gets its Content-Length, is written (the channel sends no body for HEAD) and
 * the request is finished; NOT_DONE_YET leaves the response to the resource. A render that
 * throws becomes a 500 page (logged, never shown to the client), or a dropped connection when
 * the response had already begun.
 */
export function renderResource(request: IRequest, resource: IResource): void {
  if (request.finished) return; // the client went away while we waited
  let body;
  try {
    body = resource.render(request);
  } catch (error) {
    log.failure('Rendering {uri} failed', error, { uri: request.uri });
    failRequest(request);
    return;
  }
  if (body === NOT_DONE_YET) return;
  writeBody(request, typeof body === 'string' ? encoder.encode(body) : body);
}

/** Answer 500 with a generic page, or drop the connection if the response already started. */
export function failRequest(request: IRequest): void {
  if (request.finished) return;
  try {
    request.setResponseCode(500); // throws once the head was sent
  } catch {
    // Headers were already sent: the only honest signal left is to cut the response short.
    request.transport.abortConnection();
    return;
  }
  // Whatever the failed resource set (a Content-Length, a cookie) does not describe this page.
  for (const [name] of [...request.responseHeaders]) request.responseHeaders.removeHeader(name);
  const page = new ErrorPage(500, 'Internal Server Error', 'An error occurred rendering the page.');
  const body = page.render(request);
  writeBody(request, typeof body === 'string' ? encoder.encode(body) : (body as Uint8Array));
}

function writeBody(request: IRequest, body: Uint8Array): void {
  if (!request.responseHeaders.hasHeader('content-length')) {
    request.setHeader('content-length', String(body.length));
  }
  if (body.length > 0) request.write(body);
  request.finish();
}
