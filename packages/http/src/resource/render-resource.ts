import { Logger } from '@tw/core';
import { NOT_DONE_YET, type IRequest, type IResource } from '../interfaces.js';
import { internalErrorPageHTML } from '../server/error-page.js';

const log = new Logger('tw.http.resource');
const encoder = new TextEncoder();

/**
 * Render `resource` onto `request` and complete the response (twisted.web.server.Request.render),
 * for code that renders outside the Site's own dispatch: DeferredResource, the auth wrapper.
 * A returned body gets its Content-Length, is written (the channel sends no body for HEAD) and
 * the request is finished; NOT_DONE_YET leaves the response to the resource. A render that
 * throws becomes a 500 page (logged; shown only with the site's displayTracebacks), or a dropped connection when
 * the response had already begun.
 */
export function renderResource(request: IRequest, resource: IResource): void {
  if (request.finished) return; // the client went away while we waited
  let body;
  try {
    body = resource.render(request);
  } catch (error) {
    log.failure('Rendering {uri} failed', error, { uri: request.uri });
    failRequest(request, error);
    return;
  }
  if (body === NOT_DONE_YET) return;
  writeBody(request, typeof body === 'string' ? encoder.encode(body) : body);
}

/**
 * Answer 500, or drop the connection if the response already started. The page is generic
 * unless the request's site has displayTracebacks on: then it shows `error` and its stack.
 */
export function failRequest(request: IRequest, error?: unknown): void {
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
  request.setHeader('content-type', 'text/html; charset=utf-8');
  writeBody(request, encoder.encode(internalErrorPageHTML(error, displayTracebacksOf(request))));
}

function displayTracebacksOf(request: IRequest): boolean {
  const site = (request as { site?: { displayTracebacks?: boolean } }).site;
  return site?.displayTracebacks === true;
}

function writeBody(request: IRequest, body: Uint8Array): void {
  if (!request.responseHeaders.hasHeader('content-length')) {
    request.setHeader('content-length', String(body.length));
  }
  if (body.length > 0) request.write(body);
  request.finish();
}
