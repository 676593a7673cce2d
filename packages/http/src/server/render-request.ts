import { Logger } from '@tw/core';

import { NOT_DONE_YET, type IResource } from '../interfaces.js';
import { clientErrorStatus } from './client-error.js';
import { escapeAttribute as escapeHTML } from '../template/escape.js';
import { errorPageHTML, internalErrorPageHTML } from './error-page.js';
import type { Request } from './request.js';

const log = new Logger('tw.http.server');

/**
 * Render `request` with `resource` and complete the response when render() returns a body
 * (twisted.web.server.Request.render): one buffer with head and body, Content-Length set.
 * NOT_DONE_YET leaves the response to the resource; a throw is a 500 (renderFailed).
 */
export function renderRequest(request: Request, resource: IResource): void {
  let result;
  try {
    result = resource.render(request);
  } catch (error) {
    renderFailed(request, error);
    return;
  }
  if (result === NOT_DONE_YET) return;
  let body: Uint8Array;
  if (typeof result === 'string') body = Buffer.from(result, 'utf8');
  else if (result instanceof Uint8Array) body = result;
  else {
    renderFailed(request, new TypeError('render() must return bytes, a string, or NOT_DONE_YET.'));
    return;
  }
  if (request.finished) {
    if (!request.lost)
      log.warn('{uri}: render() returned a body after finishing the request', {
        uri: request.uri,
      });
    return;
  }
  request.finishWithBody(body);
}

/**
 * A resource (or the site on its behalf) threw: log it and answer 500 — generic, or with the
 * error and stack when the site's displayTracebacks is on. Once the response has started a
 * status can no longer be sent: the connection is aborted instead.
 */
export function renderFailed(request: Request, error: unknown): void {
  log.failure(
    'Error rendering {method} {uri}',
    error,
    { method: request.method, uri: request.uri },
    'error',
  );
  if (request.finished) return;
  if (request.startedWriting) {
    request.connectionLost(error);
    request.transport.abortConnection();
    return;
  }
  // Whatever the failed resource set (a Content-Length, a cookie) does not describe this page.
  for (const [name] of [...request.responseHeaders]) request.responseHeaders.removeHeader(name);
  request.setResponseCode(500);
  request.setHeader('Content-Type', 'text/html; charset=utf-8');
  const page = internalErrorPageHTML(error, request.site.displayTracebacks === true);
  request.finishWithBody(Buffer.from(page, 'utf8'));
}

/**
 * site.parseBodyArgs threw. An error with a 4xx `status` (a malformed or too large form) is
 * the client's: answered with that status and its message. Anything else is a 500.
 */
export function bodyArgsFailed(request: Request, error: unknown): void {
  const status = clientErrorStatus(error);
  // Once the site itself started or finished a response, a status page cannot follow it.
  if (status === null || request.finished || request.startedWriting) {
    renderFailed(request, error);
    return;
  }
  const message = (error as Error).message;
  log.info('Refusing the body of {method} {uri} from {peer}: {status} {reason}', {
    method: request.method,
    uri: request.uri,
    peer: request.transport.getPeer(),
    status,
    reason: message,
  });
  answerWithStatus(request, status, message);
}

/** Answer a request with a short HTML page and no resource (417, a refused body, …). */
export function answerWithStatus(request: Request, status: number, detail: string): void {
  request.setResponseCode(status);
  request.setHeader('Content-Type', 'text/html; charset=utf-8');
  const page = errorPageHTML(status, `<p>${escapeHTML(detail)}</p>`);
  request.finishWithBody(Buffer.from(page, 'utf8'));
}
